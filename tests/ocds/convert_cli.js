// `procura ocds convert` to and from flat tables (flatten-tool's layout) and to XLSX.
// Usage: node convert_cli.js PROCURA GEN_RELEASES SOURCE_DIR WORK_DIR
'use strict';
const fs = require('fs');
const path = require('path');
const assert = require('assert');
const { spawnSync } = require('child_process');
const [procura, generator, sourceArg, work] = process.argv.slice(2);
const source = path.resolve(sourceArg);
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });

let passed = 0, failed = 0;
function check(name, fn) {
  try { fn(); passed++; } catch (e) { failed++; console.error(`FAIL ${name}: ${e.message}`); }
}
function run(args, opts = {}) {
  return spawnSync(procura, args, { encoding: 'utf8', maxBuffer: 1 << 30, ...opts });
}
const jsonLines = (text) => text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

// A CSV reader for the test's own checks (RFC 4180: quotes, doubled quotes, CRLF).
function readCsv(file) {
  const text = fs.readFileSync(file, 'utf8');
  const rows = []; let row = [], field = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n') { row.push(field.replace(/\r$/, '')); rows.push(row); row = []; field = ''; }
    else field += c;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  return { header: rows[0], rows: rows.slice(1) };
}

// The rows flatten-tool's layout gives, counted independently: a main row per release and a row
// per element of every array of objects, in a table named by the array's keys.
function expectedCounts(releases) {
  const counts = { main: releases.length };
  const walk = (value, keys) => {
    if (Array.isArray(value)) {
      if (value.length && value.every((v) => v && typeof v === 'object' && !Array.isArray(v))) {
        const table = keys.join('_');
        counts[table] = (counts[table] || 0) + value.length;
        for (const v of value) walk(v, keys);
      }
      return;
    }
    if (value && typeof value === 'object')
      for (const [k, v] of Object.entries(value)) walk(v, [...keys, k]);
  };
  for (const r of releases) walk(r, []);
  return counts;
}

function flatten(input, dir) {
  const r = run(['ocds', 'convert', '--to', 'csv', '--out', dir, input]);
  assert.strictEqual(r.status, 0, r.stderr);
  return r;
}

// Generated compiled releases and our own round's releases go to tables and back unchanged.
const generated = path.join(work, 'generated.jsonl');
fs.writeFileSync(generated, spawnSync(generator, ['1'], { encoding: 'utf8', maxBuffer: 1 << 30 }).stdout);
const db = path.join(work, 'demo.db'), out = path.join(work, 'out');
run(['round', 'import', path.join(source, 'examples/iol-3n-2020'), '--db', db]);
run(['round', 'run', '3n-iol-2020', '--db', db, '--out', out, '--quiet']);
const demoLines = path.join(work, 'demo.jsonl');
fs.writeFileSync(demoLines, run(['ocds', 'convert', path.join(out, 'ocds/release-package.json')]).stdout);
const extensions = ['lots', 'bids', 'procura'].flatMap((e) => ['--extension', path.join(source, 'extensions', e)]);

for (const [name, input] of [['generated', generated], ['demo round', demoLines]]) {
  const dir = path.join(work, `${name.replace(' ', '-')}-csv`);
  const original = jsonLines(fs.readFileSync(input, 'utf8'));
  check(`${name}: tables and row counts`, () => {
    flatten(input, dir);
    const counts = expectedCounts(original);
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.csv')).map((f) => f.slice(0, -4)).sort();
    assert.deepStrictEqual(files, Object.keys(counts).sort());
    for (const [table, n] of Object.entries(counts)) {
      const t = readCsv(path.join(dir, `${table}.csv`));
      assert.strictEqual(t.rows.length, n, `${table}: ${t.rows.length} rows, expected ${n}`);
      assert.deepStrictEqual(t.header.slice(0, 2), ['ocid', 'id'], `${table} starts with ocid, id`);
      if (table !== 'main') assert(t.header.some((h) => h.includes('/0/')), `${table} has array columns`);
    }
  });
  check(`${name}: back from tables, identical`, () => {
    const back = run(['ocds', 'convert', ...extensions, dir]);
    assert.strictEqual(back.status, 0, back.stderr);
    const rebuilt = jsonLines(back.stdout);
    assert.strictEqual(rebuilt.length, original.length);
    // Key order may differ (tables put ocid and id first), and a flat table cannot tell an
    // empty string or array from an absent one: compare values, empty ones left out.
    const empty = (v) => v === '' || v === null || (Array.isArray(v) && !v.length);
    const canon = (v) => (Array.isArray(v) ? v.map(canon) : v && typeof v === 'object'
      ? Object.fromEntries(Object.keys(v).sort().filter((k) => !empty(v[k])).map((k) => [k, canon(v[k])])) : v);
    for (let i = 0; i < original.length; i++) assert.deepStrictEqual(canon(rebuilt[i]), canon(original[i]), `release ${i}`);
  });
}

// The main row carries nested objects as paths and string arrays joined with ";".
check('main columns', () => {
  const t = readCsv(path.join(work, 'generated-csv', 'main.csv'));
  const first = jsonLines(fs.readFileSync(generated, 'utf8'))[0];
  const at = (col) => t.rows[0][t.header.indexOf(col)];
  assert.strictEqual(at('tender/procuringEntity/id'), first.tender.procuringEntity.id);
  assert.strictEqual(at('tag'), first.tag.join(';'));
  const items = readCsv(path.join(work, 'generated-csv', 'awards_items.csv'));
  assert(items.header.includes('awards/0/id'), 'child rows link to their award');
  assert(items.header.includes('awards/0/items/0/unit/value/amount'));
});

// Real publishers' data: every release and every array element lands in its table.
check('real samples: row counts', () => {
  const samples = path.join(source, 'tests/data/reference/real-samples');
  for (const publisher of fs.readdirSync(samples)) {
    const files = [];
    const walk = (d) => { for (const e of fs.readdirSync(d, { withFileTypes: true })) e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith('.json') && files.push(path.join(d, e.name)); };
    walk(path.join(samples, publisher));
    const lines = run(['ocds', 'convert', ...files.sort().slice(0, 20)]);
    assert.strictEqual(lines.status, 0, lines.stderr);
    const input = path.join(work, `${publisher}.jsonl`);
    fs.writeFileSync(input, lines.stdout);
    const dir = path.join(work, `${publisher}-csv`);
    flatten(input, dir);
    for (const [table, n] of Object.entries(expectedCounts(jsonLines(lines.stdout) || []))) {
      const t = readCsv(path.join(dir, `${table}.csv`));
      assert.strictEqual(t.rows.length, n, `${publisher} ${table}`);
    }
  }
});

// XLSX: one sheet per table, a row per release plus the header in the main sheet.
check('xlsx workbook', () => {
  const book = path.join(work, 'generated.xlsx');
  const r = run(['ocds', 'convert', '--to', 'xlsx', '--out', book, generated]);
  assert.strictEqual(r.status, 0, r.stderr);
  const unzip = (member) => spawnSync('unzip', ['-p', book, member], { encoding: 'utf8', maxBuffer: 1 << 30 }).stdout;
  const workbook = unzip('xl/workbook.xml');
  const sheets = [...workbook.matchAll(/<sheet name="([^"]+)"/g)].map((m) => m[1]);
  const tables = fs.readdirSync(path.join(work, 'generated-csv')).map((f) => f.slice(0, -4));
  assert.deepStrictEqual([...sheets].sort(), tables.sort());
  const main = unzip(`xl/worksheets/sheet${sheets.indexOf('main') + 1}.xml`);
  const releases = jsonLines(fs.readFileSync(generated, 'utf8')).length;
  assert.strictEqual((main.match(/<row /g) || []).length, releases + 1);
  assert(main.includes(jsonLines(fs.readFileSync(generated, 'utf8'))[0].ocid));
});

// Bad tables: a clear error naming the file, line and column, exit 1.
check('bad tables', () => {
  const dir = path.join(work, 'bad-csv');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'main.csv'), 'ocid,id,tender/value/amount\nocds-1,r1,12.5\nocds-2,r2,twelve\n');
  let r = run(['ocds', 'convert', dir]);
  assert.strictEqual(r.status, 1);
  assert.match(r.stderr, /main\.csv:3.*tender\/value\/amount.*expected a number.*twelve/);
  fs.writeFileSync(path.join(dir, 'main.csv'), 'ocid,id\nocds-1,r1\n');
  fs.writeFileSync(path.join(dir, 'awards.csv'), 'ocid,id,awards/0/id\nocds-9,r9,a1\n');
  r = run(['ocds', 'convert', dir]);
  assert.strictEqual(r.status, 1);
  assert.match(r.stderr, /awards\.csv:2.*ocds-9.*not in the main table/);
  r = run(['ocds', 'convert', '--to', 'csv', generated]);
  assert.strictEqual(r.status, 1);
  assert.match(r.stderr, /--out/);
});

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
