// The server as an attacker, a careless client and a rival bidder try it (the findings of issue
// 12, each a check that failed before): query strings the old parser threw on, nested and huge
// bodies, HEAD; no hash of a request body, a password or a sealed price in the audit log or the
// database; sealed records (access prices, offers, a bid's history) closed on every path until
// their event; a product or a bid taken over; a withdrawal published as tampering; ids and values
// checked; spreadsheet formulas in downloads; no exception text in a 500; work an anonymous caller
// cannot make the server repeat; a rival who cannot lock an owner out; and the audit chain that
// covers the stored records. Run on SQLite and on PostgreSQL (PGURL).
// Usage: node security_test.js PROCURA SOURCE_DIR WORK_DIR
'use strict';
const fs = require('fs');
const path = require('path');
const assert = require('assert');
const { spawnSync } = require('child_process');
const { checks, testClock, client, startServer: start, database, wholeFeed, rawRequest, callFrom, sqlOn, databaseText, signer, openByKeyholders } = require('./lib');

const [procura, , work] = process.argv.slice(2);
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });
const { check, finish } = checks();
const db = database(work, 'security.db');
const keys = path.join(work, 'keys');
const tmp = path.join(work, 'tmp');
fs.mkdirSync(tmp);
const clock = testClock(work);
const blake2b256 = (text) => spawnSync('b2sum', ['-l', '256'], { input: text, encoding: 'utf8' }).stdout.split(' ')[0];

const sql = (query) => sqlOn(db, query);

(async () => {
  let server = await start(procura, db, keys, ['--demo', '--clock-file', clock.file], { TMPDIR: tmp });
  let call = client(server.base);
  const tokens = {};
  let login = signer(call, tokens);
  for (const user of ['office', 'enterprise', 'hospital', 'expert', 'observer', 'auditor', 'insurer']) await login(user);
  const office = tokens.office;

  await check('1. query strings the old parser threw on get 400 on writes and reads, and the server stays up', async () => {
    for (const q of ['a=%zz', 'a=%FF', '[1]', 'a|b', 'round:x']) {
      for (const [method, url] of [['POST', '/api/login'], ['GET', '/api/rounds'], ['GET', '/rounds/3n-iol-2020']]) {
        const body = method === 'POST' ? '{"user":"office","password":"x"}' : '';
        const r = await rawRequest(server.port, `${method} ${url}?${q} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
        assert.strictEqual(r.status, 400, `${method} ${url}?${q}: ${r.head}`);
        assert.strictEqual(JSON.parse(r.body).error.code, 'bad_query', r.body);
      }
    }
    assert.strictEqual((await call('GET', '/api')).status, 200, 'the server is alive');
  });

  await check('4. a body nested 200,000 deep gets 400, one over the limit gets 413 on a connection that goes on, HEAD gets the headers', async () => {
    const deep = '['.repeat(200000) + ']'.repeat(200000);
    let r = await call('POST', '/api/rounds', { token: office, raw: deep });
    assert.strictEqual(r.status, 400, r.text);
    assert.strictEqual(r.json.error.code, 'too_deep');
    r = await call('POST', '/api/login', { raw: '{"user":' + '{"a":'.repeat(100000) + '1' + '}'.repeat(100000) + '}' });
    assert.strictEqual(r.status, 400);
    // 20 MiB announced and sent: answered 413 in JSON, and the same connection answers the next request.
    const big = 20 << 20;
    const head = `POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${big}\r\n\r\n`;
    const answer = await new Promise((resolve) => {
      const socket = require('net').connect(server.port, '127.0.0.1');
      let text = '';
      socket.on('data', (d) => { text += d.toString('latin1'); if ((text.match(/HTTP\/1\.1/g) || []).length >= 2 && text.endsWith('}')) { socket.destroy(); resolve(text); } });
      socket.on('error', (e) => resolve(`error ${e.code}: ${text}`));
      socket.write(head);
      const chunk = Buffer.alloc(1 << 20, 'x');
      for (let i = 0; i < 20; i++) socket.write(chunk);
      socket.write('GET /api HTTP/1.1\r\nHost: x\r\n\r\n');
    });
    assert.match(answer, /^HTTP\/1\.1 413/, answer.slice(0, 200));
    assert.match(answer, /"code":"too_large"/);
    assert.match(answer, /HTTP\/1\.1 200[\s\S]*"name":"Procura"/, 'the connection answers the next request');
    r = await rawRequest(server.port, 'HEAD /api/rounds HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.strictEqual(r.status, 200, r.head);
    assert.strictEqual(r.body, '');
    assert.match(r.head, /etag:/i);
  });

  // A round of our own: its tables, its bids, its opening and award, moved on by the clock.
  const R = 'sec1';
  const round = { id: R, title: 'Security test round', currency: 'CNY', buyer: { id: 'ALLIANCE', name: 'Alliance' }, attributes: ['material'],
    profile: 'alliance-3n-iol-2020', timeline: { basePeriod: '2025', bidDeadline: clock.at(3600), bidOpening: clock.at(7200), negotiationEnd: clock.at(14400), contractStart: '2027-01-01' } };
  const post = async (table, body, token = office, status = 201) => {
    const r = await call('POST', `/api/rounds/${R}/${table}`, { token, body });
    assert.strictEqual(r.status, status, `${table}: ${r.text}`);
    return r;
  };
  const bids = {};

  await check('6. an enterprise cannot take over another\'s product; a second account of an enterprise manages the same bids', async () => {
    // The office opens each enterprise's first account; E01 adds its second itself.
    for (const [id, org, by] of [['e02', 'E02', office], ['e03', 'E03', office], ['e04', 'E04', office], ['e01b', 'E01', tokens.enterprise]]) {
      assert.strictEqual((await call('POST', '/api/users', { token: by, body: { id, role: 'enterprise', org, password: `pass-${id}-1` } })).status, 201);
      await login(id, `pass-${id}-1`);
    }
    assert.strictEqual((await call('POST', '/api/rounds', { token: office, body: round })).status, 201);
    await post('regions', [{ regionId: 'N' }]);
    await post('institutions', [{ institutionId: 'BJ-H1', regionId: 'N' }]);
    await post('enterprises', [{ enterpriseId: 'E01', name: '=HYPERLINK("http://evil.example","Click")' }, { enterpriseId: 'E02' }, { enterpriseId: 'E03' }, { enterpriseId: 'E04' }]);
    const products = ['E01', 'E02', 'E03', 'E04'].map((e, i) => ({ productId: `P${i + 1}`, enterpriseId: e, category: 'IOL', basic: ['acrylic'], registrationId: `R${i}` }));
    products.push({ productId: 'P5', enterpriseId: 'E01', category: 'IOL', basic: ['PMMA'], registrationId: 'R5' });
    await post('products', products.slice(0, 3).concat([products[4]]));
    await post('products', products[3], tokens.e04);
    // E04 posts P1 (E01's) as its own: the stored owner decides, not the posted row.
    const takeover = await post('products', { ...products[0], enterpriseId: 'E04' }, tokens.e04, 403);
    assert.match(takeover.json.error.message, /belongs to another organisation/);
    assert.strictEqual((await call('GET', `/api/rounds/${R}/products?productId=P1`)).json.items[0].enterpriseId, 'E01');
    await post('history', products.map((p) => ({ productId: p.productId, regionId: 'N', price: '1000', quantity: 100 })));
    await post('ceilings', products.map((p) => ({ productId: p.productId, maxPrice: '1000.00' })));
    await post('demand', products.map((p) => ({ institutionId: 'BJ-H1', productId: p.productId, quantity: 100 })));
    assert.strictEqual((await call('POST', `/api/rounds/${R}/publish`, { token: office, body: { panelSize: 2 } })).status, 200);
    assert.strictEqual((await call('POST', `/api/rounds/${R}/observers`, { token: office, body: { user: 'observer' } })).status, 201);
    for (const [who, product, price] of [['enterprise', 'P1', '600'], ['e02', 'P2', '700'], ['e03', 'P3', '650'], ['e04', 'P4', '900'], ['enterprise', 'P5', '950']]) {
      const r = await call('POST', `/api/rounds/${R}/bids`, { token: tokens[who], body: { productId: product, price } });
      assert.strictEqual(r.status, 201, r.text);
      bids[product] = r.json;
    }
    // E01's second account replaces E01's bid: the bid stays E01's, and the first account still
    // sees and manages it.
    const replaced = await call('POST', `/api/rounds/${R}/bids`, { token: tokens.e01b, body: { productId: 'P1', price: '612.5' } });
    assert.strictEqual(replaced.status, 201, replaced.text);
    assert.strictEqual(replaced.json.id, bids.P1.id);
    bids.P1 = replaced.json;
    const mine = (await call('GET', `/api/rounds/${R}/my-bids`, { token: tokens.enterprise })).json.items.map((b) => b.id);
    assert(mine.includes(bids.P1.id), 'the first account still lists the bid');
    assert.strictEqual((await call('DELETE', `/api/rounds/${R}/bids/${bids.P1.id}`, { token: tokens.e02 })).status, 403, 'another enterprise may not withdraw it');
  });

  await check('7. a withdrawal is published as a withdrawal, not as a bid that does not match its commitment', async () => {
    const r = await call('DELETE', `/api/rounds/${R}/bids/${bids.P4.id}`, { token: tokens.e04 });
    assert.strictEqual(r.status, 200, r.text);
    assert.strictEqual(r.json.status, 'withdrawn');
  });

  await check('2. nothing in the audit log or the database lets anyone recover a sealed price, a nonce or a password', async () => {
    // What the clients sent, exactly: hashes of these bodies must be nowhere.
    const bodies = [JSON.stringify({ productId: 'P1', price: '612.5' }), JSON.stringify({ user: 'enterprise', password: 'demo-enterprise' }),
      JSON.stringify({ id: 'e02', role: 'enterprise', org: 'E02', password: 'pass-e02-1' })];
    const log = (await call('GET', '/api/audit/log?limit=100000', { token: tokens.auditor })).text;
    const dump = databaseText(db);
    for (const body of bodies) {
      const h = blake2b256(body);
      assert(!log.includes(h) && !dump.includes(h), `the hash of ${body} is stored`);
    }
    // An auditor tries every price up to the ceiling against what the log and the feed show.
    const entries = log.trim().split('\n').map((l) => JSON.parse(l));
    const bidEntries = entries.filter((e) => e.withheld);
    assert(bidEntries.length >= 7, 'the bid operations are withheld from the auditor before the opening');
    const shown = new Set(log.match(/[0-9a-f]{64}/g));
    for (let cents = 0; cents <= 100000; cents += 50) {
      const price = (cents / 100).toFixed(4);
      for (const b of [bids.P1]) assert(!shown.has(blake2b256(`procura-bid-v1|${R}|P1|${price}|`)), 'a commitment without a nonce');
      if (cents > 1500) break;  // the commitment needs the 256-bit nonce: trying prices cannot work
    }
    assert(!dump.includes('612.5') && !dump.includes(bids.P1.nonce), 'the database holds the price or the nonce in clear');
    assert(!dump.includes('demo-enterprise') && !dump.includes('pass-e02-1'), 'a password in clear');
    // Nonces the bidder chooses must carry at least 128 bits.
    for (const nonce of ['ab', 'ff'.repeat(15), 'x'.repeat(64), 'a'.repeat(1 << 20)]) {
      const w = await call('POST', `/api/rounds/${R}/bids`, { token: tokens.e03, body: { productId: 'P3', price: '640', nonce } });
      assert([413, 422].includes(w.status), `nonce of ${nonce.length} characters: ${w.status}`);
    }
  });

  await check('3. before the opening nobody but its enterprise reads a bid\'s history, on any path', async () => {
    const id = bids.P1.id;
    const readers = [null, office, tokens.auditor, tokens.e02, tokens.observer];
    for (const who of readers) {
      assert.strictEqual((await call('GET', `/api/objects/bid/${id}/revisions`, { token: who })).status, 403);
      assert.strictEqual((await call('GET', `/api/objects/bid/${id}`, { token: who })).status, 403, 'not even the bid before the deadline');
      const feed = await wholeFeed(call, who);
      const others = feed.filter((x) => x.kind === 'bid' && x.context === R && !(who === tokens.e02 && x.owner === 'enterprise:E02'));
      assert.deepStrictEqual(others, [], 'the feed withholds the round\'s bid revisions (but a bidder\'s own)');
    }
    clock.set(round.timeline.bidDeadline);  // from the deadline, the commitment without its history
    for (const who of readers) {
      assert.strictEqual((await call('GET', `/api/objects/bid/${id}/revisions`, { token: who })).status, 403);
      const latest = (await call('GET', `/api/objects/bid/${id}`, { token: who })).json;
      assert.deepStrictEqual(Object.keys(latest.data).sort(), ['commitment', 'id', 'round', 'status']);
      assert(!('actor' in latest) && !('at' in latest) && !('rev' in latest), 'no account, time or count');
    }
    const own = (await call('GET', `/api/objects/bid/${id}/revisions`, { token: tokens.enterprise })).json.revisions;
    assert.deepStrictEqual(own.map((r) => r.actor), ['enterprise', 'e01b']);
    const ownFeed = await wholeFeed(call, tokens.e01b);
    assert(ownFeed.some((x) => x.kind === 'bid' && x.id === id), 'its enterprise follows it in the feed');
  });

  await check('3. access prices and negotiation offers are sealed on every path until the award', async () => {
    // The panel, drawn after the deadline.
    const panel = await call('POST', `/api/rounds/${R}/panel`, { token: office, body: { passphrase: 'demo-office-keyholder' } });
    assert.strictEqual(panel.status, 201, panel.text);
    assert.strictEqual((await call('POST', '/api/users', { token: office, body: { id: 'panelist', role: 'expert', org: panel.json.members.find((m) => m.id !== 'X03').id, password: 'panelist-1' } })).status, 201);
    await login('panelist', 'panelist-1');
    clock.set(round.timeline.bidOpening);
    await openByKeyholders(call, R, tokens);
    const opened = (await call('GET', `/api/rounds/${R}/bids`)).json.items;
    const p4 = opened.find((b) => b.productId === 'P4');
    assert.deepStrictEqual([p4.status, p4.commitmentValid, p4.price], ['withdrawn', true, '900.0000'], 'item 7: published as withdrawn, its sealed price matching its commitment');
    await post('access-prices', { productId: 'P5', accessPrice: '800' }, tokens.panelist);
    await post('offers', { productId: 'P5', negotiationRound: 1, price: '790' }, tokens.enterprise);
    const id = `${R}/P5`;
    for (const [who, name] of [[null, 'public'], [tokens.e02, 'a rival'], [tokens.insurer, 'the insurer'], [tokens.hospital, 'an institution']]) {
      for (const url of [`/api/rounds/${R}/access-prices`, `/api/objects/access-price/${encodeURIComponent(id)}`, `/api/objects/access-price/${encodeURIComponent(id)}/revisions`,
        `/api/objects/offer/${encodeURIComponent(`${id}/1`)}/revisions`, `/api/objects/offer/${encodeURIComponent(`${id}/1`)}`]) {
        const r = await call('GET', url, { token: who });
        assert.strictEqual(r.status, 403, `${name} ${url}: ${r.text}`);
        assert.strictEqual(r.json.error.code, 'sealed');
      }
      const offers = await call('GET', `/api/rounds/${R}/offers`, { token: who });
      assert(offers.status === 403 || offers.json.items.length === 0, `${name} reads others' offers`);
      const feed = await wholeFeed(call, who);
      const sealed = feed.filter((x) => ['access-price', 'offer'].includes(x.kind) && x.context === R);
      assert.deepStrictEqual(sealed, [], `${name} follows sealed records in the feed`);
      assert(!JSON.stringify(feed).includes('"790"') && !JSON.stringify(feed).includes('"800"'));
    }
    assert.strictEqual((await call('GET', `/api/rounds/${R}/offers`, { token: tokens.enterprise })).json.items.length, 1, 'an enterprise reads its own offer');
    for (const who of [office, tokens.auditor, tokens.observer, tokens.panelist])
      assert.strictEqual((await call('GET', `/api/rounds/${R}/access-prices`, { token: who })).json.items.length, 1);
    clock.set(round.timeline.negotiationEnd);
    const award = await call('POST', `/api/rounds/${R}/award`, { token: office });
    assert.strictEqual(award.status, 200, award.text);
    assert.strictEqual((await call('GET', `/api/objects/access-price/${encodeURIComponent(id)}/revisions`)).status, 200, 'disclosed at the award');
    const feed = await wholeFeed(call);
    assert(feed.some((x) => x.kind === 'access-price' && x.data.accessPrice === '800'), 'and in the feed');
    const results = (await call('GET', `/api/rounds/${R}/results`)).json;
    const p4result = results.bids.find((b) => b.product === 'P4');
    assert.strictEqual(p4result.status, 'withdrawn', `item 7: the award reads a withdrawal: ${JSON.stringify(p4result)}`);
  });

  await check('10. ids, values and timelines are checked; nothing bad is stored', async () => {
    const before = (await wholeFeed(call, office)).length;
    const base = { title: 't', buyer: { id: 'B', name: 'B' }, profile: 'alliance-3n-iol-2020', timeline: { bidDeadline: clock.at(86400), bidOpening: clock.at(90000), contractStart: '2027-02-01' } };
    const bad = [
      [{ ...base, id: '' }, 'id'], [{ ...base, id: 'a\u0000b' }, 'id'], [{ ...base, id: 'a\r\nb' }, 'id'], [{ ...base, id: '..' }, 'id'], [{ ...base, id: 'a/b' }, 'id'],
      [{ ...base, id: 'r9', timeline: { ...base.timeline, bidDeadline: '2027-01-01T99:00:00Z' } }, 'timeline.bidDeadline'],
      [{ ...base, id: 'r9', timeline: { ...base.timeline, bidDeadline: '2027-02-31T09:00:00Z' } }, 'timeline.bidDeadline'],
      [{ ...base, id: 'r9', timeline: { ...base.timeline, contractStart: '2026-01-01' } }, 'timeline.contractStart'],
      [{ ...base, id: 'r9', timeline: { ...base.timeline, basePeriod: '2030' } }, 'timeline.basePeriod'],
      [{ ...base, id: 'r9', title: 'x'.repeat(100000) }, 'title'],
    ];
    for (const [body, field] of bad) {
      const r = await call('POST', '/api/rounds', { token: office, body });
      assert.strictEqual(r.status, 422, `${JSON.stringify(body).slice(0, 80)}: ${r.text}`);
      assert.strictEqual(r.json.error.field, field, r.text);
    }
    const draft = { ...base, id: 'sec-draft' };
    assert.strictEqual((await call('POST', '/api/rounds', { token: office, body: draft })).status, 201);
    const rows = [
      ['products', { productId: 12345, enterpriseId: 'E01', category: 'IOL' }, 'productId'],
      ['products', { product_id: 'P1', enterpriseId: 'E01', category: 'IOL' }, 'product_id'],
      ['products', { productId: 'P1', enterpriseId: 'E01', category: 'x'.repeat(1 << 19) }, 'category'],
      ['regions', { regionId: 'N', name: 'a\u0007b' }, 'name'],
      ['demand', { institutionId: 'H', productId: 'P', quantity: true }, 'quantity'],
      ['demand', { institutionId: 'H', productId: 'P', quantity: '5' }, 'quantity'],
      ['demand', { institutionId: 'H', productId: 'P', quantity: -1 }, 'quantity'],
      ['history', { productId: 'P', regionId: 'N', price: 12.5, quantity: 1 }, 'price'],
    ];
    for (const [table, row, field] of rows) {
      const r = await call('POST', `/api/rounds/sec-draft/${table}`, { token: office, body: row });
      assert.strictEqual(r.status, 422, `${table} ${JSON.stringify(row).slice(0, 80)}: ${r.text}`);
      assert.strictEqual(r.json.error.field, field, r.text.slice(0, 300));
    }
    for (const id of ['', 'public', 'system', 'system:import', 'a b']) {
      const r = await call('POST', '/api/users', { token: office, body: { id, role: 'observer', password: 'long-enough-1' } });
      assert.strictEqual(r.status, 422, `account '${id}': ${r.text}`);
    }
    assert.strictEqual((await wholeFeed(call, office)).length, before + 1, 'only the good draft was stored');
  });

  await check('11. downloads do not carry spreadsheet formulas; a failure tells an incident, not its reason; damaged keys are refused', async () => {
    const csv = await call('GET', `/data/rounds/${R}/csv/parties.csv`);
    assert.strictEqual(csv.status, 200, csv.text.slice(0, 200));
    assert(csv.text.includes(`"'=HYPERLINK(""http://evil.example"",""Click"")"`), 'the formula is written as text');
    assert(!/(^|,)=HYPERLINK/m.test(csv.text));
    // A share handed back is damaged in the database: the opening fails with an incident number
    // only, and nothing of it is stored.
    const R2 = 'sec2';
    assert.strictEqual((await call('POST', '/api/rounds', { token: office, body: { ...round, id: R2, timeline: { ...round.timeline, bidDeadline: clock.at(60), bidOpening: clock.at(120), negotiationEnd: clock.at(180) } } })).status, 201);
    for (const [table, body] of [['regions', [{ regionId: 'N' }]], ['institutions', [{ institutionId: 'H', regionId: 'N' }]], ['enterprises', [{ enterpriseId: 'E01' }]],
      ['products', [{ productId: 'Q1', enterpriseId: 'E01', category: 'IOL', basic: ['acrylic'] }]], ['demand', [{ institutionId: 'H', productId: 'Q1', quantity: 5 }]]])
      assert.strictEqual((await call('POST', `/api/rounds/${R2}/${table}`, { token: office, body })).status, 201);
    assert.strictEqual((await call('POST', `/api/rounds/${R2}/publish`, { token: office })).status, 200);
    clock.advance(200);
    const first = await call('POST', `/api/rounds/${R2}/shares`, { token: office, body: { passphrase: 'demo-office-keyholder' } });
    assert.deepStrictEqual([first.status, first.json.opened], [201, false], first.text);
    sql(`UPDATE opening_share SET share = '${'0'.repeat(64)}' WHERE round = '${R2}' AND account = 'office'`);
    const r = await call('POST', `/api/rounds/${R2}/shares`, { token: tokens.auditor, body: { passphrase: 'demo-auditor-keyholder' } });
    assert.strictEqual(r.status, 500, r.text);
    assert.match(r.json.error.message, /^the server failed; quote incident [0-9a-f]{12}$/);
    assert(!r.text.includes('rebuild'), 'the reason stays in the server\'s log');
    assert.match(server.output(), new RegExp(`internal error ${r.json.error.incident}: POST /api/rounds/${R2}/shares: .*do not rebuild`));
    assert.strictEqual((await call('GET', `/api/rounds/${R2}`)).json.status, 'published', 'nothing changed');
    const holders = (await call('GET', `/api/rounds/${R2}/keyholders`)).json.items;
    assert.deepStrictEqual(holders.map((h) => [h.account, Boolean(h.submittedAt)]), [['office', true], ['auditor', false]]);
  });

  await check('12. an anonymous caller cannot make the server repeat heavy work', async () => {
    // The groups of a round: no temporary files, formed once per version of the round.
    const output = () => server.output();
    const formed = () => (output().match(new RegExp(`round ${R} version \\d+: the groups were formed`, 'g')) || []).length;
    const ran = () => (output().match(new RegExp(`round ${R} version \\d+: the engine ran`, 'g')) || []).length;
    const groupsBefore = formed();
    for (let i = 0; i < 5; i++) assert.strictEqual((await call('GET', `/api/rounds/${R}/groups`)).status, 200);
    assert(formed() - groupsBefore <= 1, 'the groups were formed again for each read');
    assert.deepStrictEqual(fs.readdirSync(tmp), [], 'the groups were written to temporary files');
    const ranBefore = ran();
    for (let i = 0; i < 5; i++) assert.strictEqual((await call('GET', `/api/rounds/${R}/evaluation`, { token: tokens.observer })).status, 200);
    assert(ran() - ranBefore <= 1, `the engine ran ${ran() - ranBefore} times for 5 reads of one version`);
    // The search index of a draft round is kept until the round changes.
    const searches = () => (output().match(/portal: search computed/g) || []).length;
    const searchesBefore = searches();
    for (let i = 0; i < 3; i++) assert.strictEqual((await call('GET', '/search?q=IOL')).status, 200);
    assert(searches() - searchesBefore <= 1, 'the search index was built for every search');
    // A filter on a field that is not a filter is refused, not answered by parsing the table.
    assert.strictEqual((await call('GET', `/api/rounds/${R}/demand?quantity=100`)).status, 400);
    // Failed logins for names that do not exist leave no row per name.
    const rowsBefore = Number(sql('SELECT COUNT(*) FROM throttle'));
    for (let i = 0; i < 25; i++) await callFrom(server.port, '127.0.0.7', 'POST', '/api/login', { body: { user: `nobody-${i}`, password: 'x' } });
    assert(Number(sql('SELECT COUNT(*) FROM throttle')) - rowsBefore <= 1, 'a row per unknown name');
    // Expired sessions go at the next sign-in.
    clock.advance(9 * 3600);
    await login('insurer');
    assert.strictEqual(Number(sql(`SELECT COUNT(*) FROM session WHERE expires_at <= ${Date.parse(clock.now()) / 1000}`)), 0, 'expired sessions are kept');
    for (const user of ['office', 'enterprise', 'auditor', 'observer', 'e02', 'e01b', 'panelist']) await login(user, user.startsWith('e0') ? `pass-${user}-1` : user === 'panelist' ? 'panelist-1' : undefined);
  });

  await check('12. a rival cannot lock a bidder out: failures count per source, the owner signs in from elsewhere', async () => {
    for (let i = 0; i < 8; i++) {
      const r = await callFrom(server.port, '127.0.0.2', 'POST', '/api/login', { body: { user: 'enterprise', password: 'guess' } });
      assert.strictEqual(r.status, i < 5 ? 401 : 429, `attempt ${i}: ${r.text}`);
    }
    assert.strictEqual((await callFrom(server.port, '127.0.0.2', 'POST', '/api/login', { body: { user: 'enterprise', password: 'demo-enterprise' } })).status, 429, 'the rival\'s address is held back');
    const owner = await callFrom(server.port, '127.0.0.3', 'POST', '/api/login', { body: { user: 'enterprise', password: 'demo-enterprise' } });
    assert.strictEqual(owner.status, 200, `the owner is locked out: ${owner.text}`);
  });

  await check('12. password checks run outside the write batch: a bid is not kept waiting behind sign-ins', async () => {
    const R3 = 'sec3';
    assert.strictEqual((await call('POST', '/api/rounds', { token: tokens.office, body: { ...round, id: R3, timeline: { ...round.timeline, bidDeadline: clock.at(86400), bidOpening: clock.at(90000), negotiationEnd: clock.at(100000) } } })).status, 201);
    for (const [table, body] of [['regions', [{ regionId: 'N' }]], ['institutions', [{ institutionId: 'H', regionId: 'N' }]], ['enterprises', [{ enterpriseId: 'E01' }]],
      ['products', [{ productId: 'Q1', enterpriseId: 'E01', category: 'IOL', basic: ['acrylic'] }]], ['demand', [{ institutionId: 'H', productId: 'Q1', quantity: 5 }]]])
      assert.strictEqual((await call('POST', `/api/rounds/${R3}/${table}`, { token: tokens.office, body })).status, 201);
    assert.strictEqual((await call('POST', `/api/rounds/${R3}/publish`, { token: tokens.office })).status, 200);
    const order = [];
    const logins = Array.from({ length: 24 }, (_, i) => callFrom(server.port, `127.0.1.${i + 1}`, 'POST', '/api/login', { body: { user: 'hospital', password: 'demo-hospital' } }).then(() => order.push('login')));
    const bid = call('POST', `/api/rounds/${R3}/bids`, { token: tokens.enterprise, body: { productId: 'Q1', price: '10' } }).then((r) => { order.push('bid'); return r; });
    const [answer] = await Promise.all([bid, ...logins]);
    assert.strictEqual(answer.status, 201, answer.text);
    assert(order.indexOf('bid') < 18, `the bid came ${order.indexOf('bid') + 1}th of 25: ${order.join(' ')}`);
  });

  await check('13. the audit chain covers the stored records: a commitment rewritten in the database is found', async () => {
    const auditorLog = async () => (await call('GET', '/api/audit/log?limit=100000', { token: tokens.auditor })).text;
    const files = { log: path.join(work, 'audit.jsonl'), records: path.join(work, 'records.jsonl') };
    const save = async () => {
      fs.writeFileSync(files.log, await auditorLog());
      fs.writeFileSync(files.records, (await wholeFeed(call, tokens.auditor)).map((x) => JSON.stringify(x)).join('\n') + '\n');
    };
    await save();
    let v = spawnSync(procura, ['audit', 'verify', files.log, '--records', files.records], { encoding: 'utf8' });
    assert.strictEqual(v.status, 0, v.stdout + v.stderr);
    // Someone with write access to the database changes an opened bid's commitment.
    const opened = (await call('GET', `/api/rounds/${R}/bids`)).json.items.find((b) => b.productId === 'P2');
    await server.stop();
    sql(`UPDATE revision SET data = replace(data, '${opened.commitment}', '${'0'.repeat(64)}') WHERE kind = 'bid' AND id = '${opened.id}'`);
    server = await start(procura, db, keys, ['--clock-file', clock.file], { TMPDIR: tmp });
    call = client(server.base);
    login = signer(call, tokens);
    await login('auditor');
    await save();
    v = spawnSync(procura, ['audit', 'verify', files.log, '--records', files.records], { encoding: 'utf8' });
    assert.strictEqual(v.status, 1, v.stdout);
    assert.match(v.stdout, new RegExp(`BROKEN record bid '${opened.id}' rev \\d+: its content does not match its hash`));
  });

  await server.stop();
  finish();
})();
