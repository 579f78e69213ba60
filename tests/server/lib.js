// Shared by the server's end-to-end tests: a check runner, a server started on a free loopback
// port (SQLite file, or PostgreSQL when PGURL is set), and a small JSON client.
'use strict';
const net = require('net');
const fs = require('fs');
const path = require('path');
const assert = require('assert');
const { spawn, spawnSync } = require('child_process');

function checks() {
  const state = { passed: 0, failed: 0 };
  state.check = async (name, fn) => {
    try { await fn(); state.passed++; } catch (e) { state.failed++; console.error(`FAIL ${name}: ${e.stack || e.message}`); }
  };
  state.finish = () => {
    console.log(`${state.passed} passed, ${state.failed} failed`);
    process.exit(state.failed ? 1 : 0);
  };
  return state;
}

const freePort = () => new Promise((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
});
// Tests never wait for time to pass: they move the server's clock (testClock) instead, and wait
// for events (what the server prints, a socket connecting), never for a while.
const iso = (msFromNow) => new Date(Date.now() + msFromNow).toISOString().replace(/\.\d+Z$/, 'Z');

// The time a test gives its server (procura serve --clock-file): set, moved, read.
function testClock(work, start = '2026-06-01T08:00:00Z') {
  const file = path.join(work, 'clock');
  let now = Date.parse(start);
  const text = () => new Date(now).toISOString().replace(/\.\d+Z$/, 'Z');
  const write = () => require('fs').writeFileSync(file, text() + '\n');
  write();
  return {
    file,
    now: text,
    at: (seconds) => new Date(now + seconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z'),
    advance(seconds) { now += seconds * 1000; write(); return text(); },
    set(isoTime) { now = Date.parse(isoTime); write(); return text(); },
  };
}

// `wrap` runs the server through another command (['/bin/sh', '-c', 'ulimit -n 256 && exec "$@"', 'sh']).
async function startServer(procura, db, keys, extra = [], env = {}, wrap = []) {
  const port = await freePort();
  const argv = [...wrap, procura, 'serve', '--db', db, '--keys', keys, '--port', String(port), ...extra];
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  // What the server printed, and the waits for what it will print (each ends when its test holds
  // of the output, or when the server exits).
  let out = '', exited = false;
  const waiters = [];
  const settle = () => {
    for (const w of [...waiters]) {
      if (!exited && !w.test(out)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  const until = (test) => new Promise((resolve) => { waiters.push({ test, resolve }); settle(); });
  child.stdout.on('data', (d) => { out += d; settle(); });
  child.stderr.on('data', (d) => { out += d; settle(); });
  child.on('exit', () => { out += '\n[exited]'; exited = true; settle(); });
  await until((o) => o.includes('serving'));
  assert(out.includes('serving'), `the server did not start: ${out}`);
  const stop = async (signal = 'SIGTERM') => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    await new Promise((r) => child.on('exit', r));
  };
  return { child, port, base: `http://127.0.0.1:${port}`, output: () => out, until, stop };
}

function client(base) {
  return async function call(method, url, { token, body, raw, headers = {} } = {}) {
    const h = { ...headers };
    if (token) h.Authorization = `Bearer ${token}`;
    const res = await fetch(base + url, { method, headers: h, body: raw !== undefined ? raw : body !== undefined ? JSON.stringify(body) : undefined });
    const text = await res.text();
    let json = null;
    try { json = JSON.parse(text); } catch (e) { /* not JSON */ }
    return { status: res.status, json, text, headers: res.headers };
  };
}

// One raw HTTP exchange on a new connection: `text` is sent as it is (request line, headers,
// body); resolves with the raw answer (status, headers, body as text) when the server closes or
// answers fully, or with { error } when the connection is reset. It waits for those events only,
// never for a while: a server that never answers is caught by ctest's timeout.
function rawRequest(port, text, { from } = {}) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress: from });
    let data = Buffer.alloc(0);
    const done = (extra = {}) => {
      const all = data.toString('latin1');
      const head = all.split('\r\n\r\n')[0];
      const status = Number((/^HTTP\/1\.\d (\d{3})/.exec(head) || [])[1] || 0);
      resolve({ status, head, body: all.slice(head.length + 4), ...extra });
    };
    socket.on('data', (d) => {
      data = Buffer.concat([data, d]);
      const all = data.toString('latin1');
      const end = all.indexOf('\r\n\r\n');
      const length = /content-length: *(\d+)/i.exec(all.slice(0, end));
      if (end >= 0 && length && data.length >= end + 4 + Number(length[1])) { socket.destroy(); done(); }
    });
    socket.on('error', (e) => done({ error: e.code }));
    socket.on('close', () => done());
    socket.write(text);
  });
}

// A JSON call from another source address (127.0.0.x), for what is counted per source.
function callFrom(port, from, method, url, { body, token } = {}) {
  const http = require('http');
  return new Promise((resolve) => {
    const payload = body === undefined ? '' : JSON.stringify(body);
    const headers = { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) };
    if (token) headers.Authorization = `Bearer ${token}`;
    const req = http.request({ host: '127.0.0.1', port, method, path: url, headers, localAddress: from }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => { let json = null; try { json = JSON.parse(text); } catch (e) { /* not JSON */ } resolve({ status: res.statusCode, json, text }); });
    });
    req.on('error', (e) => resolve({ status: 0, error: e.code }));
    req.end(payload);
  });
}

// Every item of the changes feed, page by page (as the account of `token`, or the public).
async function wholeFeed(call, token) {
  const items = [];
  for (let offset = 0; ;) {
    const page = (await call('GET', `/api/feed?offset=${offset}&limit=1000`, { token })).json.items;
    items.push(...page);
    if (page.length < 1000) return items;
    offset = page[page.length - 1].offset;
  }
}

// The database of a test: PGURL when set (a fresh PostgreSQL per test), else a file in `work`.
const database = (work, name) => process.env.PGURL || path.join(work, name);

// One SQL query on a test's database (PGURL when set, else the SQLite file `db`); its rows as text.
function sqlOn(db, query) {
  const out = process.env.PGURL
    ? spawnSync('/usr/lib/postgresql/15/bin/psql', [process.env.PGURL, '-At', '-c', query], { encoding: 'utf8' })
    : spawnSync('sqlite3', [db, query], { encoding: 'utf8' });
  assert.strictEqual(out.status, 0, out.stderr);
  return out.stdout.trim();
}

// The database as someone with a copy of it reads it: every row of every table, as text
// (PostgreSQL when PGURL is set, else the SQLite file `db`).
function databaseText(db) {
  const run = (args) => spawnSync(args[0], args.slice(1), { encoding: 'utf8', maxBuffer: 1 << 30 }).stdout;
  if (!process.env.PGURL) return run(['sqlite3', db, '.dump']);
  const psql = (q) => run(['/usr/lib/postgresql/15/bin/psql', process.env.PGURL, '-At', '-c', q]);
  const tables = psql("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").trim().split('\n');
  assert(tables.includes('revision') && tables.includes('opening_share'), tables.join(', '));
  return tables.map((t) => psql(`SELECT * FROM ${t}`)).join('\n');
}

// A sign-in helper: `login(user, password = 'demo-<user>')` returns the token and keeps it in `tokens`.
function signer(call, tokens) {
  return async (user, password = `demo-${user}`) => {
    const r = await call('POST', '/api/login', { body: { user, password } });
    assert.strictEqual(r.status, 200, `${user}: ${r.text}`);
    tokens[user] = r.json.token;
    return r.json.token;
  };
}

// Opens round `round` as its keyholders do: each keyholder signed in (`tokens`, by account) hands
// back its share with its passphrase (`passphrase(account)`, the demo's by default) until the
// bids open. Returns the last answer.
async function openByKeyholders(call, round, tokens, passphrase = (account) => `demo-${account}-keyholder`) {
  const holders = (await call('GET', `/api/rounds/${round}/keyholders`)).json.items;
  let last;
  for (const h of holders) {
    if (!tokens[h.account] || h.submittedAt) continue;
    last = await call('POST', `/api/rounds/${round}/shares`, { token: tokens[h.account], body: { passphrase: passphrase(h.account) } });
    assert.strictEqual(last.status, 201, `${h.account}: ${last.text}`);
    if (last.json.opened) return last;
  }
  assert.fail(`round ${round} did not open: ${last ? last.text : 'no keyholder signed in'}`);
}

// The tables of a small draft round `R` posted by the office (`token`): one region, one
// institution, enterprises E01-E04 with P1-P4 competing in one group (acrylic) and E01's P5 alone
// in another (PMMA, so negotiated), each with history at 1000, a ceiling of 1000 and demand of
// 100. Returns the products.
async function postSmallRoundTables(call, token, R) {
  const post = async (table, body) => {
    const r = await call('POST', `/api/rounds/${R}/${table}`, { token, body });
    assert.strictEqual(r.status, 201, `${R} ${table}: ${r.text}`);
  };
  await post('regions', [{ regionId: 'N' }]);
  await post('institutions', [{ institutionId: 'BJ-H1', regionId: 'N' }]);
  await post('enterprises', ['E01', 'E02', 'E03', 'E04'].map((e) => ({ enterpriseId: e })));
  const products = ['E01', 'E02', 'E03', 'E04'].map((e, i) => ({ productId: `P${i + 1}`, enterpriseId: e, category: 'IOL', basic: ['acrylic'], registrationId: `R${i}` }));
  products.push({ productId: 'P5', enterpriseId: 'E01', category: 'IOL', basic: ['PMMA'], registrationId: 'R5' });
  await post('products', products);
  await post('history', products.map((p) => ({ productId: p.productId, regionId: 'N', price: '1000', quantity: 100 })));
  await post('ceilings', products.map((p) => ({ productId: p.productId, maxPrice: '1000.00' })));
  await post('demand', products.map((p) => ({ institutionId: 'BJ-H1', productId: p.productId, quantity: 100 })));
  return products;
}

// The OpenAPI file's read answers as validators (ajv, JSON Schema 2020-12): answers(path, body)
// asserts that `body` is what GET `path` (a route's pattern, "/api/rounds/{id}") promises with
// 200; error(body) that it is the documented error body.
function openApi(source) {
  const Ajv2020 = require(path.join(source, 'tools/node_modules/ajv/dist/2020'));
  const spec = JSON.parse(fs.readFileSync(path.join(source, 'docs/openapi.json'), 'utf8'));
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema(spec, 'openapi');
  const pointer = (...parts) => 'openapi#/' + parts.map((x) => encodeURIComponent(x.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');
  const check = (validate, body, what) => assert.ok(validate(body), `${what}: ${JSON.stringify(validate.errors).slice(0, 600)}`);
  const errorSchema = ajv.getSchema(pointer('components', 'schemas', 'Error'));
  return {
    spec,
    schemaOf: (route) => {
      const ok = spec.paths[route].get.responses['200'];
      return ok.content && ok.content['application/json'] ? ajv.getSchema(pointer('paths', route, 'get', 'responses', '200', 'content', 'application/json', 'schema')) : null;
    },
    answers(route, body, what = route) { check(this.schemaOf(route), body, what); },
    error: (body, what = 'error') => check(errorSchema, body, what),
  };
}

module.exports = { openApi, postSmallRoundTables, checks, freePort, iso, testClock, startServer, client, database, wholeFeed, rawRequest, callFrom, sqlOn, databaseText, signer, openByKeyholders };
