// Crash consistency: 1,000 acknowledged bid submissions from 20 enterprises, 32 at a time, while
// the server is killed with SIGKILL at random moments and restarted. Afterwards every
// acknowledged bid is in its revisions; no price is in the public data; the audit chain verifies
// with one entry per stored bid revision; and, once the keyholders have opened the round, every
// stored bid revision opens with its published key (with `procura bid open`) to a bid whose
// BLAKE2b-256 commitment (computed by coreutils' b2sum) is the published one.
// Usage: node crash_test.js PROCURA SOURCE_DIR WORK_DIR   (PGURL set: on PostgreSQL)
'use strict';
const fs = require('fs');
const path = require('path');
const assert = require('assert');
const { spawnSync } = require('child_process');
const { checks, client, startServer, database, testClock, signer, openByKeyholders } = require('./lib');

const [procura, , work] = process.argv.slice(2);
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });
const { check, finish } = checks();
const db = database(work, 'crash.db');
const keys = path.join(work, 'keys');
const R = 'crash';
const TARGET = 1000, IN_FLIGHT = 32, ENTERPRISES = 20;

// A seeded generator, so that a failing run can be replayed (the seed is printed).
const seed = Number(process.env.CRASH_SEED || Date.now() % 100000);
let state = seed;
const random = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);

function storedBidRevisions() {
  const sql = `SELECT seq, id, rev, data, sealed FROM revision WHERE kind = 'bid' AND context = '${R}' ORDER BY seq`;
  const out = process.env.PGURL
    ? spawnSync('/usr/lib/postgresql/15/bin/psql', [process.env.PGURL, '-At', '-F', '\t', '-c', sql], { encoding: 'utf8', maxBuffer: 1 << 28 })
    : spawnSync('sqlite3', ['-separator', '\t', db, sql], { encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.strictEqual(out.status, 0, out.stderr);
  return out.stdout.trim().split('\n').filter(Boolean).map((line) => {
    const [seq, id, rev, data, sealed] = line.split('\t');
    return { seq: Number(seq), id, rev: Number(rev), data: JSON.parse(data), sealed };
  });
}

(async () => {
  console.log(`crash test seed ${seed}`);
  let server = await startServer(procura, db, keys, ['--demo', '--threads', '4']);
  let call = client(server.base);
  const token = async (user, password) => (await call('POST', '/api/login', { body: { user, password } })).json.token;
  const office = await token('office', 'demo-office');
  const acked = [];   // {product, nonce, price, commitment, submittedAt, id}
  const attempts = new Map();  // nonce -> {product, price}
  let kills = 0;

  await check('setup: a round with 20 enterprises open for bids', async () => {
    const round = { id: R, title: 'Crash test', currency: 'CNY', buyer: { id: 'A', name: 'Alliance' }, profile: 'alliance-3n-iol-2020',
      timeline: { basePeriod: '2025', bidDeadline: '2099-01-01T00:00:00Z', bidOpening: '2099-01-01T01:00:00Z', negotiationEnd: '2099-02-01T00:00:00Z', contractStart: '2099-03-01' } };
    assert.strictEqual((await call('POST', '/api/rounds', { token: office, body: round })).status, 201);
    const ents = Array.from({ length: ENTERPRISES }, (_, i) => `C${String(i + 1).padStart(2, '0')}`);
    const rows = { regions: [{ regionId: 'N' }], institutions: [{ institutionId: 'H', regionId: 'N' }], enterprises: ents.map((e) => ({ enterpriseId: e })),
      products: ents.map((e) => ({ productId: `P${e}`, enterpriseId: e, category: 'IOL', basic: ['acrylic'], registrationId: `R${e}` })),
      demand: ents.map((e) => ({ institutionId: 'H', productId: `P${e}`, quantity: 10 })) };
    for (const [table, body] of Object.entries(rows)) assert.strictEqual((await call('POST', `/api/rounds/${R}/${table}`, { token: office, body })).status, 201, table);
    assert.strictEqual((await call('POST', `/api/rounds/${R}/publish`, { token: office })).status, 200);
    for (const e of ents) {
      assert.strictEqual((await call('POST', '/api/users', { token: office, body: { id: e.toLowerCase(), role: 'enterprise', org: e, password: `pass-${e}` } })).status, 201);
    }
  });

  await check(`${TARGET} acknowledged bids while the server is killed with SIGKILL and restarted`, async () => {
    const ents = Array.from({ length: ENTERPRISES }, (_, i) => `C${String(i + 1).padStart(2, '0')}`);
    const tokens = {};
    for (const e of ents) tokens[e] = await token(e.toLowerCase(), `pass-${e}`);
    const killAt = [1, 2, 3, 4].map(() => Math.floor(50 + random() * (TARGET - 100))).sort((a, b) => a - b);
    let restarting = null, n = 0;
    // The kill comes once a number of further submissions, drawn from the seed, have started: a
    // moment with requests in flight, the same for the same seed.
    let killWhen = null;  // {at: submissions started, resolve}
    const submitOne = async () => {
      const e = ents[Math.floor(random() * ENTERPRISES)];
      const price = (100 + Math.floor(random() * 900000) / 1000).toFixed(3);
      const nonce = (n++).toString(16).padStart(16, '0') + seed.toString(16).padStart(16, '0');  // 128 bits, hex
      if (killWhen && n >= killWhen.at) {
        killWhen.resolve();
        killWhen = null;
      }
      attempts.set(nonce, { product: `P${e}`, price });
      try {
        const r = await call('POST', `/api/rounds/${R}/bids`, { token: tokens[e], body: { productId: `P${e}`, price, nonce } });
        if (r.status === 201) acked.push({ product: `P${e}`, price, nonce, commitment: r.json.commitment, submittedAt: r.json.submittedAt, id: r.json.id });
        else assert.fail(`unexpected answer ${r.status}: ${r.text}`);
      } catch (err) {
        if (err instanceof assert.AssertionError) throw err;
        if (restarting) await restarting;  // the server was killed: wait for it, then go on
        else if (server.child.exitCode !== null || server.child.signalCode !== null) assert.fail(`the server died by itself: ${server.output()}`);
        // else the answer to a request sent before the restart was lost: submit the next one
      }
      if (killAt.length && acked.length >= killAt[0] && !restarting) {
        killAt.shift();
        restarting = (async () => {
          await new Promise((resolve) => { killWhen = { at: n + 1 + Math.floor(random() * IN_FLIGHT), resolve }; });
          await server.stop('SIGKILL');
          kills++;
          server = await startServer(procura, db, keys, ['--threads', '4']);
          call = client(server.base);
          restarting = null;
        })();
      }
    };
    const workers = Array.from({ length: IN_FLIGHT }, async () => {
      while (acked.length < TARGET) await submitOne();
    });
    await Promise.all(workers);
    if (restarting) await restarting;
    await server.stop('SIGKILL');
    kills++;
    server = await startServer(procura, db, keys);
    call = client(server.base);
    assert(kills >= 5, `the server was killed ${kills} times`);
    console.log(`${acked.length} acknowledged of ${attempts.size} attempts; ${kills} kills`);
  });

  await check('every acknowledged bid is stored; every stored revision is whole and sealed', async () => {
    const stored = storedBidRevisions();
    const byCommitment = new Map(stored.map((s) => [s.data.commitment, s]));
    for (const a of acked) {
      const s = byCommitment.get(a.commitment);
      assert(s, `acknowledged bid ${a.nonce} is missing`);
      assert.strictEqual(s.id, a.id);
    }
    // Revisions of each bid are numbered 1, 2, ... without gaps.
    const revs = {};
    for (const s of stored) {
      revs[s.id] = (revs[s.id] || 0) + 1;
      assert.strictEqual(s.rev, revs[s.id], `bid ${s.id} revision ${s.rev}`);
      assert.deepStrictEqual(Object.keys(s.data).sort(), ['commitment', 'id', 'round', 'status'], 'the public data holds no price, no time');
    }
  });

  await check('the audit chain verifies, with one entry per stored bid revision, withheld from the auditor until the opening', async () => {
    const auditor = (await call('POST', '/api/login', { body: { user: 'auditor', password: 'demo-auditor' } })).json.token;
    const log = await call('GET', '/api/audit/log?limit=100000', { token: auditor });
    const head = (await call('GET', '/api/audit/head')).json;
    const file = path.join(work, 'audit.jsonl');
    fs.writeFileSync(file, log.text);
    const v = spawnSync(procura, ['audit', 'verify', file, '--public-key', head.publicKey, '--signature', head.signature], { encoding: 'utf8' });
    assert.strictEqual(v.status, 0, v.stdout + v.stderr);
    const entries = log.text.trim().split('\n').map((l) => JSON.parse(l));
    const withheld = entries.filter((e) => e.withheld);
    assert.strictEqual(withheld.length, storedBidRevisions().length);
    assert(withheld.every((e) => !('actor' in e) && !('action' in e) && !('records' in e)), 'a withheld entry names nobody and nothing');
  });

  await check('every stored bid revision opens with the key the keyholders rebuild, to a bid that matches its commitment', async () => {
    // At the opening time the keyholders (the office and the auditor) hand back their shares; the
    // round's key is then published, and every stored box, replaced ones included, opens with it.
    await server.stop();
    const clock = testClock(work, '2099-01-01T01:00:00Z');
    server = await startServer(procura, db, keys, ['--clock-file', clock.file]);
    call = client(server.base);
    const tokens = {};
    for (const user of ['office', 'auditor']) await signer(call, tokens)(user);
    await openByKeyholders(call, R, tokens);
    const secret = (await call('GET', `/api/rounds/${R}`)).json.openingSecretKey;
    const stored = storedBidRevisions().filter((x) => !('price' in x.data));  // as submitted (the opening adds one each)
    const opened = spawnSync(procura, ['bid', 'open', '--secret-key', secret], { input: stored.map((s) => s.sealed).join('\n') + '\n', encoding: 'utf8', maxBuffer: 1 << 28 });
    assert.strictEqual(opened.status, 0, opened.stderr);
    const bids = opened.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.strictEqual(bids.length, stored.length);
    // Commitments recomputed by b2sum over the canonical texts, one file per bid.
    const dir = path.join(work, 'canonical');
    fs.mkdirSync(dir, { recursive: true });
    const files = bids.map((b, i) => {
      const f = path.join(dir, String(i));
      fs.writeFileSync(f, `procura-bid-v1|${R}|${b.productId}|${b.price}|${b.nonce}`);
      return f;
    });
    const sums = spawnSync('b2sum', ['-l', '256', ...files], { encoding: 'utf8', maxBuffer: 1 << 28 });
    assert.strictEqual(sums.status, 0, sums.stderr);
    const hashes = sums.stdout.trim().split('\n').map((l) => l.split(' ')[0]);
    for (let i = 0; i < bids.length; i++) {
      assert.strictEqual(hashes[i], stored[i].data.commitment, `revision ${stored[i].seq} does not match its commitment`);
      const attempt = attempts.get(bids[i].nonce);
      assert(attempt, `revision ${stored[i].seq} was never submitted`);
      assert.strictEqual(Number(bids[i].price), Number(attempt.price));
      assert.strictEqual(bids[i].productId, attempt.product);
      const ack = acked.find((a) => a.nonce === bids[i].nonce);
      if (ack) assert.strictEqual(bids[i].submittedAt, ack.submittedAt, 'the sealed time is the receipt\'s');
    }
    console.log(`${stored.length} stored revisions (${acked.length} acknowledged, ${stored.length - acked.length} committed as the server died)`);
  });

  await server.stop();
  finish();
})();
