// `procura ocds compile` as a user runs it: every merge conformance case through the command
// (as a file, as JSON lines, split over two files, on standard input, in memory and spilled to
// buckets), malformed input with its line number, --skip-invalid, and every real publisher sample.
// Usage: node compile_cli.js PROCURA SOURCE_DIR WORK_DIR
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const [procura, sourceArg, work] = process.argv.slice(2);
const source = path.resolve(sourceArg);
const fixtures = path.join(source, 'tests/data/reference/ocds/merge-fixtures');
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });

let passed = 0, failed = 0;
const ok = (cond, name, detail) => {
  if (cond) { passed++; } else { failed++; console.error(`FAIL ${name}${detail ? ': ' + detail : ''}`); }
};
function equal(a, b) {  // objects compare without key order; arrays in order
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a).sort(), kb = Object.keys(b).sort();
    return equal(ka, kb) && ka.every((k) => equal(a[k], b[k]));
  }
  return a === b;
}
function run(args, input) {
  const r = spawnSync(procura, ['ocds', 'compile', ...args], { input, encoding: 'utf8', maxBuffer: 1 << 30 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const lines = (text) => text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));

const schemas = { '1.1': 'release-schema-1__1__4.json', '1.0': 'release-schema-1__0__3.json', schema: 'schema.json' };
for (const [folder, schema] of Object.entries(schemas)) {
  for (const file of fs.readdirSync(path.join(fixtures, folder)).sort()) {
    if (!/^[a-z0-9-]+\.json$/.test(file) || /-(compiled|versioned|append|by-position)\.json$/.test(file)) continue;
    const stem = file.slice(0, -5);
    const input = path.join(fixtures, folder, file);
    const schemaArgs = ['--schema', path.join(fixtures, schema)];
    const compiledFile = path.join(fixtures, folder, stem + '-compiled.json');
    const versionedFile = path.join(fixtures, folder, stem + '-versioned.json');
    const releases = JSON.parse(fs.readFileSync(input, 'utf8'));
    if (fs.existsSync(compiledFile)) {
      const want = JSON.parse(fs.readFileSync(compiledFile, 'utf8'));
      for (const buckets of ['1', '5']) {
        const r = run([...schemaArgs, '--buckets', buckets, input]);
        ok(r.code === 0 && equal(lines(r.out), [want]), `${folder}/${stem} compiled (buckets ${buckets})`, r.err);
      }
      // The same releases as JSON lines on standard input, and split over two files.
      const jl = releases.map((x) => JSON.stringify(x)).join('\n') + '\n';
      const r2 = run([...schemaArgs, '-'], jl);
      ok(r2.code === 0 && equal(lines(r2.out), [want]), `${folder}/${stem} from JSON lines on stdin`, r2.err);
      if (releases.length > 1) {
        const a = path.join(work, stem + '-a.jsonl'), b = path.join(work, stem + '-b.jsonl');
        fs.writeFileSync(a, JSON.stringify(releases[releases.length - 1]) + '\n');
        fs.writeFileSync(b, releases.slice(0, -1).map((x) => JSON.stringify(x)).join('\n') + '\n');
        const r3 = run([...schemaArgs, '--buckets', '3', a, b]);
        ok(r3.code === 0 && equal(lines(r3.out), [want]), `${folder}/${stem} split over two files`, r3.err);
      }
    }
    if (fs.existsSync(versionedFile)) {
      const want = JSON.parse(fs.readFileSync(versionedFile, 'utf8'));
      const r = run([...schemaArgs, '--versioned', input]);
      let pkg = null;
      try { pkg = JSON.parse(r.out); } catch (e) { /* reported below */ }
      ok(r.code === 0 && pkg && pkg.records.length === 1 && equal(pkg.records[0].versionedRelease, want),
        `${folder}/${stem} versioned`, r.err);
    }
  }
}

// Malformed input: the line is named and nothing is written; --skip-invalid counts and goes on.
const good = JSON.stringify({ ocid: 'ocds-x-1', id: '1', date: '2020-01-01T00:00:00Z', tag: ['tender'] });
const broken = good + '\n' + good.replace('"1"', '"2"') + '\n{"ocid": "ocds-x-1", "id": \n';
const rb = run(['-'], broken);
ok(rb.code === 1 && /<stdin>:3: malformed JSON/.test(rb.err) && rb.out === '', 'malformed line is refused with its number', rb.err);
const rs = run(['--skip-invalid', '-'], broken);
ok(rs.code === 0 && lines(rs.out).length === 1 && /1 skipped/.test(rs.err), '--skip-invalid counts and goes on', rs.err);
const rn = run(['-'], good + '\n' + JSON.stringify({ ocid: 'ocds-x-2', id: '9' }) + '\n');
ok(rn.code === 1 && /<stdin>:2: .*has no string "date"/.test(rn.err), 'a release without date is refused', rn.err);
const rm = run(['/nonexistent/file.json']);
ok(rm.code === 1 && /no such file/.test(rm.err), 'a missing file is refused', rm.err);

// Every real publisher sample compiles; one record per distinct OCID.
const samples = path.join(source, 'tests/data/reference/real-samples');
const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]);
const files = walk(samples).filter((f) => f.endsWith('.json') || f.endsWith('.jsonl'));
const r = run(['--skip-invalid', '--buckets', '4', ...files]);
const compiled = r.code === 0 ? lines(r.out) : [];
const ocids = new Set(compiled.map((c) => c.ocid));
ok(r.code === 0 && compiled.length > 0 && ocids.size === compiled.length, `real samples (${files.length} files) compile`, r.err.slice(0, 500));
console.log(`real samples: ${r.err.trim()}`);
// Buckets merged on several threads give the same output, byte for byte, as one thread.
for (const args of [['--buckets', '7'], ['--buckets', '5', '--package', '--versioned']]) {
  const one = run(['--skip-invalid', '--threads', '1', ...args, ...files]);
  const three = run(['--skip-invalid', '--threads', '3', ...args, ...files]);
  ok(one.code === 0 && one.out.length > 0 && three.out === one.out, `threads give the same output (${args.join(' ')})`, three.err);
}
{
  // Every implemented indicator runs on the real samples' compiled releases.
  const ini = path.join(work, 'all.ini');
  fs.writeFileSync(ini, ['R003', 'R018', 'R024', 'R025', 'R028', 'R030', 'R035', 'R036', 'R038', 'R048', 'R058'].map((c) => `[${c}]`).join('\n') + '\n');
  const f = spawnSync(procura, ['flags', '--settings', ini, '-'], { input: r.out, encoding: 'utf8', maxBuffer: 1 << 30 });
  let parsed = null;
  try { parsed = JSON.parse(f.stdout); } catch (e) { /* reported below */ }
  ok(f.status === 0 && parsed !== null && typeof parsed === 'object', 'flags on the real samples', f.stderr);
  if (parsed) console.log(`real samples flagged: ${Object.keys(parsed.OCID || {}).length} processes, ${Object.keys(parsed.Tenderer || {}).length} tenderers`);
}

// `procura flags` on Cardinal's fixtures, with an INI settings file as a user writes it.
const cardinal = path.join(source, 'tests/data/reference/cardinal-fixtures/indicators');
for (const [code, extra] of [['R035', ''], ['R024', ''], ['R003', '[R003.procurement_method_details]\nx = 5\ny = 10\n']]) {
  const stem = code + (extra ? '-procurement_method_details-x-5-y-10' : '');
  const ini = path.join(work, stem + '.ini');
  fs.writeFileSync(ini, `no_price_comparison_procurement_methods = NPC\n[exclusions]\nprocurement_method_details = EXC\n[${code}]\nthreshold_unused_comment = 1 # ignored\n${extra}`.replace('threshold_unused_comment = 1 # ignored\n', ''));
  const r = spawnSync(procura, ['flags', '--no-meta', '--settings', ini, path.join(cardinal, stem + '.jsonl')], { encoding: 'utf8' });
  const want = JSON.parse(fs.readFileSync(path.join(cardinal, stem + '.expected'), 'utf8'));
  ok(r.status === 0 && equal(JSON.parse(r.stdout), want), `flags ${stem}`, r.stderr);
}
{
  const ini = path.join(work, 'bad.ini');
  fs.writeFileSync(ini, '[R024]\nthis line is not a setting\n');
  const r = spawnSync(procura, ['flags', '--settings', ini, '-'], { input: '', encoding: 'utf8' });
  ok(r.status === 1 && /bad\.ini:2: malformed INI line/.test(r.stderr), 'a malformed settings line is named', r.stderr);
  const m = spawnSync(procura, ['flags', '--settings', path.join(work, 'R035.ini'), path.join(cardinal, 'R024.jsonl')], { encoding: 'utf8' });
  ok(m.status === 0 && JSON.parse(m.stdout).Meta === undefined, 'no Meta for indicators without statistics', m.stderr);
}

// P002 reads its reference price list from a CSV file named in the settings (relative path).
{
  const dir = path.join(work, 'p002');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'refs.csv'), 'scheme,id,unit,price,currency,sources\nATC,J01CA04,tablet,5.00,MNT,4\n');
  fs.writeFileSync(path.join(dir, 'settings.ini'), '[P002]\nreference_prices = refs.csv\n');
  const line = (ocid, price) => JSON.stringify({ ocid, buyer: { id: 'B1' }, awards: [{ status: 'active', items: [{ classification: { scheme: 'ATC', id: 'J01CA04' }, unit: { name: 'tablet', value: { amount: price, currency: 'MNT' } } }] }] });
  const r = spawnSync(procura, ['flags', '--no-meta', '--settings', path.join(dir, 'settings.ini'), '-'], { input: line('1', 8) + '\n' + line('2', 10) + '\n', encoding: 'utf8' });
  ok(r.status === 0 && JSON.parse(r.stdout).Buyer.B1.P002 === 1.8, 'P002 with a reference price CSV', r.stderr + r.stdout);
  fs.writeFileSync(path.join(dir, 'refs.csv'), 'scheme,id,unit,price\nATC,J01CA04,tablet,five\n');
  const bad = spawnSync(procura, ['flags', '--settings', path.join(dir, 'settings.ini'), '-'], { input: '', encoding: 'utf8' });
  ok(bad.status === 1 && /refs\.csv:2: field 'price'/.test(bad.stderr), 'a bad reference price is refused with its line', bad.stderr);
}

// `procura flags prepare` reproduces Cardinal's prepare fixtures byte for byte.
const prepareDir = path.join(source, 'tests/data/reference/cardinal-fixtures/prepare');
for (const file of fs.readdirSync(prepareDir).filter((f) => f.endsWith('.jsonl')).sort()) {
  const stem = file.slice(0, -6);
  const r = spawnSync(procura, ['flags', 'prepare', '--settings', path.join(prepareDir, stem + '.ini'), path.join(prepareDir, file)], { encoding: 'utf8' });
  ok(r.status === 0 && r.stdout === fs.readFileSync(path.join(prepareDir, stem + '.output'), 'utf8'), `flags prepare ${stem}`, r.stderr);
}

// The quality issues left after preparation, as CSV rows on standard error (Cardinal's columns:
// line, ocid, path, array indexes, incorrect value, description); a default or a codelist
// replacement removes its issue.
{
  const dir = path.join(work, 'prepare-issues');
  fs.mkdirSync(dir, { recursive: true });
  const input = [
    { ocid: 'ocds-213czf-1', bids: { details: [{ id: 1 }] } },
    { ocid: 'o2', awards: [{ id: 'a', status: 'Qualified', items: [{ classification: { id: 'x' } }] }], bids: { details: [{ status: 'valid', value: { amount: 3 } }] } },
  ].map((r) => JSON.stringify(r) + '\n').join('');
  fs.writeFileSync(path.join(dir, 'none.ini'), '[defaults]\n');
  let r = spawnSync(procura, ['flags', 'prepare', '--settings', path.join(dir, 'none.ini'), '-'], { input, encoding: 'utf8' });
  ok(r.status === 0 && r.stderr === [
    '1,"ocds-213czf-1",/bids/details[]/status,0,,not set',
    '2,"o2",/bids/details[]/value/currency,0,,not set',
    '2,"o2",/awards[]/items[]/classification/scheme,0.0,,not set',
    '2,"o2",/awards[]/status,0,Qualified,invalid', ''].join('\n'), 'prepare reports quality issues', r.stderr);
  fs.writeFileSync(path.join(dir, 'fixed.ini'), '[defaults]\nbid_status = valid\ncurrency = USD\nitem_classification_scheme = CPV\n[codelists.award_status]\nQualified = active\n');
  const issues = path.join(dir, 'issues.csv');
  r = spawnSync(procura, ['flags', 'prepare', '--settings', path.join(dir, 'fixed.ini'), '--issues', issues, '-'], { input, encoding: 'utf8' });
  ok(r.status === 0 && r.stderr === '' && fs.readFileSync(issues, 'utf8') === '' && JSON.parse(r.stdout.split('\n')[1]).awards[0].status === 'active', 'defaults and replacements leave no issue', r.stderr);
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
