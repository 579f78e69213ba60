// Every round recomputed from its open data (issue 13): `procura round verify` takes a round's
// open data as the public downloads it (GET /api/rounds/{id}/open-data) and nothing else, opens
// every bid with the published key, reruns steps 0-7 and compares every published item. It
// passes on the demo's rounds (the 2020 round awarded at start, the 2021 round taken through
// its deadline, opening, negotiation and award here); it fails, naming the item with both
// values, on copies where one opened bid, one published price, one allocation or one contract
// was changed; it refuses a round that is not awarded or whose download still withholds a table.
// The national-scale round is verified in tests/unit/round_verify_test.cpp. Run on SQLite and on
// PostgreSQL (PGURL).
// Usage: node verify_test.js PROCURA SOURCE_DIR WORK_DIR
'use strict';
const fs = require('fs');
const path = require('path');
const assert = require('assert');
const { spawnSync } = require('child_process');
const { checks, testClock, client, startServer, database, signer, openByKeyholders } = require('./lib');

const [procura, , work] = process.argv.slice(2);
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });
const { check, finish } = checks();
const clock = testClock(work);

// Runs `procura round verify` on `data` written to a file; returns its exit code and output.
let files = 0;
function verify(data) {
  const file = path.join(work, `open-data-${++files}.json`);
  fs.writeFileSync(file, typeof data === 'string' ? data : JSON.stringify(data));
  const out = spawnSync(procura, ['round', 'verify', file], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return { status: out.status, stdout: out.stdout, stderr: out.stderr };
}
const copy = (x) => JSON.parse(JSON.stringify(x));

(async () => {
  const server = await startServer(procura, database(work, 'verify.db'), path.join(work, 'keys'), ['--demo', '--clock-file', clock.file]);
  const call = client(server.base);
  const tokens = {};
  const login = signer(call, tokens);
  for (const user of ['office', 'enterprise', 'auditor']) await login(user);

  let data2020;
  await check('the demo\'s 2020 round is recomputed from its open data alone', async () => {
    const r = await call('GET', '/api/rounds/3n-iol-2020/open-data');
    assert.strictEqual(r.status, 200, r.text);
    data2020 = r.json;
    // Kept for the public per version and phase of the round, gzipped for those who accept it.
    assert.strictEqual(r.headers.get('content-encoding'), 'gzip');
    const again = await call('GET', '/api/rounds/3n-iol-2020/open-data', { headers: { 'If-None-Match': r.headers.get('etag') } });
    assert.strictEqual(again.status, 304);
    assert.deepStrictEqual(data2020.withheld, []);
    assert(data2020.records.bid.length > 40 && data2020.records['demand-line'].length > 0);
    const out = verify(data2020);
    assert.strictEqual(out.status, 0, out.stdout + out.stderr);
    assert.doesNotMatch(out.stdout, /DIFFERS/);
    assert.match(out.stdout, new RegExp(`${data2020.records.bid.length} bids opened and checked`));
    assert.match(out.stdout, /every published item recomputed/);
  });

  await check('a copy with one thing changed fails, naming the item with both values', async () => {
    const bid = data2020.records.bid.find((b) => b.status === 'submitted');
    const award = data2020.results.awards[3];
    const allocation = data2020.allocations[5];
    const cases = [
      ['an opened bid\'s price', (d) => { d.records.bid.find((b) => b.id === bid.id).price = '1.0000'; }, new RegExp(`DIFFERS  records\\.bid\\[${bid.id}\\]\\.price: published 1\\.0000, recomputed ${bid.price.replace('.', '\\.')}`)],
      ['an award\'s published price', (d) => { d.results.awards[3].price = '1.0000'; }, new RegExp(`DIFFERS  results\\.awards\\[${award.id}\\]\\.price: published "1\\.0000", recomputed "${award.price.replace('.', '\\.')}"`)],
      ['a table row the engine reads', (d) => { d.records['demand-line'][0].quantity += 1000; }, /DIFFERS  (results|allocations)\./],
      ['a release\'s contract', (d) => { const c = d.releasePackage.releases.find((x) => x.contracts); c.contracts[0].value.amount += 1; }, /DIFFERS  releasePackage\.releases\[[^\]]+\]\.contracts\[[^\]]+\]\.value\.amount/],
    ];
    cases.push(['an allocation', (d) => { d.allocations[5].units += 1; }, new RegExp(`DIFFERS  allocations\\[(${allocation.institution}/${allocation.product}|${allocation.award}/${allocation.institution})\\]\\.units: published ${allocation.units + 1}, recomputed ${allocation.units}`)]);
    for (const [what, change, named] of cases) {
      const d = copy(data2020);
      change(d);
      const out = verify(d);
      assert.strictEqual(out.status, 1, `${what}: ${out.stdout}${out.stderr}`);
      assert.match(out.stdout, named, `${what}: ${out.stdout.slice(0, 2000)}`);
    }
  });

  await check('a round that is not awarded, or a download that withholds a table, is refused with a reason', async () => {
    let out = verify((await call('GET', '/api/rounds/3n-iol-2022/open-data')).json);
    assert.strictEqual(out.status, 1);
    assert.match(out.stderr, /round\.status.*not awarded/);
    const d = copy(data2020);
    d.withheld = [{ kind: 'access-price', disclosed: 'at the award' }];
    out = verify(d);
    assert.match(out.stderr, /withheld.*access-price/);
    out = verify('{"not": "open data"}');
    assert.match(out.stderr, /expected a round's open data/);
    const bidding = (await call('GET', '/api/rounds/3n-iol-2021/open-data')).json;
    assert.deepStrictEqual(bidding.withheld.map((w) => w.kind).sort(), ['access-price', 'bid', 'offer'], 'sealed parts withheld before their event');
    assert(!('bid' in bidding.records) && !('results' in bidding));
  });

  // The releases of a round, by tag, with their dates, from its record package.
  const staged = async (R) => {
    const r = await call('GET', `/api/rounds/${R}/ocds/records`);
    assert.strictEqual(r.status, 200, r.text);
    return r.json.records[0].releases.map((x) => [x.tag[0], x.date]).sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  };
  await check('an open round\'s tender is published with it, dated when it was published', async () => {
    const round = (await call('GET', '/api/rounds/3n-iol-2021')).json;
    assert.deepStrictEqual(await staged('3n-iol-2021'), [['planning', round.publishedAt], ['tender', round.publishedAt]]);
    assert(round.publishedAt < round.timeline.bidDeadline, 'not back-dated to the deadline');
    const pkg = (await call('GET', '/api/rounds/3n-iol-2021/ocds/releases')).json;
    const tender = pkg.releases.find((x) => x.tag[0] === 'tender').tender;
    assert.strictEqual(tender.tenderPeriod.endDate, round.timeline.bidDeadline);
    assert(tender.lots.length > 0 && tender.items.every((i) => i.quantity > 0 && i.unit && i.unit.value), 'lots, items with quantities and ceilings');
    assert.strictEqual((await call('GET', '/api/rounds/3n-iol-2022/ocds/records')).status, 404, 'a draft publishes nothing');
  });

  await check('the demo\'s 2021 round, bid on, opened, negotiated and awarded here, is recomputed', async () => {
    const R = '3n-iol-2021';
    const round = (await call('GET', `/api/rounds/${R}`)).json;
    const mine = (await call('GET', `/api/rounds/${R}/products?enterpriseId=E01&limit=1000`)).json.items;
    assert(mine.length > 0);
    for (const [i, p] of mine.entries()) {
      const r = await call('POST', `/api/rounds/${R}/bids`, { token: tokens.enterprise, body: { productId: p.productId, price: String(500 + i) } });
      assert.strictEqual(r.status, 201, r.text);
    }
    clock.set(round.timeline.bidOpening);
    // A follower saves the bids' commitments after the deadline, before the opening.
    const saved = (await call('GET', `/api/rounds/${R}/bids?limit=1000`)).json;
    assert.strictEqual(saved.items.length, mine.length);
    assert(saved.items.every((b) => /^[0-9a-f]{64}$/.test(b.commitment) && !('price' in b)));
    for (const user of ['office', 'auditor']) await login(user);
    await openByKeyholders(call, R, tokens);
    clock.set(round.timeline.negotiationEnd);
    await login('office');
    const awarded = await call('POST', `/api/rounds/${R}/award`, { token: tokens.office });
    assert.strictEqual(awarded.status, 200, awarded.text);
    const data = (await call('GET', `/api/rounds/${R}/open-data`)).json;
    // Each stage's releases dated when it happened: the tender at publication, the opening when
    // the quorum opened the bids, the award and contracts at the award.
    assert.deepStrictEqual(await staged(R), [['planning', round.publishedAt], ['tender', round.publishedAt],
      ['tenderUpdate', data.round.openedAt], ['award', data.round.awardedAt], ['contract', data.round.awardedAt]]);
    assert.strictEqual(data.round.openedAt, round.timeline.bidOpening);
    const opening = data.releasePackage.releases.find((x) => x.tag[0] === 'tenderUpdate');
    assert.deepStrictEqual(opening.bids.details.map((b) => b.procura.commitment).sort(), data.records.bid.map((b) => b.commitment).sort());
    let out = verify(data);
    assert.strictEqual(out.status, 0, out.stdout + out.stderr);
    assert.match(out.stdout, new RegExp(`${mine.length} bids opened and checked`));
    const savedFile = path.join(work, 'bids-at-deadline.json');
    fs.writeFileSync(savedFile, JSON.stringify(saved));
    const file = path.join(work, 'open-data-2021.json');
    fs.writeFileSync(file, JSON.stringify(data));
    out = spawnSync(procura, ['round', 'verify', file, '--bids-at-deadline', savedFile], { encoding: 'utf8', maxBuffer: 1 << 28 });
    assert.strictEqual(out.status, 0, out.stdout + out.stderr);
    // A commitment changed since the deadline (the bid re-sealed, its results recomputed: the
    // copy is consistent in itself) is caught by the copy saved at the deadline.
    const forged = copy(saved);
    forged.items[0].commitment = '0'.repeat(64);
    fs.writeFileSync(savedFile, JSON.stringify(forged));
    out = spawnSync(procura, ['round', 'verify', file, '--bids-at-deadline', savedFile], { encoding: 'utf8', maxBuffer: 1 << 28 });
    assert.strictEqual(out.status, 1);
    assert.match(out.stdout, new RegExp(`DIFFERS  records\\.bid\\[${forged.items[0].id}\\]\\.commitment \\(saved at the deadline\\)`));
    // A round whose bids were committed to has no bid without a commitment.
    const blank = copy(data);
    blank.records.bid[0].commitment = '';
    out = verify(blank);
    assert.strictEqual(out.status, 1);
    assert.match(out.stdout, new RegExp(`DIFFERS  records\\.bid\\[${blank.records.bid[0].id}\\]\\.commitment: published -`));
    for (const part of ['allocations', 'releasePackage']) {
      const cut = copy(data);
      delete cut[part];
      out = verify(cut);
      assert.strictEqual(out.status, 1);
      assert.match(out.stderr, new RegExp(part));
    }
  });

  await check('the feed\'s last page carries the signed audit head, which an export of the log verifies against', async () => {
    let page, offset = 0;
    for (;;) {
      page = (await call('GET', `/api/feed?offset=${offset}&limit=1000`)).json;
      if (page.items.length < 1000) break;
      assert(!('auditHead' in page), 'a full page (kept, the same for everyone) carries no head');
      offset = page.items[page.items.length - 1].offset;
    }
    const head = page.auditHead;
    assert.deepStrictEqual(head, (await call('GET', '/api/audit/head')).json, 'the head as it is now');
    await login('auditor');  // the clock has moved on a month: a new session
    const log = await call('GET', '/api/audit/log?limit=100000', { token: tokens.auditor });
    assert.strictEqual(log.status, 200);
    const file = path.join(work, 'audit.jsonl');
    fs.writeFileSync(file, log.text);
    assert.strictEqual(log.text.trim().split('\n').length, head.seq);
    let out = spawnSync(procura, ['audit', 'verify', file, '--public-key', head.publicKey, '--signature', head.signature], { encoding: 'utf8' });
    assert.strictEqual(out.status, 0, out.stdout + out.stderr);
    assert.match(out.stdout, /head signature: valid/);
    // The same export under a head of another moment (one entry fewer) does not verify.
    fs.writeFileSync(file, log.text.trim().split('\n').slice(0, -1).join('\n') + '\n');
    out = spawnSync(procura, ['audit', 'verify', file, '--public-key', head.publicKey, '--signature', head.signature], { encoding: 'utf8' });
    assert.strictEqual(out.status, 1, out.stdout);
    assert.match(out.stdout, /BROKEN head/);
  });

  await server.stop();
  finish();
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
