// What a second attack on the server found (issue 12), each a check that failed before: an
// office acting as an enterprise through an account it added; an account of another role owning
// an enterprise's records; polling that told bids, replacements and withdrawals before the
// deadline; audit entries next to a sealed bid naming its bidder; HEAD answered with a body or a
// wrong length; bodies the limit did not see (chunked, a padded or a doubled Content-Length); a
// sealed price whose length tells its digits; a panel drawn after the opening. And what a third
// found: the office adding a second account to a panel expert; an access price credited to
// another; account ids that differ only in case; a header name with a space before its colon;
// a server that stopped accepting connections once its files ran out. Run on SQLite and on
// PostgreSQL (PGURL).
// Usage: node attack_test.js PROCURA SOURCE_DIR WORK_DIR
'use strict';
const fs = require('fs');
const path = require('path');
const assert = require('assert');
const { checks, testClock, client, startServer: start, database, wholeFeed, rawRequest, sqlOn, signer, openByKeyholders } = require('./lib');

const [procura, , work] = process.argv.slice(2);
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });
const { check, finish } = checks();
const db = database(work, 'attack.db');
const keys = path.join(work, 'keys');
const clock = testClock(work);
const sql = (query) => sqlOn(db, query);

(async () => {
  const server = await start(procura, db, keys, ['--demo', '--clock-file', clock.file]);
  const call = client(server.base);
  const tokens = {};
  const login = signer(call, tokens);
  for (const user of ['office', 'enterprise', 'auditor']) await login(user);
  const office = tokens.office;
  const addAccount = async (token, body, status = 201) => {
    const r = await call('POST', '/api/users', { token, body });
    assert.strictEqual(r.status, status, `${body.id}: ${r.text}`);
    return r;
  };

  await check('a server told no public address guesses none: its packages are named by URN', async () => {
    for (const kind of ['releases', 'records']) {
      const pkg = (await call('GET', `/api/rounds/3n-iol-2020/ocds/${kind}`)).json;
      assert.strictEqual(pkg.uri, `urn:procura:ocds-procura-3n-iol-2020:${kind}`);
    }
  });

  await check('the office cannot add an account to an organisation that has accounts; the organisation adds its own', async () => {
    let r = await addAccount(office, { id: 'fake-e01', role: 'enterprise', org: 'E01', password: 'fake-e01-pass' }, 403);
    assert.strictEqual(r.json.error.code, 'organisation_has_accounts');
    assert.strictEqual((await call('POST', '/api/login', { body: { user: 'fake-e01', password: 'fake-e01-pass' } })).status, 401, 'nothing was stored');
    r = await addAccount(tokens.enterprise, { id: 'e01-second', role: 'enterprise', password: 'e01-second-pass' });
    assert.deepStrictEqual([r.json.role, r.json.org], ['enterprise', 'E01'], 'of its own role and organisation');
    await login('e01-second', 'e01-second-pass');
    for (const body of [{ id: 'x1', role: 'office', password: 'x1-password' }, { id: 'x2', role: 'enterprise', org: 'E02', password: 'x2-password' }])
      assert.strictEqual((await addAccount(tokens.enterprise, body, 403)).json.error.code, 'forbidden');
    // A new organisation's first account is the office's to open.
    for (const [id, org] of [['e02', 'E02'], ['e03', 'E03']]) {
      await addAccount(office, { id, role: 'enterprise', org, password: `pass-${id}-1` });
      await login(id, `pass-${id}-1`);
    }
    assert.strictEqual((await addAccount(office, { id: 'e04', role: 'enterprise', password: 'pass-e04-1' }, 422)).json.error.field, 'org');
    // Accounts of other roles whose organisation has an enterprise's id (they own nothing of it).
    for (const [id, role] of [['obs-e01', 'observer'], ['inst-e01', 'institution']]) {
      await addAccount(office, { id, role, org: 'E01', password: `pass-${id}-1` });
      await login(id, `pass-${id}-1`);
    }
  });

  // A round of our own, moved on by the clock.
  const R = 'atk1';
  const round = { id: R, title: 'Attack test round', currency: 'CNY', buyer: { id: 'ALLIANCE', name: 'Alliance' }, attributes: ['material'],
    profile: 'alliance-3n-iol-2020', timeline: { basePeriod: '2025', bidDeadline: clock.at(3600), bidOpening: clock.at(7200), negotiationEnd: clock.at(14400), contractStart: '2027-01-01' } };
  const post = async (table, body, status = 201) => {
    const r = await call('POST', `/api/rounds/${R}/${table}`, { token: office, body });
    assert.strictEqual(r.status, status, `${table}: ${r.text}`);
  };
  const receipts = {};
  const bid = async (who, productId, price) => {
    const r = await call('POST', `/api/rounds/${R}/bids`, { token: tokens[who], body: { productId, price } });
    assert.strictEqual(r.status, 201, r.text);
    receipts[productId] = r.json;
    return r.json;
  };
  // What someone polling the round learns: its version and ETag, its bids, the bid records.
  const looks = async (token) => {
    const r = await call('GET', `/api/rounds/${R}`, { token });
    const bids = await call('GET', `/api/rounds/${R}/bids`, { token });
    return { version: r.json.version, etag: r.headers.get('etag'), bids: bids.status, code: bids.json.error && bids.json.error.code,
      commitments: bids.status === 200 ? bids.json.items.map((b) => b.commitment) : null };
  };

  await check('before the deadline nobody but its enterprise learns a bid was made, replaced or withdrawn', async () => {
    assert.strictEqual((await call('POST', '/api/rounds', { token: office, body: round })).status, 201);
    await post('regions', [{ regionId: 'N' }]);
    await post('institutions', [{ institutionId: 'BJ-H1', regionId: 'N' }]);
    await post('enterprises', ['E01', 'E02', 'E03'].map((enterpriseId) => ({ enterpriseId })));
    const products = ['E01', 'E02', 'E03'].map((e, i) => ({ productId: `P${i + 1}`, enterpriseId: e, category: 'IOL', basic: ['acrylic'], registrationId: `R${i}` }));
    await post('products', products);
    await post('history', products.map((p) => ({ productId: p.productId, regionId: 'N', price: '1000', quantity: 100 })));
    await post('ceilings', products.map((p) => ({ productId: p.productId, maxPrice: '1000.00' })));
    await post('demand', products.map((p) => ({ institutionId: 'BJ-H1', productId: p.productId, quantity: 100 })));
    assert.strictEqual((await call('POST', `/api/rounds/${R}/publish`, { token: office })).status, 200);
    const watchers = [undefined, office, tokens.auditor, tokens['obs-e01']];
    const before = await Promise.all(watchers.map(looks));
    for (const b of before) assert.deepStrictEqual([b.bids, b.code], [403, 'sealed'], 'the bids are listed from the deadline');
    const rival = await looks(tokens.e02);
    assert.deepStrictEqual(rival.commitments, [], 'an enterprise lists its own bids only');
    const first = await bid('enterprise', 'P1', '600');
    await bid('e03', 'P3', '650');
    await bid('e01-second', 'P1', '612.5');  // a replacement
    assert.strictEqual((await call('DELETE', `/api/rounds/${R}/bids/${receipts.P3.id}`, { token: tokens.e03 })).status, 200);
    await bid('e03', 'P3', '640');
    await bid('e02', 'P2', '95.5');
    const after = await Promise.all(watchers.map(looks));
    assert.deepStrictEqual(after, before, 'the round reads the same to the public, the office, an auditor, an observer');
    const rivalAfter = await looks(tokens.e02);
    assert.deepStrictEqual([rivalAfter.version, rivalAfter.etag], [rival.version, rival.etag], 'and to a rival');
    assert.deepStrictEqual(rivalAfter.commitments, [receipts.P2.commitment], 'who lists its own bid, not the others\'');
    for (const who of watchers) {
      const r = await call('GET', `/api/objects/bid/${first.id}`, { token: who });
      assert.deepStrictEqual([r.status, r.json.error.code], [403, 'sealed']);
    }
    // Its enterprise (any of its accounts) follows its own bids.
    const own = (await call('GET', `/api/rounds/${R}/my-bids`, { token: tokens.enterprise })).json.items;
    assert.deepStrictEqual(own.map((b) => b.commitment), [receipts.P1.commitment]);
  });

  await check('an account of another role with an enterprise\'s id as its organisation owns none of its records', async () => {
    for (const who of ['obs-e01', 'inst-e01']) {
      const r = await call('GET', `/api/objects/bid/${receipts.P1.id}/revisions`, { token: tokens[who] });
      assert.strictEqual(r.status, 403, `${who}: ${r.text}`);
      const feed = await wholeFeed(call, tokens[who]);
      assert(!feed.some((x) => x.kind === 'bid' && x.context === R), `${who} follows none of E01's bids`);
    }
    const feed = await wholeFeed(call, tokens['e01-second']);
    assert(feed.some((x) => x.kind === 'bid' && x.id === receipts.P1.id), 'E01\'s own accounts do');
  });

  await check('a sealed price\'s length does not tell its digits', async () => {
    const lengths = sql(`SELECT length(sealed) FROM revision WHERE kind = 'bid' AND context = '${R}' AND sealed <> ''`).split('\n').filter(Boolean);
    assert(lengths.length >= 4, `${lengths.length} sealed revisions`);
    assert.strictEqual(new Set(lengths).size, 1, `sealed bids of ${lengths.join(', ')} characters`);
  });

  await check('from the deadline the commitments are public, in the order of their ids', async () => {
    clock.set(round.timeline.bidDeadline);
    const r = await call('GET', `/api/rounds/${R}/bids`);
    assert.strictEqual(r.status, 200, r.text);
    const ids = r.json.items.map((b) => b.id);
    assert.deepStrictEqual(ids, [...ids].sort(), 'not in the order they came');
    assert.deepStrictEqual(r.json.items.map((b) => [b.id, b.commitment, b.status]).sort(),
      ['P1', 'P2', 'P3'].map((p) => [receipts[p].id, receipts[p].commitment, 'submitted']).sort());
  });

  await check('sign-ins, sign-outs and watchlists leave no audit entry; account registrations do', async () => {
    const entries = (await call('GET', '/api/audit/log?limit=100000', { token: tokens.auditor })).text.trim().split('\n').map((l) => JSON.parse(l));
    const actions = entries.map((e) => e.action || '');
    const unrecorded = /\/api\/(login|logout|me$|me\/watchlist)/;  // a keyholder key is a record
    assert(!actions.some((a) => unrecorded.test(a)), actions.filter((a) => unrecorded.test(a)).join(', '));
    assert(actions.filter((a) => a === 'POST /api/users').length >= 5, 'registrations are audited');
    const t = await login('e02', 'pass-e02-1');
    assert.strictEqual((await call('PUT', '/api/me/watchlist', { token: t, body: { items: [`round:${R}`] } })).status, 200);
    assert.strictEqual((await call('POST', '/api/logout', { token: t })).status, 200);
    const again = (await call('GET', '/api/audit/log?limit=100000', { token: tokens.auditor })).text.trim().split('\n');
    assert.strictEqual(again.length, entries.length);
  });

  await check('HEAD answers GET\'s headers and length without a body, on API and portal routes', async () => {
    for (const url of [`/api/rounds/${R}`, '/api/rounds', `/rounds/${R}`, '/', '/api/openapi.json']) {
      const get = await rawRequest(server.port, `GET ${url} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      const head = await rawRequest(server.port, `HEAD ${url} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      assert.strictEqual(head.status, get.status, url);
      assert.strictEqual(head.body, '', `${url}: HEAD sent a body`);
      const length = (h) => Number((/content-length: *(\d+)/i.exec(h) || [])[1]);
      assert.strictEqual(length(head.head), Buffer.byteLength(get.body, 'latin1'), `${url}: ${head.head}`);
    }
  });

  await check('bodies the limit did not see: chunked, a padded and a doubled Content-Length', async () => {
    const login = JSON.stringify({ user: 'enterprise', password: 'demo-enterprise' });
    const chunked = (parts) => parts.map((p) => `${Buffer.byteLength(p).toString(16)}\r\n${p}\r\n`).join('') + '0\r\n\r\n';
    let r = await rawRequest(server.port, `POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${chunked([login.slice(0, 10), login.slice(10)])}`);
    assert.strictEqual(r.status, 200, `a small chunked body is read: ${r.head}`);
    const big = Array.from({ length: 3 }, () => 'x'.repeat(1 << 20));
    r = await rawRequest(server.port, `POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${chunked(big)}`);
    assert.strictEqual(r.status, 413, `a chunked body over the limit: ${r.head || r.error}`);
    assert.strictEqual(JSON.parse(r.body).error.code, 'too_large');
    r = await rawRequest(server.port, `POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${login.length} \r\nConnection: close\r\n\r\n${login}`);
    assert.strictEqual(r.status, 200, `a Content-Length with a trailing space: ${r.head}`);
    for (const extra of [`Content-Length: ${login.length}\r\nContent-Length: 3`, `Content-Length: ${login.length}\r\nTransfer-Encoding: chunked`]) {
      r = await rawRequest(server.port, `POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${extra}\r\n\r\n${login}`);
      assert.strictEqual(r.status, 400, `${extra.replace(/\r\n/g, ' | ')}: ${r.head || r.error}`);
      assert.strictEqual(JSON.parse(r.body).error.code, 'bad_request');
    }
    assert.strictEqual((await call('GET', '/api')).status, 200, 'the server is up');
  });

  await check('a panel is drawn from the bid deadline until the award, never before or after', async () => {
    clock.set(round.timeline.bidOpening);
    await openByKeyholders(call, R, tokens);
    const r = await call('POST', '/api/rounds/3n-iol-2020/panel', { token: office, body: { passphrase: 'demo-office-keyholder' } });
    assert.deepStrictEqual([r.status, r.json.error.code], [409, 'wrong_phase'], r.text);
    const draft = await call('POST', '/api/rounds', { token: office, body: { ...round, id: 'atk2' } });
    assert.strictEqual(draft.status, 201);
    const early = await call('POST', '/api/rounds/atk2/panel', { token: office, body: { passphrase: 'demo-office-keyholder' } });
    assert.deepStrictEqual([early.status, early.json.error.code], [409, 'too_early'], early.text);
  });

  await check('the office cannot add a second account to an expert, nor an account whose id differs only in case', async () => {
    const r = await addAccount(office, { id: 'fake-x03', role: 'expert', org: 'X03', password: 'fake-x03-pass' }, 403);
    assert.strictEqual(r.json.error.code, 'organisation_has_accounts');
    for (const id of ['SYSTEM', 'Public', 'Enterprise', 'E01-second']) {
      const refused = await addAccount(office, { id, role: 'observer', password: 'password-1' }, 422);
      assert.strictEqual(refused.json.error.field, 'id', id);
    }
  });

  await check('a panel member sets access prices in its own name only', async () => {
    const R21 = '3n-iol-2021';
    const round21 = (await call('GET', `/api/rounds/${R21}`)).json;
    clock.set(round21.timeline.bidDeadline);  // a month on: the sessions have expired
    for (const keyholder of ['office', 'auditor']) await login(keyholder);
    // The panel, drawn after the deadline; its member signs in (the demo's expert, X03, or an
    // account the office registers for the first member).
    const drawn = await call('POST', `/api/rounds/${R21}/panel`, { token: tokens.office, body: { passphrase: 'demo-office-keyholder' } });
    assert.strictEqual(drawn.status, 201, drawn.text);
    const member = drawn.json.members.some((m) => m.id === 'X03') ? 'X03' : drawn.json.members[0].id;
    if (member !== 'X03') await addAccount(tokens.office, { id: 'member21', role: 'expert', org: member, password: 'member21-pass' }, 201);
    clock.set(round21.timeline.bidOpening);
    await openByKeyholders(call, R21, tokens);
    const expert = member === 'X03' ? await login('expert') : await login('member21', 'member21-pass');
    const product = (await call('GET', `/api/rounds/${R21}/products?limit=1`)).json.items[0].productId;
    let r = await call('POST', `/api/rounds/${R21}/access-prices`, { token: expert, body: [{ productId: product, accessPrice: '651.00', panel: 'X99' }] });
    assert.deepStrictEqual([r.status, r.json.error && r.json.error.field], [422, 'panel'], r.text);
    r = await call('POST', `/api/rounds/${R21}/access-prices`, { token: expert, body: [{ productId: product, accessPrice: '651.00' }] });
    assert.strictEqual(r.status, 201, r.text);
    const stored = (await call('GET', `/api/rounds/${R21}/access-prices?productId=${product}`, { token: tokens.office })).json.items;
    assert.deepStrictEqual(stored.map((x) => x.panel), [member], 'in the name of the member who set it');
  });

  await check('a header name with a space before its colon is refused and the connection closed', async () => {
    const r = await rawRequest(server.port, 'POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Length : 5\r\n\r\nhelloGET /api HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.strictEqual(r.status, 400, r.head || r.error);
    assert.strictEqual(JSON.parse(r.body).error.code, 'bad_request');
    assert(!/HTTP\/1\.1 200/.test(r.body), 'the body was not read as a request');
  });

  await server.stop();

  await check('a server whose open files run out accepts connections again once they close', async () => {
    // 256 files at most: more connections than that are opened and closed at once.
    const small = await start(procura, db, keys, [], {}, ['/bin/sh', '-c', 'ulimit -n 256 && exec "$@"', 'sh']);
    const sockets = [];
    let connected = 0, failed = 0;
    await new Promise((resolve) => {
      const settled = () => { if (connected >= 400 || connected + failed === 600) resolve(); };
      for (let i = 0; i < 600; i++) {
        const s = require('net').connect(small.port, '127.0.0.1');
        s.on('connect', () => { connected++; settled(); });
        s.on('error', () => { failed++; settled(); });
        sockets.push(s);
      }
    });
    assert(connected >= 400, `${connected} connections made`);
    for (const s of sockets) s.destroy();
    const r = await rawRequest(small.port, 'GET /api HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.strictEqual(r.status, 200, `after the flood: ${r.error || r.head}`);
    await small.stop();
  });

  finish();
})();
