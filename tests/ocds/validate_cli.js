// `procura ocds validate` against an independent validator (ajv, JSON Schema draft-04) on the same
// files: every real publisher sample, our own release packages, and broken copies. The verdicts
// (valid or not) must agree file by file. Usage: node validate_cli.js PROCURA SOURCE_DIR WORK_DIR
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const [procura, sourceArg, work] = process.argv.slice(2);
const source = path.resolve(sourceArg);
const Ajv = require(path.join(source, 'tools/node_modules/ajv-draft-04'));
const addFormats = require(path.join(source, 'tools/node_modules/ajv-formats'));
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });

const schemaDir = path.join(source, 'tests/data/reference/ocds/schema-1.1.5');
const read = (p) => JSON.parse(fs.readFileSync(p, 'utf8'));
function mergePatch(target, patch) {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out = (target && typeof target === 'object' && !Array.isArray(target)) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) { if (v === null) delete out[k]; else out[k] = mergePatch(out[k], v); }
  return out;
}
function validators(extensions) {
  let release = read(path.join(schemaDir, 'release-schema.json'));
  for (const e of extensions) release = mergePatch(release, read(path.join(e, 'release-schema.json')));
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const recordPackage = read(path.join(schemaDir, 'record-package-schema.json'));
  ajv.addSchema(release);
  ajv.addSchema(read(path.join(schemaDir, 'versioned-release-validation-schema.json')));
  ajv.addSchema(recordPackage);
  return {
    release: ajv.getSchema(release.id),
    releasePackage: ajv.compile(read(path.join(schemaDir, 'release-package-schema.json'))),
    recordPackage: ajv.getSchema(recordPackage.id),
    record: ajv.compile({ $ref: recordPackage.id.replace(/#$/, '') + '#/definitions/record' }),
  };
}
function ajvVerdict(v, value) {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    if ('records' in value) return v.recordPackage(value);
    if ('releases' in value && !('ocid' in value)) return v.releasePackage(value);
    if ('releases' in value) return v.record(value);
  }
  return v.release(value);
}

let passed = 0, failed = 0;
function compare(name, file, extensions) {
  const v = validators(extensions);
  const ours = spawnSync(procura, ['ocds', 'validate', ...extensions.flatMap((e) => ['--extension', e]), file], { encoding: 'utf8' });
  const theirs = ajvVerdict(v, read(file));
  if ((ours.status === 0) === theirs && (ours.status === 0 || ours.status === 1)) { passed++; return theirs; }
  failed++;
  console.error(`FAIL ${name}: procura exit ${ours.status}, ajv ${theirs ? 'valid' : 'invalid'}\n${ours.stdout.slice(0, 800)}${ours.stderr.slice(0, 300)}`);
  if (!theirs) console.error(JSON.stringify((v.release.errors || v.releasePackage.errors || v.recordPackage.errors || v.record.errors || []).slice(0, 5)));
  return theirs;
}

// Real samples, as published.
const samples = path.join(source, 'tests/data/reference/real-samples');
const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]);
let valid = 0, invalid = 0;
for (const file of walk(samples).filter((f) => f.endsWith('.json')).sort()) {
  if (fs.statSync(file).size === 0) {  // a few published files are empty: not OCDS at all
    const r = spawnSync(procura, ['ocds', 'validate', file], { encoding: 'utf8' });
    if (r.status === 1 && /empty; expected OCDS JSON/.test(r.stdout)) { passed++; invalid++; } else { failed++; console.error(`FAIL empty ${file}`); }
    continue;
  }
  if (compare(path.relative(samples, file), file, [])) valid++; else invalid++;
}
console.log(`real samples: ${valid} valid, ${invalid} invalid (both validators agree on ${passed} of ${passed + failed})`);

// Our own round, valid with its extensions, and broken copies that must be refused by both.
const extensions = ['lots', 'bids', 'procura'].map((e) => path.join(source, 'extensions', e));
const db = path.join(work, 'demo.db'), out = path.join(work, 'out');
spawnSync(procura, ['round', 'import', path.join(source, 'examples/iol-3n-2020'), '--db', db]);
spawnSync(procura, ['round', 'run', '3n-iol-2020', '--db', db, '--out', out, '--quiet']);
const pkgFile = path.join(out, 'ocds/release-package.json');
const good = compare('demo package', pkgFile, extensions);
if (!good) { failed++; console.error('FAIL the demo package should be valid'); }
const breakers = {
  'wrong tag': (p) => { p.releases[0].tag = ['nonsense']; },
  'string quantity': (p) => { p.releases[4].contracts[0].procura.agreedVolumes[0].quantity = 'many'; },
  'missing ocid': (p) => { delete p.releases[1].ocid; },
  'bad date': (p) => { p.releases[2].date = '2020-13-45T00:00:00Z'; },
  'negative competitors': (p) => { p.releases[1].tender.lots[0].procura.competitors = -1; },
};
for (const [name, breakIt] of Object.entries(breakers)) {
  const p = read(pkgFile);
  breakIt(p);
  const file = path.join(work, name.replace(/ /g, '-') + '.json');
  fs.writeFileSync(file, JSON.stringify(p));
  if (compare(`demo package, ${name}`, file, extensions)) { failed++; console.error(`FAIL ${name} should be invalid`); }
}

// `ocds convert`: package -> JSON lines -> package keeps every release, and the rebuilt package
// is valid for both validators.
{
  const lines = spawnSync(procura, ['ocds', 'convert', '--to', 'jsonl', pkgFile], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const jl = path.join(work, 'demo.jsonl');
  fs.writeFileSync(jl, lines.stdout);
  const back = spawnSync(procura, ['ocds', 'convert', '--to', 'package', jl], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const rebuilt = path.join(work, 'rebuilt.json');
  fs.writeFileSync(rebuilt, back.stdout);
  const original = read(pkgFile), copy = read(rebuilt);
  const same = JSON.stringify(copy.releases) === JSON.stringify(original.releases);
  if (lines.status === 0 && back.status === 0 && lines.stdout.trim().split('\n').length === 5 && same) passed++;
  else { failed++; console.error('FAIL convert round trip', lines.stderr, back.stderr); }
  // Extensions are not carried by convert: validate the rebuilt package with them given.
  if (!compare('converted package', rebuilt, extensions)) { failed++; console.error('FAIL converted package should be valid'); }
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
