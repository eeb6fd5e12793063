// Validates rendered manifests against the Kubernetes OpenAPI schemas, as
// compiled into the npm package kubernetes-models (types, required fields,
// formats, enums). An apiVersion/kind the package does not know is an error:
// a typo in either must not pass unchecked.
// Usage: node check-schema.mjs RENDERED.yaml...
import { createRequire } from 'node:module';
import { filesFromArgs, loadManifests, Report } from './lib.mjs';

const require = createRequire(import.meta.url);

function modelClass(apiVersion, kind) {
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || !/^[A-Za-z]+$/.test(kind)) {
    return null;
  }
  const path = `kubernetes-models/${apiVersion}/${kind}`;
  try {
    return require(path)[kind] ?? null;
  } catch {
    return null;
  }
}

for (const file of filesFromArgs('check-schema.mjs RENDERED.yaml...')) {
  const report = new Report('schema');
  const manifests = loadManifests(file);
  if (manifests.length === 0) report.add(file, 'no manifests');
  for (const { doc, where } of manifests) {
    const Model = modelClass(doc.apiVersion, doc.kind);
    if (Model === null) {
      report.add(where, `no schema for apiVersion "${doc.apiVersion}" kind "${doc.kind}"`);
      continue;
    }
    try {
      new Model(doc).validate();
    } catch (e) {
      const errors = e.errors ?? [{ instancePath: '', message: e.message }];
      for (const err of errors) {
        const detail = err.params ? ` ${JSON.stringify(err.params)}` : '';
        report.add(where, `${err.instancePath || '/'} ${err.message}${detail}`);
      }
    }
  }
  report.finish(file);
}
