// Sealed bids opened by a quorum of keyholders (issue 13): a round's opening key is split at its
// publication among the office, its observers and the auditors (2 of 3); no one, not the
// operator with the database and the key folder, reads a bid with fewer shares than the
// threshold (the test tries every candidate it can find); from the opening time the keyholders
// hand their shares back (one through `procura keyholder unseal`, so that its passphrase never
// reaches the server, one with its passphrase); the second opens the bids, a lost third share
// does not matter; and the published shares rebuild the published key by Lagrange interpolation
// over GF(2^8) written here from the definition, not by the platform's library. Run on SQLite
// and on PostgreSQL (PGURL).
// Usage: node opening_test.js PROCURA SOURCE_DIR WORK_DIR
'use strict';
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const assert = require('assert');
const { spawnSync } = require('child_process');
const { checks, testClock, client, startServer, database, signer, sqlOn, databaseText, openApi } = require('./lib');

const [procura, source, work] = process.argv.slice(2);
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });
const { check, finish } = checks();
const db = database(work, 'opening.db');
const keys = path.join(work, 'keys');
const clock = testClock(work);

// GF(2^8) modulo x^8+x^4+x^3+x^2+1, bit by bit, and the secret at x = 0 of (number, hex) shares.
const mul = (a, b) => { let r = 0; for (; b; b >>= 1) { if (b & 1) r ^= a; a <<= 1; if (a & 0x100) a ^= 0x11d; } return r; };
const inv = (a) => { let r = 1; for (let i = 0; i < 254; i++) r = mul(r, a); return r; };
function interpolate(shares) {
  const bytes = shares.map((s) => Buffer.from(s.hex, 'hex'));
  const out = Buffer.alloc(bytes[0].length);
  for (let k = 0; k < out.length; k++) {
    let v = 0;
    shares.forEach((si, i) => {
      let basis = 1;
      for (const sj of shares) if (sj.number !== si.number) basis = mul(basis, mul(sj.number, inv(sj.number ^ si.number)));
      v ^= mul(bytes[i][k], basis);
    });
    out[k] = v;
  }
  return out.toString('hex');
}
// The X25519 public key of a 32-byte secret key (Node's own X25519, not libsodium).
function publicKeyOf(secretHex) {
  const der = Buffer.concat([Buffer.from('302e020100300506032b656e04220420', 'hex'), Buffer.from(secretHex, 'hex')]);
  const jwk = crypto.createPublicKey(crypto.createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })).export({ format: 'jwk' });
  return Buffer.from(jwk.x, 'base64url').toString('hex');
}
// Everything an attacker with a copy of the database and of the key folder has, as text.
const stolenText = () => databaseText(db) + '\n' + fs.readdirSync(keys).map((f) => fs.readFileSync(path.join(keys, f), 'utf8')).join('\n');

(async () => {
  const server = await startServer(procura, db, keys, ['--demo', '--clock-file', clock.file]);
  const call = client(server.base);
  const tokens = {};
  const login = signer(call, tokens);
  for (const user of ['office', 'enterprise', 'observer', 'auditor', 'hospital']) await login(user);
  const office = tokens.office;
  const R = 'quorum';
  const round = { id: R, title: 'Quorum opening', currency: 'CNY', buyer: { id: 'ALLIANCE', name: 'Alliance' }, profile: 'alliance-3n-iol-2020',
    timeline: { basePeriod: '2025', bidDeadline: clock.at(3600), bidOpening: clock.at(7200), negotiationEnd: clock.at(14400), contractStart: '2027-01-01' } };
  const post = async (url, body, token = office, status) => {
    const r = await call('POST', url, { token, body });
    if (status) assert.strictEqual(r.status, status, `${url}: ${r.text}`);
    else assert(r.status < 300, `${url}: ${r.text}`);
    return r;
  };
  const bids = {};

  await check('keyholder keys: a passphrase of 12 characters or a public key, never both; a round waits for its keyholders\' keys', async () => {
    for (const [body, field] of [[{ passphrase: 'short' }, 'passphrase'], [{ publicKey: 'abc' }, 'publicKey'], [{ passphrase: 'long enough passphrase', publicKey: 'a'.repeat(64) }, 'publicKey'], [{}, 'passphrase']]) {
      const r = await call('PUT', '/api/me/keyholder-key', { token: tokens.observer, body });
      assert.deepStrictEqual([r.status, r.json.error.field], [422, field], JSON.stringify(body));
    }
    assert.strictEqual((await call('PUT', '/api/me/keyholder-key', { token: tokens.enterprise, body: { passphrase: 'long enough passphrase' } })).status, 403, 'an enterprise holds no key');
    // The office's key as the CLI makes it equals what the server derives from the passphrase.
    const cli = spawnSync(procura, ['keyholder', 'key', '--account', 'office'], { input: 'demo-office-keyholder\n', encoding: 'utf8' });
    assert.strictEqual(cli.status, 0, cli.stderr);
    assert.strictEqual((await call('GET', '/api/me/keyholder-key', { token: office })).json.publicKey, cli.stdout.trim());
    // An observer without a key, assigned to a round, holds up its publication.
    assert.strictEqual((await post('/api/users', { id: 'observer2', role: 'observer', password: 'observer2-pass' })).status, 201);
    await login('observer2', 'observer2-pass');
    await post('/api/rounds', { ...round, id: 'nokey' });
    for (const [table, body] of [['regions', [{ regionId: 'N' }]], ['institutions', [{ institutionId: 'H', regionId: 'N' }]], ['enterprises', [{ enterpriseId: 'E01' }]],
      ['products', [{ productId: 'Q1', enterpriseId: 'E01', category: 'IOL', basic: ['acrylic'] }]], ['demand', [{ institutionId: 'H', productId: 'Q1', quantity: 5 }]]])
      await post(`/api/rounds/nokey/${table}`, body);
    await post('/api/rounds/nokey/observers', { user: 'observer2' });
    let r = await post('/api/rounds/nokey/publish', undefined, office, 409);
    assert.strictEqual(r.json.error.code, 'keyholder_without_key');
    assert.match(r.json.error.message, /'observer2'/);
    // Its key made by the CLI and registered as a public key: the round is published.
    const made = spawnSync(procura, ['keyholder', 'key', '--account', 'observer2'], { env: { ...process.env, PROCURA_PASSPHRASE: 'observer2 keyholder phrase' }, encoding: 'utf8' });
    assert.strictEqual((await call('PUT', '/api/me/keyholder-key', { token: tokens.observer2, body: { publicKey: made.stdout.trim() } })).status, 200);
    r = await post('/api/rounds/nokey/publish');
    assert.deepStrictEqual(r.json.opening, { threshold: 2, keyholders: ['office', 'observer2', 'auditor'] });
  });

  await check('at publication the key is split among the office, the observer and the auditor, 2 of 3, and kept nowhere whole', async () => {
    await post('/api/rounds', round);
    for (const [table, body] of [['regions', [{ regionId: 'N' }]], ['institutions', [{ institutionId: 'H', regionId: 'N' }]],
      ['enterprises', ['E01', 'E02'].map((e) => ({ enterpriseId: e }))],
      ['products', [{ productId: 'Q1', enterpriseId: 'E01', category: 'IOL', basic: ['acrylic'] }, { productId: 'Q2', enterpriseId: 'E01', category: 'IOL', basic: ['acrylic'] }]],
      ['demand', [{ institutionId: 'H', productId: 'Q1', quantity: 5 }, { institutionId: 'H', productId: 'Q2', quantity: 5 }]]])
      await post(`/api/rounds/${R}/${table}`, body);
    assert.strictEqual((await call('GET', `/api/rounds/${R}`)).json.openingPublicKey, undefined, 'a draft has no opening key yet');
    await post(`/api/rounds/${R}/observers`, { user: 'observer' });
    const published = (await post(`/api/rounds/${R}/publish`)).json;
    assert.deepStrictEqual(published.opening, { threshold: 2, keyholders: ['office', 'observer', 'auditor'] });
    const holders = (await call('GET', `/api/rounds/${R}/keyholders`)).json.items;
    assert.deepStrictEqual(holders.map((h) => [h.account, h.role, h.number]), [['office', 'office', 1], ['observer', 'observer', 2], ['auditor', 'auditor', 3]]);
    for (const h of holders) {
      assert.match(h.shareHash, /^[0-9a-f]{64}$/);
      assert(!('share' in h) && !('publicKey' in h) && !('submittedAt' in h), JSON.stringify(h));
    }
    // Each keyholder reads its own share, sealed; nobody else reads it.
    const mine = (await call('GET', `/api/rounds/${R}/shares/mine`, { token: office })).json;
    assert.deepStrictEqual([mine.number, mine.handedBack], [1, false]);
    openApi(source).answers('/api/rounds/{id}/shares/mine', mine);
    assert.match(mine.sealedShare, /^[0-9a-f]+$/);
    assert.strictEqual((await call('GET', `/api/rounds/${R}/shares/mine`, { token: tokens.observer2 })).status, 404);
    assert.strictEqual((await call('GET', `/api/rounds/${R}/shares/mine`, { token: tokens.hospital })).status, 403);
    assert.strictEqual((await call('GET', `/api/rounds/${R}/shares/mine`)).status, 401);
    assert.strictEqual(fs.readdirSync(keys).filter((f) => f !== 'audit-signing.key' && f !== 'audit-signing.pub' && f !== 'bid-id.salt' && f !== 'password.pepper').length, 0, 'no round key in the key folder');
    for (const [product, price] of [['Q1', '812.50'], ['Q2', '790.00']]) bids[product] = (await post(`/api/rounds/${R}/bids`, { productId: product, price }, tokens.enterprise, 201)).json;
  });

  await check('before the opening time a share is refused, even the right one', async () => {
    clock.set(round.timeline.bidDeadline);
    const r = await post(`/api/rounds/${R}/shares`, { passphrase: 'demo-office-keyholder' }, office, 409);
    assert.strictEqual(r.json.error.code, 'too_early');
    assert(!(await call('GET', `/api/rounds/${R}/keyholders`)).json.items.some((h) => h.submittedAt));
  });

  await check('from the opening time: a wrong share or passphrase is refused; one share, handed back through the CLI, opens nothing', async () => {
    clock.set(round.timeline.bidOpening);
    const mine = (await call('GET', `/api/rounds/${R}/shares/mine`, { token: office })).json;
    const unsealed = spawnSync(procura, ['keyholder', 'unseal', '--account', 'office', '--sealed', mine.sealedShare], { input: 'demo-office-keyholder\n', encoding: 'utf8' });
    assert.strictEqual(unsealed.status, 0, unsealed.stderr);
    const share = unsealed.stdout.trim();
    assert.match(share, /^[0-9a-f]{64}$/);
    const wrongKey = spawnSync(procura, ['keyholder', 'unseal', '--account', 'office', '--sealed', mine.sealedShare], { input: 'not the passphrase\n', encoding: 'utf8' });
    assert.strictEqual(wrongKey.status, 1);
    const flipped = (share[0] === '0' ? '1' : '0') + share.slice(1);
    let r = await post(`/api/rounds/${R}/shares`, { share: flipped }, office, 422);
    assert.strictEqual(r.json.error.field, 'share');
    r = await post(`/api/rounds/${R}/shares`, { passphrase: 'not the passphrase' }, office, 422);
    assert.strictEqual(r.json.error.field, 'passphrase');
    r = await post(`/api/rounds/${R}/shares`, { share }, tokens.observer2, 403);
    assert.strictEqual(r.json.error.code, 'not_keyholder');
    r = await post(`/api/rounds/${R}/shares`, { share: share.toUpperCase() }, office, 201);  // hex in either case
    assert.deepStrictEqual([r.json.handedBack, r.json.threshold, r.json.opened], [1, 2, false]);
    assert.strictEqual((await post(`/api/rounds/${R}/shares`, { share }, office, 409)).json.error.code, 'exists');
    assert.strictEqual((await call('GET', `/api/rounds/${R}`)).json.status, 'published');
    assert.strictEqual((await call('GET', `/api/rounds/${R}/bids`)).json.items[0].price, undefined);
  });

  await check('with the database, the key folder and one share, no bid can be read: nothing there is the opening key', async () => {
    const openingPublicKey = (await call('GET', `/api/rounds/${R}`)).json.openingPublicKey;
    const text = stolenText();
    const candidates = new Set(text.match(/[0-9a-f]{64}/g));
    // The one share handed back, and every share the stolen text holds, interpolated alone.
    const handed = sqlOn(db, `SELECT number, share FROM opening_share WHERE round = '${R}' AND share <> ''`);
    const [number, hex] = handed.split('|');
    assert.strictEqual(Number(number), 1);
    candidates.add(interpolate([{ number: 1, hex }]));
    assert(candidates.size > 100, `${candidates.size} candidates`);
    let tried = 0;
    for (const c of candidates) {
      tried++;
      assert.notStrictEqual(publicKeyOf(c), openingPublicKey, 'a candidate is the opening key');
    }
    // The sealed bids do not open with any of them either (checked on the first hundred).
    const sealed = sqlOn(db, `SELECT sealed FROM revision WHERE kind = 'bid' AND context = '${R}'`).split('\n');
    assert.strictEqual(sealed.length, 2, 'the sealed boxes are in the database');
    assert(sealed.every((b) => text.includes(b)));
    const some = [...candidates].slice(0, 100);
    for (const c of some) {
      const o = spawnSync(procura, ['bid', 'open', '--secret-key', c], { input: sealed.slice(0, 2).join('\n') + '\n', encoding: 'utf8' });
      assert.notStrictEqual(o.status, 0, 'a box opened');
    }
    console.log(`  ${tried} candidates tried`);
  });

  await check('the second share opens the bids; the third (lost) is not needed; the shares are published and rebuild the key', async () => {
    const r = await post(`/api/rounds/${R}/shares`, { passphrase: 'demo-auditor-keyholder' }, tokens.auditor, 201);
    assert.deepStrictEqual([r.json.handedBack, r.json.opened], [2, true]);
    const opened = (await call('GET', `/api/rounds/${R}`)).json;
    assert.strictEqual(opened.status, 'opened');
    const holders = (await call('GET', `/api/rounds/${R}/keyholders`)).json.items;
    const published = holders.filter((h) => h.share).map((h) => ({ number: h.number, hex: h.share }));
    assert.deepStrictEqual(published.map((s) => s.number), [1, 3]);
    assert(holders.find((h) => h.account === 'observer').submittedAt === undefined);
    const rebuilt = interpolate(published);
    assert.strictEqual(rebuilt, opened.openingSecretKey, 'the published shares rebuild the published key');
    assert.strictEqual(publicKeyOf(rebuilt), opened.openingPublicKey);
    for (const h of holders.filter((x) => x.share)) {  // each share is the one its hash announced at publication
      const sum = spawnSync('b2sum', ['-l', '256'], { input: `procura-share-v1|${R}|${h.number}|${h.share}`, encoding: 'utf8' }).stdout.split(' ')[0];
      assert.strictEqual(sum, h.shareHash, h.account);
    }
    // Every stored box opens with the key; every commitment checks (b2sum over the canonical text).
    const items = (await call('GET', `/api/rounds/${R}/bids`)).json.items;
    const boxes = spawnSync(procura, ['bid', 'open', '--secret-key', rebuilt], { input: items.map((b) => b.sealed).join('\n') + '\n', encoding: 'utf8' });
    assert.strictEqual(boxes.status, 0, boxes.stderr);
    for (const b of boxes.stdout.trim().split('\n').map(JSON.parse)) {
      const sum = spawnSync('b2sum', ['-l', '256'], { input: `procura-bid-v1|${R}|${b.productId}|${b.price}|${b.nonce}`, encoding: 'utf8' }).stdout.split(' ')[0];
      assert.strictEqual(sum, bids[b.productId].commitment, b.productId);
    }
    assert(items.every((b) => b.commitmentValid), 'the server agrees');
    // After the opening no share is taken.
    assert.strictEqual((await post(`/api/rounds/${R}/shares`, { passphrase: 'demo-observer-keyholder' }, tokens.observer, 409)).json.error.code, 'wrong_phase');
  });

  await server.stop();
  finish();
})();
