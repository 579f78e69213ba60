// Stateless servers: two `procura serve` processes on one PostgreSQL database (and one key
// folder). A session opened on one works on the other; the login rate limit is shared; bids sent
// to both at once all land, with one revision sequence per bid and one feed; the audit chain of
// both is one chain that verifies, and both sign the same head.
// Usage: with_postgres.sh node shared_db_test.js PROCURA SOURCE_DIR WORK_DIR
'use strict';
const fs = require('fs');
const path = require('path');
const assert = require('assert');
const { spawnSync } = require('child_process');
const { checks, client, startServer, wholeFeed, testClock } = require('./lib');

const [procura, , work] = process.argv.slice(2);
assert(process.env.PGURL, 'run under with_postgres.sh');
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });
const { check, finish } = checks();
const keys = path.join(work, 'keys');

const offsets = (feed) => feed.map((x) => x.offset);

(async () => {
  // Both on one clock the test holds still: the login throttle's window (a minute of the clock)
  // never turns between the failures it counts.
  const clock = testClock(work);
  const a = await startServer(procura, process.env.PGURL, keys, ['--demo', '--clock-file', clock.file]);
  const b = await startServer(procura, process.env.PGURL, keys, ['--clock-file', clock.file]);
  const A = client(a.base), B = client(b.base);

  await check('a session opened on one server works on the other', async () => {
    const login = await A('POST', '/api/login', { body: { user: 'office', password: 'demo-office' } });
    assert.strictEqual(login.status, 200);
    const me = await B('GET', '/api/me', { token: login.json.token });
    assert.strictEqual(me.status, 200, me.text);
    assert.strictEqual(me.json.user, 'office');
    const rounds = (await B('GET', '/api/rounds')).json.items.map((r) => r.id);
    assert.deepStrictEqual(rounds, ['3n-iol-2020', '3n-iol-2021', '3n-iol-2022']);
  });

  await check('the login rate limit counts failures on both servers', async () => {
    for (let i = 0; i < 5; i++) {
      const r = await (i % 2 ? A : B)('POST', '/api/login', { body: { user: 'insurer', password: 'wrong' } });
      assert.strictEqual(r.status, 401);
    }
    assert.strictEqual((await A('POST', '/api/login', { body: { user: 'insurer', password: 'demo-insurer' } })).status, 429);
    assert.strictEqual((await B('POST', '/api/login', { body: { user: 'insurer', password: 'demo-insurer' } })).status, 429);
  });

  await check('bids sent to both servers at once all land, in one order', async () => {
    const token = (await A('POST', '/api/login', { body: { user: 'enterprise', password: 'demo-enterprise' } })).json.token;
    const products = (await A('GET', '/api/rounds/3n-iol-2021/products?limit=10000')).json.items.filter((p) => p.enterpriseId === 'E01').map((p) => p.productId);
    assert(products.length >= 1);
    const before = (await wholeFeed(A)).length;
    const sends = [];
    for (let i = 0; i < 200; i++) {
      sends.push((i % 2 ? A : B)('POST', '/api/rounds/3n-iol-2021/bids', { token, body: { productId: products[i % products.length], price: String(500 + i), nonce: i.toString(16).padStart(32, '0') } }));
    }
    const answers = await Promise.all(sends);
    for (const r of answers) assert.strictEqual(r.status, 201, r.text);
    const feedA = await wholeFeed(A, token);  // as the enterprise: its bids' revisions are its own
    const feedB = await wholeFeed(B, token);
    assert.deepStrictEqual(feedA, feedB);
    assert.deepStrictEqual((await wholeFeed(A)).map((x) => x.offset), offsets(feedA), 'the public feed has the same items');
    assert.strictEqual(feedA.length, before + 200);
    const seen = offsets(feedA);
    assert(seen.every((o, i) => i === 0 || o > seen[i - 1]), 'the feed is in order');
    for (const id of new Set(answers.map((r) => r.json.id))) {
      const revs = (await B('GET', `/api/objects/bid/${id}/revisions`, { token })).json.revisions.map((r) => r.rev);
      assert.deepStrictEqual(revs, revs.map((_, i) => i + 1), `bid ${id}: revisions without gaps`);
    }
    const commitments = new Set(feedA.filter((x) => x.kind === 'bid').map((x) => x.data.commitment));
    for (const r of answers) assert(commitments.has(r.json.commitment));
  });

  await check('one audit chain, the same signed head on both servers', async () => {
    const token = (await B('POST', '/api/login', { body: { user: 'auditor', password: 'demo-auditor' } })).json.token;
    const headA = (await A('GET', '/api/audit/head')).json, headB = (await B('GET', '/api/audit/head')).json;
    assert.deepStrictEqual(headA, headB);
    const log = await B('GET', '/api/audit/log?limit=100000', { token });
    const file = path.join(work, 'audit.jsonl');
    fs.writeFileSync(file, log.text);
    const v = spawnSync(procura, ['audit', 'verify', file, '--public-key', headA.publicKey, '--signature', headA.signature], { encoding: 'utf8' });
    assert.strictEqual(v.status, 0, v.stdout + v.stderr);
    const withheld = log.text.trim().split('\n').map((l) => JSON.parse(l)).filter((e) => e.withheld);
    assert.strictEqual(withheld.length, 200, 'the bids\' entries, withheld from the auditor until the opening');
  });

  await a.stop();
  await b.stop();
  finish();
})();
