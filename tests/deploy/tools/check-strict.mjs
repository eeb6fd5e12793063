// Rejects fields Kubernetes does not know. The OpenAPI schemas in
// kubernetes-models let unknown fields through (the API server would drop
// them silently, so a typo such as "readOnlyRootFileSystem" or a probe's
// "serviceName" quietly disables what it meant to set). This walks every
// object against the typed models of @kubernetes/client-node, whose
// attribute maps list each field of each type.
// Usage: node check-strict.mjs RENDERED.yaml...
import * as k8s from '@kubernetes/client-node';
import { filesFromArgs, loadManifests, Report } from './lib.mjs';

// "apps/v1" + "StatefulSet" -> k8s.V1StatefulSet.
function topLevelType(apiVersion, kind) {
  const version = String(apiVersion).split('/').pop();
  return `${version.charAt(0).toUpperCase()}${version.slice(1)}${kind}`;
}

const PRIMITIVES = new Set(['string', 'number', 'boolean', 'Date', 'any', 'object', 'IntOrString']);

function check(value, type, path, report, where) {
  if (value === null || value === undefined) return;
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    if (!Array.isArray(value)) {
      report.add(where, `${path}: expected a list`);
      return;
    }
    value.forEach((item, i) => check(item, array[1], `${path}[${i}]`, report, where));
    return;
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    if (typeof value !== 'object' || Array.isArray(value)) {
      report.add(where, `${path}: expected a map`);
      return;
    }
    for (const [k, v] of Object.entries(value)) check(v, map[1], `${path}.${k}`, report, where);
    return;
  }
  if (PRIMITIVES.has(type)) return;
  const model = k8s[type];
  if (typeof model?.getAttributeTypeMap !== 'function') {
    // An enum or alias: a scalar.
    if (typeof value === 'object') report.add(where, `${path}: expected a ${type} value`);
    return;
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    report.add(where, `${path}: expected an object (${type})`);
    return;
  }
  const fields = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  for (const [key, child] of Object.entries(value)) {
    const childPath = path ? `${path}.${key}` : key;
    if (!fields.has(key)) {
      report.add(where, `${childPath}: unknown field (not in ${type})`);
      continue;
    }
    check(child, fields.get(key), childPath, report, where);
  }
}

for (const file of filesFromArgs('check-strict.mjs RENDERED.yaml...')) {
  const report = new Report('strict');
  const manifests = loadManifests(file);
  if (manifests.length === 0) report.add(file, 'no manifests');
  for (const { doc, where } of manifests) {
    const type = topLevelType(doc.apiVersion, doc.kind);
    if (typeof k8s[type]?.getAttributeTypeMap !== 'function') {
      report.add(where, `no typed model ${type} for ${doc.apiVersion} ${doc.kind}`);
      continue;
    }
    check(doc, type, '', report, where);
  }
  report.finish(file);
}
