// Shared by the deploy checks: read multi-document YAML (a file, or "-" for
// stdin) into plain objects, and report problems in one format.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

// Returns [{ doc, where }] for every non-empty document of `path`, where
// `where` is "Kind/name". Exits 2 when the YAML does not parse.
export function loadManifests(path) {
  const text = readFileSync(path === '-' ? 0 : path, 'utf8');
  const out = [];
  for (const document of parseAllDocuments(text)) {
    if (document.errors.length > 0) {
      for (const e of document.errors) console.error(`${path}: YAML: ${e.message}`);
      process.exit(2);
    }
    const doc = document.toJS();
    if (doc === null || doc === undefined) continue;
    const name = doc?.metadata?.name ?? '?';
    out.push({ doc, where: `${doc.kind ?? '?'}/${name}` });
  }
  return out;
}

// Collects problems and prints them; `finish` exits 1 when there are any.
export class Report {
  constructor(check) {
    this.check = check;
    this.problems = [];
  }
  add(where, message) {
    this.problems.push(`${this.check}: ${where}: ${message}`);
  }
  finish(what) {
    for (const p of this.problems) console.error(p);
    if (this.problems.length > 0) {
      console.error(`${this.check}: ${this.problems.length} problem(s) in ${what}`);
      process.exit(1);
    }
    console.log(`${this.check}: ${what}: ok`);
  }
}

// Arguments after the script: files of rendered manifests.
export function filesFromArgs(usage) {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error(`usage: ${usage}`);
    process.exit(2);
  }
  return files;
}
