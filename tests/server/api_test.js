// End-to-end tests of `procura serve` through HTTP: a real client against a real server on
// loopback, on SQLite or, when PGURL is set, on PostgreSQL. The server's clock is the test's
// (--clock-file): deadlines pass when the test moves it. Usage: node api_test.js PROCURA
// SOURCE_DIR WORK_DIR
'use strict';
const fs = require('fs');
const path = require('path');
const assert = require('assert');
const { spawnSync } = require('child_process');
const [procura, sourceArg, work] = process.argv.slice(2);
const source = path.resolve(sourceArg);
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });

const { checks, testClock, client, startServer: start, wholeFeed, openByKeyholders, openApi } = require('./lib');
const { check, finish } = checks();

const pg = process.env.PGURL;
const database = pg || path.join(work, 'demo.db');
const clock = testClock(work);
const startServer = (db, extra = []) => start(procura, db, path.join(work, 'keys'), ['--clock-file', clock.file, ...extra]);

(async () => {
  const demo = await startServer(database, ['--demo', '--public-url', 'https://open.example.org/']);
  const call = client(demo.base);
  const tokens = {};
  const roles = ['office', 'hospital', 'enterprise', 'expert', 'observer', 'insurer', 'auditor'];

  await check('demo accounts log in; bad passwords are refused and then rate-limited', async () => {
    for (const user of roles) {
      const r = await call('POST', '/api/login', { body: { user, password: `demo-${user}` } });
      assert.strictEqual(r.status, 200, r.text);
      tokens[user] = r.json.token;
    }
    const bad = await call('POST', '/api/login', { body: { user: 'observer', password: 'wrong' } });
    assert.strictEqual(bad.status, 401);
    assert.strictEqual(bad.json.error.code, 'bad_credentials');
    for (let i = 0; i < 5; i++) await call('POST', '/api/login', { body: { user: 'insurer', password: 'wrong' } });
    const limited = await call('POST', '/api/login', { body: { user: 'insurer', password: 'demo-insurer' } });
    assert.strictEqual(limited.status, 429);
    const me = await call('GET', '/api/me', { token: tokens.enterprise });
    assert.deepStrictEqual([me.json.role, me.json.org], ['enterprise', 'E01']);
    assert.strictEqual((await call('GET', '/api/me', { token: 'f'.repeat(64) })).status, 401);
  });

  await check('the demo round is awarded with the published figures', async () => {
    const round = await call('GET', '/api/rounds/3n-iol-2020');
    assert.strictEqual(round.json.phase, 'awarded');
    // Its documents by their URLs, never the store's keys.
    assert.deepStrictEqual(Object.keys(round.json).filter((k) => /File$/.test(k)), []);
    assert.deepStrictEqual(round.json.links, { self: '/api/rounds/3n-iol-2020', openData: '/api/rounds/3n-iol-2020/open-data',
      releasePackage: '/api/rounds/3n-iol-2020/ocds/releases', recordPackage: '/api/rounds/3n-iol-2020/ocds/records',
      results: '/api/rounds/3n-iol-2020/results', allocations: '/api/rounds/3n-iol-2020/allocations' });
    for (const url of Object.values(round.json.links)) assert.strictEqual((await call('GET', url)).status, 200, url);
    const results = await call('GET', '/api/rounds/3n-iol-2020/results');
    const expected = JSON.parse(fs.readFileSync(path.join(source, 'examples/iol-3n-2020/expected.json'), 'utf8')).metrics;
    const subset = (actual, want, where) => {
      if (want && typeof want === 'object') for (const [k, v] of Object.entries(want)) subset(actual[k], v, `${where}.${k}`);
      else assert.deepStrictEqual(actual, want, where);
    };
    subset(results.json.metrics, expected, 'metrics');
    const next = await call('GET', '/api/rounds/3n-iol-2021');
    assert.strictEqual(next.json.phase, 'bidding');
  });

  await check('opened bids carry their price and check against their published commitment', async () => {
    const bids = (await call('GET', '/api/rounds/3n-iol-2020/bids')).json.items;
    const csvBids = fs.readFileSync(path.join(source, 'examples/iol-3n-2020/bids.csv'), 'utf8').trim().split('\n').length - 1;
    assert.strictEqual(bids.length, csvBids);
    for (const b of bids.slice(0, 10)) {
      assert.strictEqual(b.commitmentValid, true);
      const c = spawnSync(procura, ['bid', 'commit', '--round', '3n-iol-2020', '--product', b.productId, '--price', b.price, '--nonce', b.nonce], { encoding: 'utf8' });
      assert.strictEqual(c.stdout.trim(), b.commitment, `bid ${b.id}`);
    }
    const round = (await call('GET', '/api/rounds/3n-iol-2020')).json;
    assert.match(round.openingSecretKey, /^[0-9a-f]{64}$/);  // published: anyone can open the boxes
  });

  await check('OCDS: release package, records compiled by the toolkit, bulk lines, feed', async () => {
    const pkg = await call('GET', '/api/rounds/3n-iol-2020/ocds/releases');
    assert.deepStrictEqual(pkg.json.releases.map((r) => r.tag[0]), ['planning', 'tender', 'tenderUpdate', 'award', 'contract']);
    const rec = await call('GET', '/api/rounds/3n-iol-2020/ocds/records');
    assert.strictEqual(rec.json.records.length, 1);
    // Absolute URIs on the address the platform was told it is reached at (its trailing slash
    // dropped), and one publisher, the round's buyer, on both packages as on the engine's.
    assert.strictEqual(pkg.json.uri, 'https://open.example.org/api/rounds/3n-iol-2020/ocds/releases');
    assert.strictEqual(rec.json.uri, 'https://open.example.org/api/rounds/3n-iol-2020/ocds/records');
    const roundFile = JSON.parse(fs.readFileSync(path.join(source, 'examples/iol-3n-2020/round.json'), 'utf8'));
    for (const p of [pkg.json, rec.json]) {
      assert.deepStrictEqual(p.publisher, { name: roundFile.buyer.name });
      assert.strictEqual(p.license, 'http://opendatacommons.org/licenses/pddl/1.0/');
      assert.ok(p.extensions.some((e) => e.includes('ocds_lots_extension')), 'the lots extension is declared');
    }
    const refused = spawnSync(procura, ['serve', '--db', path.join(work, 'unused.db'), '--public-url', 'ftp://open.example.org'], { encoding: 'utf8' });
    assert.notStrictEqual(refused.status, 0);
    assert.match(refused.stderr, /--public-url.*expected an http:\/\/ or https:\/\/ address/s);
    assert.ok(!fs.existsSync(path.join(work, 'unused.db')), 'nothing is created');
    const compiled = rec.json.records[0].compiledRelease;
    // Parties carry their registration where the round's files have it (examples/iol-3n-2020:
    // E01-E10 and two hospitals), and only there.
    const csvRows = (file) => {
      const [head, ...lines] = fs.readFileSync(path.join(source, 'examples/iol-3n-2020', file), 'utf8').trim().split('\n');
      const names = head.split(',');
      return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [names[i], v])));
    };
    const parties = new Map(compiled.parties.map((p) => [p.id, p]));
    let registered = 0;
    for (const row of [...csvRows('enterprises.csv'), ...csvRows('institutions.csv')]) {
      const party = parties.get(row.enterprise_id || row.institution_id);
      if (!row.identifier_scheme) {
        assert.strictEqual(party.identifier, undefined, party.id);
        continue;
      }
      ++registered;
      assert.deepStrictEqual(party.identifier, { scheme: row.identifier_scheme, id: row.identifier_id, legalName: row.name }, party.id);
    }
    assert.strictEqual(registered, 12);
    // An empty register and number are no identifier: stored without them, as the schema says.
    const empty = await call('POST', '/api/rounds/3n-iol-2022/enterprises', { token: tokens.office, body: { enterpriseId: 'E99', identifierScheme: '', identifierId: '' } });
    assert.strictEqual(empty.status, 201, empty.text);
    const e99 = (await call('GET', '/api/rounds/3n-iol-2022/enterprises?enterpriseId=E99', { token: tokens.office })).json;
    assert.deepStrictEqual(e99.items, [{ enterpriseId: 'E99' }]);
    openApi(source).answers('/api/rounds/{id}/enterprises', e99);
    // Agreed volumes named as the tables name their fields, filtered the same way.
    const bj = (await call('GET', '/api/rounds/3n-iol-2020/allocations?institutionId=BJ-H1&limit=1000')).json;
    assert.ok(bj.total > 0 && bj.items.every((a) => a.institutionId === 'BJ-H1' && /^IOL-/.test(a.productId) && Number.isInteger(a.units)), JSON.stringify(bj.items[0]));
    const old = await call('GET', '/api/rounds/3n-iol-2020/allocations?institution=BJ-H1');
    assert.deepStrictEqual([old.status, old.json.error.field], [400, 'institution']);
    assert.strictEqual(compiled.ocid, pkg.json.releases[0].ocid);
    assert(compiled.awards.length >= 44 && compiled.contracts.length >= 44);
    // Kept compiled and gzipped: the same document either way, each with its own ETag.
    assert.strictEqual(rec.headers.get('content-encoding'), 'gzip');
    const plain = await call('GET', '/api/rounds/3n-iol-2020/ocds/records', { headers: { 'Accept-Encoding': 'identity' } });
    assert.strictEqual(plain.headers.get('content-encoding'), null);
    assert.deepStrictEqual(plain.json, rec.json);
    assert.notStrictEqual(plain.headers.get('etag'), rec.headers.get('etag'));
    const unchanged = await call('GET', '/api/rounds/3n-iol-2020/ocds/records', { headers: { 'If-None-Match': rec.headers.get('etag') } });
    assert.strictEqual(unchanged.status, 304);
    // Tables page and filter on the fields their kind declares filterable.
    const e01 = (await call('GET', '/api/rounds/3n-iol-2020/products?enterpriseId=E01&limit=2')).json;
    assert(e01.total >= 2 && e01.items.length === 2 && e01.items.every((p) => p.enterpriseId === 'E01'), JSON.stringify(e01));
    const next = (await call('GET', `/api/rounds/3n-iol-2020/products?enterpriseId=E01&limit=2&offset=${e01.total - 1}`)).json;
    assert.strictEqual(next.items.length, 1);
    assert.strictEqual((await call('GET', '/api/rounds/3n-iol-2020/products?enterpriseId=NOPE')).json.total, 0);
    const notFilter = await call('GET', '/api/rounds/3n-iol-2020/products?name=x');
    assert.strictEqual(notFilter.status, 400);
    assert.match(notFilter.json.error.message, /not a filter of products \(filters: productId, enterpriseId/);
    const bulk = await call('GET', '/api/ocds/releases.jsonl');
    // The 2020 round's five releases and the 2021 round's planning and tender, published with it.
    assert.strictEqual(bulk.text.trim().split('\n').length, 7);
    // Follow the feed to its end: offsets increase, every revision appears once.
    let url = '/api/feed?offset=0&limit=500', seen = 0, last = 0;
    const kinds = new Set();
    for (;;) {
      const page = (await call('GET', url)).json;
      if (!page.items.length) break;
      for (const it of page.items) { assert(it.offset > last); last = it.offset; if (it.kind) kinds.add(it.kind); seen++; }
      url = page.next;
    }
    assert(seen > 1000, `feed has ${seen}`);
    for (const k of ['round', 'product', 'demand-line', 'bid', 'release']) assert(kinds.has(k), k);
    // A full page never changes while no round does: it is kept, tagged and answered the same
    // (and gzipped on request); the last page is read afresh.
    const full = await call('GET', '/api/feed?offset=100&limit=100');
    assert.strictEqual(full.json.items.length, 100);
    const tag = full.headers.get('etag');
    assert.ok(tag, 'a full page has an ETag');
    const again = await call('GET', '/api/feed?offset=100&limit=100', { headers: { 'If-None-Match': tag } });
    assert.strictEqual(again.status, 304);
    const zipped = await call('GET', '/api/feed?offset=100&limit=100', { headers: { 'Accept-Encoding': 'gzip' } });
    assert.deepStrictEqual(zipped.json, full.json);
    const end = await call('GET', `/api/feed?offset=${last - 3}&limit=100`);
    assert.strictEqual(end.json.items.length, 3);
  });

  await check('64 clients reading at once on kept-alive connections (wrk) all get their answers', async () => {
    // The defect: reads handed to the parser off the connection's strand crashed the server
    // under 64 connections (found by the benchmark; wrk is one of the test's packages).
    for (const url of ['/api/rounds/3n-iol-2020/ocds/records', '/api']) {
      const wrk = spawnSync('wrk', ['-t2', '-c64', '-d3s', '-H', 'Accept-Encoding: gzip', demo.base + url], { encoding: 'utf8' });
      assert.strictEqual(wrk.status, 0, wrk.stderr);
      assert(!/Non-2xx/.test(wrk.stdout), wrk.stdout);
      assert.strictEqual(demo.child.exitCode, null, `the server stopped: ${demo.output().slice(-300)}`);
      assert.strictEqual((await call('GET', '/api')).status, 200, 'the server is alive');
    }
  });

  await check('ETags: an unchanged resource answers 304', async () => {
    const first = await call('GET', '/api/rounds/3n-iol-2020');
    const tag = first.headers.get('etag');
    assert(tag);
    const again = await call('GET', '/api/rounds/3n-iol-2020', { headers: { 'If-None-Match': tag } });
    assert.strictEqual(again.status, 304);
  });

  // A whole round through the API; its deadlines pass when the test moves the clock.
  const office = tokens.office;
  const R = 't1';
  const round = { id: R, title: 'API test round', currency: 'CNY', buyer: { id: 'ALLIANCE', name: 'Alliance' }, attributes: ['material'],
    profile: 'alliance-3n-iol-2020', timeline: { basePeriod: '2025', bidDeadline: clock.at(3600), bidOpening: clock.at(7200), negotiationEnd: clock.at(10800), contractStart: '2027-01-01' } };
  const bids = {};
  await check('a round from creation to award, with sealed bids', async () => {
    for (const [id, role, org] of [['e02', 'enterprise', 'E02'], ['e03', 'enterprise', 'E03'], ['e04', 'enterprise', 'E04']]) {
      const r = await call('POST', '/api/users', { token: office, body: { id, role, org, name: id, password: `pass-${id}-1` } });
      assert.strictEqual(r.status, 201, r.text);
      tokens[id] = (await call('POST', '/api/login', { body: { user: id, password: `pass-${id}-1` } })).json.token;
    }
    let r = await call('POST', '/api/rounds', { token: office, body: round });
    assert.strictEqual(r.status, 201, r.text);
    assert.strictEqual((await call('POST', '/api/rounds', { token: office, body: round })).status, 409);
    const post = async (table, body, token = office) => {
      const res = await call('POST', `/api/rounds/${R}/${table}`, { token, body });
      assert.strictEqual(res.status, 201, `${table}: ${res.text}`);
      return res;
    };
    await post('regions', [{ regionId: 'N' }, { regionId: 'S' }]);
    await post('institutions', [{ institutionId: 'BJ-H1', regionId: 'N' }, { institutionId: 'H2', regionId: 'S' }]);
    // A register without its number is refused at its field, and nothing of the post is stored.
    const half = await call('POST', `/api/rounds/${R}/enterprises`, { token: office, body: [{ enterpriseId: 'E01' }, { enterpriseId: 'E09', identifierScheme: 'CN-USCC' }] });
    assert.deepStrictEqual([half.status, half.json.error.field], [422, 'identifierId'], half.text);
    assert.match(half.json.error.message, /row 1: 'identifierId': expected the number in the register CN-USCC/);
    assert.strictEqual((await call('GET', `/api/rounds/${R}/enterprises`)).json.total, 0);
    await post('enterprises', ['E01', 'E02', 'E03', 'E04'].map((e) => ({ enterpriseId: e })));
    const products = ['E01', 'E02', 'E03', 'E04'].map((e, i) => ({ productId: `P${i + 1}`, enterpriseId: e, category: 'IOL', basic: ['acrylic'], registrationId: `R${i}` }));
    await post('products', products.slice(0, 3));
    // A filtered read is answered from the table as it is now, also after the table changes.
    const byEnterprise = async (e) => (await call('GET', `/api/rounds/${R}/products?enterpriseId=${e}&category=IOL`)).json;
    assert.deepStrictEqual((await byEnterprise('E02')).items.map((p) => p.productId), ['P2']);
    assert.strictEqual((await byEnterprise('E04')).total, 0);
    await post('products', { ...products[1], category: 'IOL-B' });  // a new revision of P2
    assert.strictEqual((await byEnterprise('E02')).total, 0, 'P2 is no longer in category IOL');
    await post('products', products[1]);
    assert.deepStrictEqual((await byEnterprise('E02')).items.map((p) => p.productId), ['P2']);
    // An enterprise declares its own product, not another's.
    const other = await call('POST', `/api/rounds/${R}/products`, { token: tokens.e04, body: { ...products[3], enterpriseId: 'E01' } });
    assert.strictEqual(other.status, 403);
    await post('products', products[3], tokens.e04);
    assert.deepStrictEqual((await byEnterprise('E04')).items.map((p) => p.productId), ['P4']);
    await post('history', products.map((p) => ({ productId: p.productId, regionId: 'N', price: '1000', quantity: 100 })));
    await post('ceilings', products.map((p) => ({ productId: p.productId, maxPrice: '1000.00' })));
    const demand = await post('demand', products.map((p) => ({ institutionId: 'BJ-H1', productId: p.productId, quantity: p.productId === 'P1' ? 500 : 80 })), tokens.hospital);
    assert.strictEqual(demand.json.flags.length, 1, 'P1 in region N is five times its history');
    assert.deepStrictEqual([demand.json.flags[0].productRegion, demand.json.flags[0].reported, demand.json.flags[0].history], ['P1/N', 500, 100]);
    // A dry run makes every check and flag and stores nothing.
    const p2 = async () => (await call('GET', `/api/rounds/${R}/demand?institutionId=BJ-H1&productId=P2`, { token: office })).json.items[0].quantity;
    const seq = (await call('GET', '/api/audit/head')).json.seq;
    const dry = await call('POST', `/api/rounds/${R}/demand?dryRun=true`, { token: tokens.hospital, body: { institutionId: 'BJ-H1', productId: 'P2', quantity: 900 } });
    assert.strictEqual(dry.status, 200, dry.text);
    assert.deepStrictEqual([dry.json.stored, dry.json.wouldStore], [[], [`${R}/BJ-H1/P2`]]);
    assert.deepStrictEqual(dry.json.flags.map((f) => [f.productRegion, f.reported, f.history]).sort(), [['P1/N', 500, 100], ['P2/N', 900, 100]]);
    assert.strictEqual(await p2(), 80);
    assert.strictEqual((await call('GET', '/api/audit/head')).json.seq, seq, 'a dry run writes no audit entry');
    const notBool = await call('POST', `/api/rounds/${R}/demand?dryRun=maybe`, { token: tokens.hospital, body: { institutionId: 'BJ-H1', productId: 'P2', quantity: 900 } });
    assert.deepStrictEqual([notBool.status, notBool.json.error.field], [400, 'dryRun']);
    assert.strictEqual(await p2(), 80);
    // A draft's timeline is replaced whole by the office, checked as a round file's is.
    const timeline = async (body, token = office) => call('PUT', `/api/rounds/${R}/timeline`, { token, body });
    let bad = await timeline({ ...round.timeline, bidOpening: round.timeline.bidDeadline.replace(/T\d\d/, 'T00') });
    assert.deepStrictEqual([bad.status, bad.json.error.field], [422, 'timeline.bidOpening'], bad.text);
    bad = await timeline({ ...round.timeline, bidDeadline: clock.at(-3600), bidOpening: clock.at(-1800) });
    assert.deepStrictEqual([bad.status, bad.json.error.field], [422, 'timeline.bidDeadline'], bad.text);
    bad = await timeline({ ...round.timeline, bidDeadline: 'soon' });
    assert.deepStrictEqual([bad.status, bad.json.error.field], [422, 'timeline.bidDeadline'], bad.text);
    assert.strictEqual((await timeline(round.timeline, tokens.hospital)).status, 403);
    assert.deepStrictEqual((await call('GET', `/api/rounds/${R}`)).json.timeline, round.timeline, 'refused changes change nothing');
    const moved = { ...round.timeline, contractStart: '2027-02-01' };
    assert.strictEqual((await timeline(moved)).status, 200);
    assert.strictEqual((await call('GET', `/api/rounds/${R}`)).json.timeline.contractStart, '2027-02-01');
    assert.strictEqual((await timeline(round.timeline)).status, 200);
    const unknown = await call('POST', `/api/rounds/${R}/demand`, { token: office, body: { institutionId: 'BJ-H1', productId: 'NOPE', quantity: 1 } });
    assert.strictEqual(unknown.status, 422);
    assert.match(unknown.json.error.message, /NOPE/);
    assert.strictEqual(unknown.json.error.field, 'productId');
    // Bids are refused before publication.
    r = await call('POST', `/api/rounds/${R}/bids`, { token: tokens.enterprise, body: { productId: 'P1', price: '500' } });
    assert.strictEqual(r.status, 409);
    r = await call('POST', `/api/rounds/${R}/publish`, { token: office });
    assert.strictEqual(r.status, 200, r.text);
    assert.strictEqual(r.json.phase, 'bidding');
    assert.strictEqual((await call('POST', `/api/rounds/${R}/regions`, { token: office, body: { regionId: 'X' } })).status, 409, 'tables are fixed once published');
    assert.strictEqual((await call('PUT', `/api/rounds/${R}/timeline`, { token: office, body: round.timeline })).status, 409, 'so is the timeline');

    const prices = { P1: ['enterprise', '610.5'], P2: ['e02', '700'], P3: ['e03', '650'], P4: ['e04', '990'] };
    for (const [product, [who, price]] of Object.entries(prices)) {
      r = await call('POST', `/api/rounds/${R}/bids`, { token: tokens[who], body: { productId: product, price } });
      assert.strictEqual(r.status, 201, r.text);
      assert.match(r.json.nonce, /^[0-9a-f]{64}$/, 'the server chooses a 256-bit nonce');
      bids[product] = r.json;
    }
    // Replacing a bid makes a new revision of the same bid; another's product is refused.
    r = await call('POST', `/api/rounds/${R}/bids`, { token: tokens.enterprise, body: { productId: 'P1', price: '600' } });
    assert.strictEqual(r.json.id, bids.P1.id);
    bids.P1 = r.json;
    assert.strictEqual((await call('POST', `/api/rounds/${R}/bids`, { token: tokens.enterprise, body: { productId: 'P2', price: '1' } })).status, 403);
    assert.strictEqual((await call('POST', `/api/rounds/${R}/bids`, { token: tokens.enterprise, body: { productId: 'P1', price: 'cheap' } })).json.error.field, 'price');
    // Before the deadline the public reads no bid; its enterprise reads its bid's history.
    r = await call('GET', `/api/rounds/${R}/bids`);
    assert.deepStrictEqual([r.status, r.json.error.code], [403, 'sealed']);
    assert.match(r.json.error.message, /until the bid deadline/);
    assert.strictEqual((await call('GET', `/api/objects/bid/${bids.P1.id}/revisions`)).status, 403);
    const own = (await call('GET', `/api/objects/bid/${bids.P1.id}/revisions`, { token: tokens.enterprise })).json.revisions;
    assert.strictEqual(own.length, 2, 'its enterprise reads its bid\'s history');
    r = await call('POST', `/api/rounds/${R}/shares`, { token: office, body: { passphrase: 'demo-office-keyholder' } });
    assert.deepStrictEqual([r.status, r.json.error.code], [409, 'too_early'], 'a share before the opening time');

    clock.set(round.timeline.bidDeadline);
    // From the deadline until the opening, the public reads the commitments only, and no history.
    const sealed = (await call('GET', `/api/rounds/${R}/bids`)).json.items;
    assert.deepStrictEqual(sealed.map((b) => b.commitment).sort(), Object.values(bids).map((b) => b.commitment).sort());
    for (const b of sealed) assert.deepStrictEqual(Object.keys(b).sort(), ['commitment', 'id', 'round', 'status']);
    assert.strictEqual((await call('GET', `/api/objects/bid/${bids.P1.id}/revisions`)).status, 403);
    r = await call('POST', `/api/rounds/${R}/bids`, { token: tokens.e02, body: { productId: 'P2', price: '1' } });
    assert.strictEqual(r.status, 409, 'a bid at the deadline');
    assert.strictEqual(r.json.error.code, 'deadline_passed');
    assert.strictEqual((await call('GET', `/api/rounds/${R}`)).json.phase, 'sealed');
    clock.set(round.timeline.bidOpening);
    r = await openByKeyholders(call, R, tokens);
    assert.strictEqual(r.json.opened, true, r.text);
    const opened = (await call('GET', `/api/rounds/${R}/bids`)).json.items;
    const p1 = opened.find((b) => b.productId === 'P1');
    assert.deepStrictEqual([p1.price, p1.enterpriseId, p1.commitmentValid, p1.commitment], ['600.0000', 'E01', true, bids.P1.commitment]);
    assert.strictEqual((await call('GET', `/api/objects/bid/${bids.P1.id}/revisions`)).json.revisions.length, 3, 'after the opening, everyone reads its history');
    assert.strictEqual((await call('POST', `/api/rounds/${R}/award`, { token: office })).status, 409, 'negotiation still open');
    clock.set(round.timeline.negotiationEnd);
    const recomputed = () => (demo.output().match(/Portal pages computed again after a change of the rounds/g) || []).length;
    const recomputedBefore = recomputed();
    r = await call('POST', `/api/rounds/${R}/award`, { token: office });
    assert.strictEqual(r.status, 200, r.text);
    // The portal's pages over whole rounds are computed again in the background, not by a visitor.
    await demo.until(() => recomputed() > recomputedBefore);
    assert(recomputed() > recomputedBefore, 'the award made the server compute the portal pages again');
    const results = (await call('GET', `/api/rounds/${R}/results`)).json;
    assert(results.awards.length >= 1);
    assert(results.awards.every((a) => a.stage === 'bidding'));
    assert.strictEqual(results.awards.find((a) => a.rank === 1).product, 'P1');
  });

  await check('bad input: clear 4xx, nothing changed', async () => {
    const before = (await wholeFeed(call)).length;
    const cases = [
      [await call('POST', '/api/rounds', { token: office, raw: '{"id": ' }), 400, 'malformed_json'],
      [await call('POST', '/api/rounds', { token: office, body: { id: 'x', title: 5, buyer: { id: 'b', name: 'n' }, profile: 'alliance-3n-iol-2020', timeline: {} } }), 422, null],
      [await call('POST', '/api/rounds', { token: office, body: { id: 'y', colour: 'red' } }), 422, null],
      [await call('GET', '/api/rounds/nope'), 404, 'not_found'],
      [await call('POST', `/api/rounds/${R}/regions`, { token: office, body: [] }), 409, 'wrong_phase'],
      [await call('POST', '/api/rounds/3n-iol-2021/demand', { token: office, body: { institutionId: 'BJ-H1' } }), 409, 'wrong_phase'],
      [await call('POST', '/api/rounds/3n-iol-2021/award', { token: office }), 409, 'wrong_phase'],
      [await call('POST', '/api/rounds/3n-iol-2021/bids', { token: tokens.enterprise, body: { productId: 'IOL-001' } }), 422, 'missing_field'],
      [await call('POST', '/api/rounds/3n-iol-2021/bids', { token: tokens.enterprise, raw: JSON.stringify({ productId: 'IOL-001', price: '1', pad: 'x'.repeat(2 << 20) }) }), 413, 'too_large'],
      [await call('GET', '/api/feed?offset=-3'), 400, 'bad_query'],
      [await call('PUT', '/api/rounds'), 405, 'method_not_allowed'],
      [await call('DELETE', '/api/rounds/3n-iol-2021/bids/unknown', { token: tokens.enterprise }), 404, 'not_found'],
    ];
    for (const [res, status, code] of cases) {
      assert.strictEqual(res.status, status, res.text);
      assert(res.json && res.json.error && res.json.error.message, res.text);
      if (code) assert.strictEqual(res.json.error.code, code);
    }
    const after = (await wholeFeed(call)).length;
    assert.strictEqual(after, before);
  });

  await check('HTTP as clients expect it: Allow on 405, WWW-Authenticate on 401, CORS on public reads', async () => {
    const put = await call('PUT', '/api/rounds');
    assert.strictEqual(put.status, 405);
    assert.strictEqual(put.headers.get('allow'), 'GET, POST, HEAD');
    const anonymous = await call('POST', '/api/rounds', { body: {} });
    assert.strictEqual(anonymous.status, 401);
    assert.strictEqual(anonymous.headers.get('www-authenticate'), 'Bearer realm="procura"');
    const expired = await call('GET', '/api/me', { token: 'not-a-session' });
    assert.strictEqual(expired.status, 401);
    assert.strictEqual(expired.headers.get('www-authenticate'), 'Bearer realm="procura"');
    assert.strictEqual((await call('GET', '/api/rounds')).headers.get('access-control-allow-origin'), '*');
    assert.strictEqual((await call('GET', '/api/me', { token: office })).headers.get('access-control-allow-origin'), null, 'not on an account\'s own reads');
  });

  await check('lists: next and previous links page through, and a parameter a route does not read is refused', async () => {
    // The demo's 2020 round has 91 products (the example folder's products.csv).
    const products = fs.readFileSync(path.join(source, 'examples/iol-3n-2020/products.csv'), 'utf8').trim().split('\n').length - 1;
    let url = '/api/rounds/3n-iol-2020/products?limit=40&enterpriseId=E01';
    const own = (await call('GET', url)).json;
    assert.strictEqual(own.prev, null);
    assert.strictEqual(own.next, null, 'one page of E01 products');
    url = '/api/rounds/3n-iol-2020/products?limit=40';
    const seen = [];
    let page = (await call('GET', url)).json;
    assert.strictEqual(page.total, products);
    for (;;) {
      seen.push(...page.items.map((p) => p.productId));
      if (!page.next) break;
      const next = (await call('GET', page.next)).json;
      assert.strictEqual((await call('GET', next.prev)).json.offset, page.offset, 'prev leads back');
      page = next;
    }
    assert.strictEqual(seen.length, products);
    assert.strictEqual(new Set(seen).size, products, 'every product once');
    assert.deepStrictEqual([page.offset, page.limit], [80, 40]);
    // A filter kept in the links.
    const filtered = (await call('GET', '/api/rounds/3n-iol-2020/demand?limit=2&productId=IOL-041')).json;
    assert.match(filtered.next, /productId=IOL-041/);
    // Unknown parameters: a 400 that names the parameter and what the route takes; a misspelt
    // filter is never read as "everything".
    for (const [u, param, takes] of [['/api/rounds?ofset=10', 'ofset', /offset, limit/], ['/api/rounds/3n-iol-2020/bid-count?x=1', 'x', /takes none/],
      ['/api/rounds/3n-iol-2020/results?lang=zh', 'lang', /takes none/], ['/api/feed?until=2026-01-01T00:00:00Z', 'until', /offset, limit, order, since/]]) {
      const r = await call('GET', u);
      assert.strictEqual(r.status, 400, u);
      assert.strictEqual(r.json.error.code, 'bad_query');
      assert.strictEqual(r.json.error.field, param);
      assert.match(r.json.error.message, takes);
    }
    assert.strictEqual((await call('GET', '/api/rounds/3n-iol-2020/products?enterprise=E01')).status, 400);
    // The feed both ways: backwards from the newest, page by page, is the forward feed reversed;
    // `since` keeps the revisions made from that time on.
    const forward = await wholeFeed(call);
    const backward = [];
    for (let u = '/api/feed?order=desc&limit=7'; u;) {
      const p = (await call('GET', u)).json;
      backward.push(...p.items);
      if (p.items.length) {
        const after = (await call('GET', p.prev)).json.items;
        const i = forward.findIndex((x) => x.offset === p.items[0].offset);
        assert.strictEqual(after.length ? after[0].offset : null, i + 1 < forward.length ? forward[i + 1].offset : null, 'prev comes forward again');
      }
      u = p.next;
    }
    assert.deepStrictEqual(backward.map((x) => x.offset), forward.map((x) => x.offset).reverse());
    const times = [...new Set(forward.filter((x) => x.at).map((x) => x.at))].sort();
    assert(times.length > 1, 'the clock moved while the demo was used');
    const at = times[1];
    const since = (await call('GET', `/api/feed?since=${at}&limit=1000`)).json;
    const readable = (list) => list.filter((x) => !x.withheld).map((x) => x.offset);
    assert.deepStrictEqual(readable(since.items), readable(forward.filter((x) => x.withheld || x.at >= at)));
    assert(readable(since.items).length < readable(forward).length, 'older revisions are left out');
    assert.match(since.next, /since=/);
    for (const [u, field] of [['/api/feed?order=up', 'order'], ['/api/feed?since=yesterday', 'since'], [`/api/feed?order=desc&since=${at}`, 'since']]) {
      const r = await call('GET', u);
      assert.deepStrictEqual([r.status, r.json.error.field], [400, field], u);
    }
  });

  await check('an account keeps its own private watchlist; bad items are named and change nothing', async () => {
    const url = '/api/me/watchlist';
    const feedBefore = (await wholeFeed(call)).length;
    let r = await call('GET', url, { token: tokens.insurer });
    assert.deepStrictEqual(r.json, { items: [], seenAt: null });
    r = await call('PUT', url, { token: tokens.insurer, body: { items: ['round:3n-iol-2020', 'product:IOL-041', 'round:3n-iol-2020'], seenAt: '2026-01-02T03:04:05Z' } });
    assert.strictEqual(r.status, 200, r.text);
    assert.deepStrictEqual(r.json, { items: ['round:3n-iol-2020', 'product:IOL-041'], seenAt: '2026-01-02T03:04:05Z' }, 'repeats dropped');
    assert.deepStrictEqual((await call('GET', url, { token: tokens.insurer })).json.items, ['round:3n-iol-2020', 'product:IOL-041']);
    assert.deepStrictEqual((await call('GET', '/api/me', { token: tokens.insurer })).json.watchlist, r.json, 'the account carries it');
    assert.deepStrictEqual((await call('GET', url, { token: tokens.auditor })).json.items, [], 'each account has its own');
    const refusals = [
      [{ items: ['round:3n-iol-2020', 'tender:T1'] }, 'items[1]'],
      [{ items: ['product:'] }, 'items[0]'],
      [{ items: ['product:a,b'] }, 'items[0]'],
      [{ items: [7] }, 'items[0]'],
      [{ items: 'round:3n-iol-2020' }, 'items'],
      [{}, 'items'],
      [{ items: Array.from({ length: 501 }, (_, i) => `product:P${i}`) }, 'items'],
      [{ items: [], seenAt: 'yesterday' }, 'seenAt'],
      [{ items: [], seenAt: '2026-02-30T00:00:00Z' }, 'seenAt'],
    ];
    for (const [body, field] of refusals) {
      r = await call('PUT', url, { token: tokens.insurer, body });
      assert.strictEqual(r.status, 422, JSON.stringify(body));
      assert.strictEqual(r.json.error.field, field, r.text);
    }
    r = await call('GET', url, { token: tokens.insurer });
    assert.deepStrictEqual(r.json, { items: ['round:3n-iol-2020', 'product:IOL-041'], seenAt: '2026-01-02T03:04:05Z' }, 'nothing changed');
    r = await call('PUT', url, { token: tokens.insurer, body: { items: ['enterprise:E06'] } });
    assert.deepStrictEqual(r.json, { items: ['enterprise:E06'], seenAt: '2026-01-02T03:04:05Z' }, 'the last visit kept');
    assert.strictEqual((await call('GET', url)).status, 401);
    const feed = await wholeFeed(call);
    assert.strictEqual(feed.length, feedBefore, 'a watchlist is never published');
    assert(!feed.some((x) => x.actor === 'insurer'), 'nothing the insurer wrote is in the feed');
  });

  await check('every route answers every role as its table says', async () => {
    const routes = (await call('GET', '/api/routes')).json;
    const bid = (await call('GET', '/api/rounds/3n-iol-2020/bids')).json.items[0].id;
    const users = { public: null, office: tokens.office, institution: tokens.hospital, enterprise: tokens.enterprise, expert: tokens.expert, observer: tokens.observer, insurer: tokens.insurer, auditor: tokens.auditor };
    let calls = 0;
    for (const route of routes) {
      if (route.path === '/api/logout') continue;  // it ends the session (its own test)
      const url = route.path.replace('{id}', '3n-iol-2021').replace('{bid}', bid).replace('{kind}', 'round').replace('{expert}', 'X03').replace('{complaint}', 'C1');
      for (const [role, token] of Object.entries(users)) {
        const r = await call(route.method, url, { token, body: route.method === 'GET' ? undefined : {} });
        calls++;
        const code = r.json && r.json.error && r.json.error.code;
        if (route.roles.includes(role)) {
          assert(!['unauthenticated', 'role_not_allowed'].includes(code), `${route.method} ${route.path} as ${role}: ${r.text}`);
        } else if (role === 'public') {
          assert.strictEqual(r.status, 401, `${route.method} ${route.path} as public`);
        } else {
          assert.strictEqual(r.status, 403, `${route.method} ${route.path} as ${role}`);
          assert.strictEqual(code, 'role_not_allowed');
        }
      }
    }
    assert(calls >= (routes.length - 1) * 8);
  });

  await check('every read answers as its OpenAPI response schema says, for every role and a round in two stages', async () => {
    const api = openApi(source);
    const routes = (await call('GET', '/api/routes')).json.filter((r) => r.method === 'GET');
    const users = { public: null, office: tokens.office, institution: tokens.hospital, enterprise: tokens.enterprise, expert: tokens.expert, observer: tokens.observer, insurer: tokens.insurer, auditor: tokens.auditor };
    const bid = (await call('GET', '/api/rounds/3n-iol-2020/bids')).json.items[0].id;
    const answered = new Set();
    let checked = 0;
    for (const route of routes) {
      if (!api.schemaOf(route.path)) {
        assert.ok(api.spec.paths[route.path].get.responses['200'].content['application/x-ndjson'], `${route.path}: a read documents what it answers`);
        continue;
      }
      for (const round of ['3n-iol-2020', '3n-iol-2021', 't1'])
        for (const role of route.roles) {
          const url = route.path.replace('{id}', round).replace('{bid}', bid).replace('{kind}', 'round').replace('{expert}', 'X03').replace('{complaint}', 'C1');
          const r = await call('GET', url, { token: users[role] });
          if (r.status >= 200 && r.status < 300) {
            api.answers(route.path, r.json, `${url} as ${role}`);
            answered.add(route.path);
          } else {
            assert.ok(r.status >= 400 && r.status < 500, `${url} as ${role}: ${r.status}`);
            api.error(r.json, `${url} as ${role} (${r.status})`);
          }
          ++checked;
        }
    }
    // What these rounds cannot show is checked where it happens: a panel drawn and awards proposed
    // (tests/server/evaluation_test.js).
    const unanswered = routes.map((r) => r.path).filter((p) => !answered.has(p) && api.schemaOf(p));
    assert.deepStrictEqual(unanswered.sort(), ['/api/rounds/{id}/panel', '/api/rounds/{id}/proposed-awards']);
    assert.ok(checked > 300, `${checked} answers checked`);
  });

  await check('the OpenAPI file describes exactly the served routes', async () => {
    const spec = (await call('GET', '/api/openapi.json')).json;
    assert.deepStrictEqual(spec, JSON.parse(fs.readFileSync(path.join(source, 'docs/openapi.json'), 'utf8')));
    const documented = [];
    for (const [p, ops] of Object.entries(spec.paths)) for (const [m, op] of Object.entries(ops)) documented.push(`${m.toUpperCase()} ${p} ${op['x-roles'].join(',')}`);
    const served = (await call('GET', '/api/routes')).json.map((r) => `${r.method} ${r.path} ${r.roles.join(',')}`);
    assert.deepStrictEqual(documented.sort(), served.sort());
  });

  await check('the audit log verifies offline with the records it names, and a change is named', async () => {
    assert.strictEqual((await call('GET', '/api/audit/log', { token: tokens.observer })).status, 403);
    const log = await call('GET', '/api/audit/log?limit=100000', { token: tokens.auditor });
    const head = (await call('GET', '/api/audit/head')).json;
    const file = path.join(work, 'audit.jsonl');
    const records = path.join(work, 'records.jsonl');
    fs.writeFileSync(file, log.text);
    // The records as the same reader sees them (the auditor also reads the keyholders' keys).
    fs.writeFileSync(records, (await wholeFeed(call, tokens.auditor)).map((i) => JSON.stringify(i)).join('\n') + '\n');
    const lines = log.text.trim().split('\n');
    assert.strictEqual(JSON.parse(lines[lines.length - 1]).seq, head.seq);
    const verify = (...args) => spawnSync(procura, ['audit', 'verify', ...args], { encoding: 'utf8' });
    let v = verify(file, '--public-key', head.publicKey, '--signature', head.signature, '--records', records);
    assert.strictEqual(v.status, 0, v.stdout + v.stderr);
    assert.match(v.stdout, /head signature: valid/);
    assert.match(v.stdout, /records: \d+ match their hashes and the log/);
    const tampered = lines.map((l) => JSON.parse(l));
    tampered[4].actor = 'someone-else';
    fs.writeFileSync(file, tampered.map((e) => JSON.stringify(e)).join('\n') + '\n');
    v = verify(file);
    assert.strictEqual(v.status, 1);
    assert.match(v.stdout, new RegExp(`BROKEN at entry ${tampered[4].seq}:`));
    fs.writeFileSync(file, lines.filter((_, i) => i !== 2).join('\n') + '\n');
    assert.strictEqual(verify(file).status, 1, 'an entry removed');
    fs.writeFileSync(file, lines.slice(3).join('\n') + '\n');
    v = verify(file);
    assert.strictEqual(v.status, 1, 'a log whose first entries were cut off');
    assert.match(v.stdout, /starts at entry 1/);
    const prev = JSON.parse(lines[2]);
    assert.strictEqual(verify(file, '--after', String(prev.seq), '--prev-hash', prev.hash).status, 0, 'a continuation of a verified log');
    fs.writeFileSync(file, log.text);
    assert.strictEqual(verify(file, '--public-key', head.publicKey, '--signature', '0'.repeat(128)).status, 1);
  });

  demo.child.kill('SIGTERM');
  await new Promise((r) => demo.child.on('exit', r));

  await check('a restarted server keeps everything, and sealed bids stay sealed on disk', async () => {
    const again = await startServer(database);
    const c2 = client(again.base);
    const r = await c2('GET', `/api/rounds/${R}/results`);
    assert.strictEqual(r.status, 200);
    // The database file holds no opening key and no plaintext bid of an unopened round.
    const bid = await c2('POST', '/api/login', { body: { user: 'enterprise', password: 'demo-enterprise' } });
    const placed = await c2('POST', '/api/rounds/3n-iol-2021/bids', { token: bid.json.token, body: { productId: 'IOL-001', price: '123.4567', nonce: 'feedfacecafebeef'.repeat(2) } });
    assert.strictEqual(placed.status, 201, placed.text);
    again.child.kill('SIGTERM');
    await new Promise((res) => again.child.on('exit', res));
    const db = pg
      ? spawnSync('/usr/lib/postgresql/15/bin/psql', [pg, '-At', '-c', 'SELECT data, sealed FROM revision UNION ALL SELECT records || body_hash, salt FROM audit'], { encoding: 'utf8', maxBuffer: 1 << 30 }).stdout
      : fs.readFileSync(database).toString('latin1') + (fs.existsSync(database + '-wal') ? fs.readFileSync(database + '-wal').toString('latin1') : '');
    assert(db.length > 100000, 'the database content was read');
    assert(!db.includes('123.4567') && !db.includes('feedfacecafebeef'), 'the bid is readable in the database');
  });

  finish();
})();
