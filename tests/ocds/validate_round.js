// Independent check of Procura's published OCDS: runs the demo round and every scenario round
// with the real `procura` binary, then validates each release package with ajv (JSON Schema
// draft-04) against the OCDS 1.1.5 release-package and release schemas patched with the
// extensions in extensions/. Also checks that a broken release is refused, so that the
// validator is known to bite. Usage: node validate_round.js PROCURA SOURCE_DIR WORK_DIR
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const [procura, sourceArg, work] = process.argv.slice(2);
const source = path.resolve(sourceArg);
const Ajv = require(path.join(source, 'tools/node_modules/ajv-draft-04'));
const addFormats = require(path.join(source, 'tools/node_modules/ajv-formats'));

const schemaDir = path.join(source, 'tests/data/reference/ocds/schema-1.1.5');
const readJson = (p) => JSON.parse(fs.readFileSync(p, 'utf8'));

function mergePatch(target, patch) {  // RFC 7386
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out = (target && typeof target === 'object' && !Array.isArray(target)) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k]; else out[k] = mergePatch(out[k], v);
  }
  return out;
}

let release = readJson(path.join(schemaDir, 'release-schema.json'));
for (const ext of ['lots', 'bids', 'procura']) release = mergePatch(release, readJson(path.join(source, 'extensions', ext, 'release-schema.json')));
const pkg = readJson(path.join(schemaDir, 'release-package-schema.json'));
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
ajv.addSchema(release);
const validatePackage = ajv.compile(pkg);

let failures = 0, checked = 0;
function check(name, data, expectValid) {
  checked++;
  const ok = validatePackage(data);
  if (ok !== expectValid) {
    failures++;
    console.error(`FAIL ${name}: expected ${expectValid ? 'valid' : 'invalid'}`);
    if (!ok) console.error(JSON.stringify(validatePackage.errors.slice(0, 10), null, 1));
  } else {
    console.log(`ok   ${name}`);
  }
}

fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });
const rounds = [path.join(source, 'examples/iol-3n-2020')];
const scenarios = path.join(source, 'tests/scenarios');
for (const d of fs.readdirSync(scenarios).sort()) {
  const dir = path.join(scenarios, d);
  if (d.startsWith('_') || d.startsWith('bad-input')) continue;
  const assembled = path.join(work, 'in-' + d);
  fs.mkdirSync(assembled, { recursive: true });
  for (const f of fs.readdirSync(path.join(scenarios, '_common'))) fs.copyFileSync(path.join(scenarios, '_common', f), path.join(assembled, f));
  for (const f of fs.readdirSync(dir)) fs.copyFileSync(path.join(dir, f), path.join(assembled, f));
  rounds.push(assembled);
}
for (const dir of rounds) {
  const name = path.basename(dir);
  const db = path.join(work, name + '.db');
  const out = path.join(work, 'out-' + name);
  execFileSync(procura, ['round', 'import', dir, '--db', db], { stdio: 'pipe' });
  const id = JSON.parse(fs.readFileSync(path.join(dir, 'round.json'), 'utf8')).id;
  execFileSync(procura, ['round', 'run', id, '--db', db, '--out', out, '--quiet'], { stdio: 'pipe' });
  const data = readJson(path.join(out, 'ocds/release-package.json'));
  if (data.releases.length !== 5) { failures++; console.error(`FAIL ${name}: expected 5 releases (planning, tender, opening, award, contract)`); }
  check(name, data, true);
  if (name === 'iol-3n-2020') {
    // The validator must refuse broken data: a wrong tag, a string quantity, a bad commitment.
    const broken = JSON.parse(JSON.stringify(data));
    broken.releases[0].tag = ['nonsense'];
    check(name + ' (broken tag)', broken, false);
    const broken2 = JSON.parse(JSON.stringify(data));
    broken2.releases[4].contracts[0].procura.agreedVolumes[0].quantity = 'many';
    check(name + ' (broken agreed volume)', broken2, false);
    const broken3 = JSON.parse(JSON.stringify(data));
    broken3.releases[2].bids.details[0].procura.commitment = 'xyz';
    check(name + ' (broken commitment)', broken3, false);
  }
}
console.log(`${checked - failures} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
