// End-to-end tests of a round's evaluation through HTTP: the expert library and a panel drawn
// reproducibly (checked with coreutils' b2sum, independently of the server), observers with
// observations and final reports, sealed access prices, and complaints that hold an award until
// they are answered or overridden. On PostgreSQL a second server shares the database and must
// serve the record package the completed award changed, as the first one does.
// Usage: node evaluation_test.js PROCURA SOURCE_DIR WORK_DIR
'use strict';
const fs = require('fs');
const path = require('path');
const assert = require('assert');
const { spawnSync } = require('child_process');
const { checks, testClock, client, startServer, database, wholeFeed, openByKeyholders, postSmallRoundTables, openApi } = require('./lib');

const [procura, source, work] = process.argv.slice(2);
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });
const { check, finish } = checks();

const blake2b256 = (text) => spawnSync('b2sum', ['-l', '256'], { input: text, encoding: 'utf8' }).stdout.split(' ')[0];

(async () => {
  const clock = testClock(work);
  // Two servers on one PostgreSQL database are one platform behind one address.
  const site = ['--public-url', 'https://eval.example.org'];
  const server = await startServer(procura, database(work, 'eval.db'), path.join(work, 'keys'), ['--demo', '--clock-file', clock.file, ...site]);
  const call = client(server.base);
  // On PostgreSQL, a second server on the same database (a stateless server), on the same clock.
  const second = process.env.PGURL ? await startServer(procura, process.env.PGURL, path.join(work, 'keys'), ['--clock-file', clock.file, ...site]) : null;
  const tokens = {};
  const login = async (user, password) => {
    const r = await call('POST', '/api/login', { body: { user, password } });
    assert.strictEqual(r.status, 200, r.text);
    tokens[user] = r.json.token;
  };
  for (const user of ['office', 'enterprise', 'expert', 'observer', 'insurer', 'auditor']) await login(user, `demo-${user}`);
  const office = tokens.office;
  const feedLength = async () => (await wholeFeed(call)).length;

  await check('the demo\'s open round committed to its panel draw\'s secret; its panel waits for the deadline', async () => {
    const round = (await call('GET', '/api/rounds/3n-iol-2021')).json;
    const draw = round.draws.panel;
    assert.match(draw.commitment, /^[0-9a-f]{64}$/);
    assert.strictEqual(draw.secretBy, 'platform');
    assert.deepStrictEqual(draw.sealedSecrets.map((x) => x.account), ['office'], 'sealed to the office keyholder only');
    const early = await call('POST', '/api/rounds/3n-iol-2021/panel', { token: office, body: { passphrase: 'demo-office-keyholder' } });
    assert.deepStrictEqual([early.status, early.json.error.code], [409, 'too_early'], early.text);
    assert.strictEqual((await call('GET', '/api/rounds/3n-iol-2021/panel')).status, 404);
    const library = (await call('GET', '/api/experts')).json.items;
    assert.deepStrictEqual(library.map((e) => e.id), ['X01', 'X02', 'X03', 'X04', 'X05', 'X06']);
  });

  await check('experts declare their own interests only; the library keeps every revision', async () => {
    let r = await call('POST', '/api/experts/X03/interests', { token: tokens.expert, body: { enterprise: 'E40' } });
    assert.strictEqual(r.status, 201, r.text);
    assert.deepStrictEqual(r.json.interests, ['E40']);
    r = await call('POST', '/api/experts/X01/interests', { token: tokens.expert, body: { enterprise: 'E41' } });
    assert.strictEqual(r.status, 403);
    r = await call('POST', '/api/experts/X03/interests', { token: tokens.expert, body: { enterprise: 'E40' } });
    assert.strictEqual(r.status, 409);
    const revs = (await call('GET', '/api/objects/expert/X03/revisions')).json.revisions;
    assert.deepStrictEqual(revs.map((v) => v.data.interests), [[], ['E40']]);
    r = await call('POST', '/api/experts', { token: office, body: { id: 'X09', name: 'No speciality', specialities: [] } });
    assert.strictEqual(r.status, 422);
    r = await call('POST', '/api/experts', { token: office, body: { id: 'X09', name: 'n', specialities: 'ophthalmology' } });
    assert.strictEqual(r.json.error.field, 'specialities');
  });

  await check('observers file immutable, timestamped observations; only assigned observers', async () => {
    const text = 'The opening ceremony started on time; all sealed bids were listed.';
    let r = await call('POST', '/api/rounds/3n-iol-2021/observations', { token: tokens.observer, body: { text, stage: 'rules' } });
    assert.strictEqual(r.status, 201, r.text);
    assert.strictEqual(r.json.textHash, blake2b256(text));
    assert.match(r.json.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const published = (await call('GET', '/api/rounds/3n-iol-2021/observations')).json.items;
    assert.deepStrictEqual(published.map((o) => o.text), [text]);
    r = await call('POST', '/api/users', { token: office, body: { id: 'watch2', role: 'observer', org: 'NGO-2', password: 'watch2-pass' } });
    assert.strictEqual(r.status, 201, r.text);
    await login('watch2', 'watch2-pass');
    r = await call('POST', '/api/rounds/3n-iol-2021/observations', { token: tokens.watch2, body: { text } });
    assert.strictEqual(r.status, 403);
    assert.strictEqual(r.json.error.code, 'not_assigned');
    assert.strictEqual((await call('POST', '/api/rounds/3n-iol-2021/observations', { token: tokens.observer, body: { text: 'short' } })).status, 422);
    // The evaluation record starts at the opening; the 2020 round's is readable by its observer.
    assert.strictEqual((await call('GET', '/api/rounds/3n-iol-2021/evaluation', { token: tokens.observer })).status, 409);
    r = await call('GET', '/api/rounds/3n-iol-2020/evaluation', { token: tokens.observer });
    assert.strictEqual(r.status, 200, r.text);
    assert(r.json.bids.length > 40 && r.json.accessPrices.length > 0 && r.json.evaluation.metrics);
    assert.strictEqual((await call('GET', '/api/rounds/3n-iol-2020/evaluation', { token: tokens.watch2 })).status, 403);
    assert.strictEqual((await call('GET', '/api/rounds/3n-iol-2020/evaluation', { token: tokens.expert })).json.error.code, 'not_on_panel');
  });

  // A short round: panel, observer, sealed access prices, complaints holding an award.
  const R = 'eval1';
  const round = { id: R, title: 'Evaluation test round', currency: 'CNY', buyer: { id: 'ALLIANCE', name: 'Alliance' }, attributes: ['material'],
    profile: { base: 'alliance-3n-iol-2020', id: 'eval-profile', complaintAnswerDays: 2 },
    timeline: { basePeriod: '2025', bidDeadline: clock.at(3600), bidOpening: clock.at(7200), negotiationEnd: clock.at(14400), contractStart: '2027-01-01' } };
  await check('complaints: guided form, answer due, a held group, answer and completion, override', async () => {
    for (const [id, org] of [['e02', 'E02'], ['e03', 'E03'], ['e04', 'E04']]) {
      const r = await call('POST', '/api/users', { token: office, body: { id, role: 'enterprise', org, password: `pass-${id}-1` } });
      assert.strictEqual(r.status, 201, r.text);
      await login(id, `pass-${id}-1`);
    }
    let r = await call('POST', '/api/rounds', { token: office, body: round });
    assert.strictEqual(r.status, 201, r.text);
    // P1-P4 compete in one group (acrylic); P5 alone in another (PMMA) goes to negotiation.
    await postSmallRoundTables(call, office, R);

    r = await call('POST', `/api/rounds/${R}/complaints`, { token: tokens.e02, body: { stage: 'rules', subject: 'x' } });
    assert.strictEqual(r.status, 422);
    assert.strictEqual(r.json.error.code, 'incomplete_complaint');
    assert.match(r.json.error.message, /not been published yet/);
    assert.strictEqual((await call('POST', `/api/rounds/${R}/publish`, { token: office, body: { panelSize: 2, panelSpecialities: ['ophthalmology'] } })).status, 200);
    assert.strictEqual((await call('POST', `/api/rounds/${R}/observers`, { token: office, body: { user: 'observer' } })).status, 201);
    const groups = (await call('GET', `/api/rounds/${R}/groups`)).json.items;
    // Groups are numbered in the order of their keys: 'IOL|PMMA' before 'IOL|acrylic'.
    assert.deepStrictEqual(groups.map((g) => [g.id, g.products, g.route]), [['G001', ['P5'], 'negotiation'], ['G002', ['P1', 'P2', 'P3', 'P4'], 'bidding']]);
    const G = 'G002', N = 'G001';

    // The guided form names every missing field at once and stores nothing.
    const before = await feedLength();
    r = await call('POST', `/api/rounds/${R}/complaints`, { token: tokens.e02, body: { stage: 'opening', evidence: [''] } });
    assert.strictEqual(r.status, 422);
    assert.deepStrictEqual(r.json.error.problems.map((p) => p.field).sort(), ['evidence[0]', 'grounds', 'group', 'remedy', 'rule', 'stage', 'subject'].sort());
    r = await call('POST', `/api/rounds/${R}/complaints`, { token: tokens.e02, body: { stage: 'opening', evidence: ['x'.repeat(3)] } });
    assert(r.json.error.problems.every((p) => p.field !== 'evidence[0]'));
    r = await call('POST', `/api/rounds/${R}/complaints`, { token: tokens.insurer, body: {} });
    assert.strictEqual(r.status, 403);
    assert.strictEqual(await feedLength(), before);

    for (const [who, product, price] of [['enterprise', 'P1', '600'], ['e02', 'P2', '700'], ['e03', 'P3', '650'], ['e04', 'P4', '900'], ['enterprise', 'P5', '950']]) {
      r = await call('POST', `/api/rounds/${R}/bids`, { token: tokens[who], body: { productId: product, price } });
      assert.strictEqual(r.status, 201, r.text);
    }
    // The panel, drawn after the deadline (its seed fixed by the bids' commitments).
    clock.set(round.timeline.bidDeadline);
    r = await call('POST', `/api/rounds/${R}/panel`, { token: office, body: { passphrase: 'demo-office-keyholder' } });
    assert.strictEqual(r.status, 201, r.text);
    const panel = r.json;
    const api = openApi(source);
    api.answers('/api/rounds/{id}/panel', (await call('GET', `/api/rounds/${R}/panel`)).json);
    assert(!panel.members.some((m) => m.id === 'X04'), 'no ophthalmology speciality');
    const member = panel.members.find((m) => m.id !== 'X03').id; // X03 has the demo's account
    assert.strictEqual((await call('POST', '/api/users', { token: office, body: { id: 'panelist', role: 'expert', org: member, password: 'panelist-1' } })).status, 201);
    await login('panelist', 'panelist-1');
    clock.set(round.timeline.bidOpening);
    await openByKeyholders(call, R, tokens);
    const proposed = await call('GET', `/api/rounds/${R}/proposed-awards`);
    assert.strictEqual(proposed.status, 200, proposed.text);
    assert.ok(proposed.json.items.length > 0, 'winners are proposed once the bids are opened');
    api.answers('/api/rounds/{id}/proposed-awards', proposed.json);

    // Access prices: set by the panel only, sealed from the public until the award.
    r = await call('POST', `/api/rounds/${R}/access-prices`, { token: tokens.panelist, body: { productId: 'P5', accessPrice: '800' } });
    assert.strictEqual(r.status, 201, r.text);
    assert.strictEqual((await call('POST', '/api/users', { token: office, body: { id: 'outsider', role: 'expert', org: 'X04', password: 'outsider-1' } })).status, 201);
    await login('outsider', 'outsider-1');
    r = await call('POST', `/api/rounds/${R}/access-prices`, { token: tokens.outsider, body: { productId: 'P5', accessPrice: '1' } });
    assert.strictEqual(r.json.error.code, 'not_on_panel');
    assert.strictEqual((await call('GET', `/api/rounds/${R}/evaluation`, { token: tokens.outsider })).status, 403);
    r = await call('POST', `/api/rounds/${R}/offers`, { token: tokens.enterprise, body: { productId: 'P5', negotiationRound: 1, price: '790' } });
    assert.strictEqual(r.status, 201, r.text);
    assert.strictEqual((await call('GET', `/api/rounds/${R}/access-prices`)).json.error.code, 'sealed');
    assert.strictEqual((await call('GET', `/api/rounds/${R}/access-prices`, { token: tokens.enterprise })).status, 403);
    assert.strictEqual((await call('GET', `/api/rounds/${R}/access-prices`, { token: tokens.observer })).json.items.length, 1);
    const record = (await call('GET', `/api/rounds/${R}/evaluation`, { token: tokens.panelist })).json;
    assert.deepStrictEqual(record.panel.members, panel.members, 'the evaluation record carries the drawn panel');
    assert.strictEqual(record.evaluation.groups.length, 2);

    const complaint = { stage: 'opening', group: G, subject: 'P4 bid opened late',
      grounds: 'The opening record lists the bid of P4 after the others; its seal may have been broken.',
      rule: 'round rules: opening', remedy: 'Check the commitment of P4 again before the award.', evidence: ['opening record'] };
    r = await call('POST', `/api/rounds/${R}/complaints`, { token: tokens.e02, body: complaint });
    assert.strictEqual(r.status, 201, r.text);
    const c1 = r.json;
    assert.deepStrictEqual([c1.id, c1.status, c1.holds], [`${R}/C1`, 'pending', G]);
    assert.strictEqual(Date.parse(c1.answerDue) - Date.parse(c1.filedAt), 2 * 86400 * 1000);
    assert.strictEqual((await call('POST', `/api/rounds/${R}/complaints`, { token: tokens.enterprise, body: { ...complaint, group: 'G7' } })).json.error.field, 'group');

    clock.set(round.timeline.negotiationEnd);
    r = await call('POST', `/api/rounds/${R}/award`, { token: office });
    assert.strictEqual(r.status, 200, r.text);
    assert.deepStrictEqual(r.json.heldGroups, [G]);
    let results = (await call('GET', `/api/rounds/${R}/results`)).json;
    assert.strictEqual(results.groups.find((g) => g.id === G).status, 'held');
    assert(!results.awards.some((a) => a.group === G));
    assert(results.awards.some((a) => a.group === N), 'the other group is awarded');
    assert.deepStrictEqual((await call('GET', `/api/rounds/${R}/complaints`)).json.heldGroups, [G]);
    assert.strictEqual((await call('GET', `/api/rounds/${R}/access-prices`)).status, 200, 'revealed at the award');
    r = await call('POST', `/api/rounds/${R}/award`, { token: office });
    assert.strictEqual(r.json.error.code, 'still_held');

    r = await call('POST', `/api/rounds/${R}/complaints/C1/answer`, { token: office, body: { decision: 'maybe' } });
    assert.deepStrictEqual(r.json.error.problems.map((p) => p.field), ['decision', 'reasoning']);
    r = await call('POST', `/api/rounds/${R}/complaints/C1/answer`, { token: office, body: { decision: 'dismissed', reasoning: 'The commitment of P4 matches its opened bid; the order of listing is alphabetical.' } });
    assert.strictEqual(r.status, 200, r.text);
    assert.deepStrictEqual([r.json.status, r.json.answeredLate], ['dismissed', false]);
    assert.strictEqual((await call('POST', `/api/rounds/${R}/complaints/C1/answer`, { token: office, body: { decision: 'upheld', reasoning: 'changed our mind about this one' } })).status, 409);
    const releasesBefore = (await call('GET', '/api/ocds/releases.jsonl')).text.trim().split('\n').map(JSON.parse).filter((x) => x.ocid.endsWith(R));
    const recordsUrl = `/api/rounds/${R}/ocds/records`;
    const packageBefore = (await call('GET', recordsUrl)).text;
    if (second) assert.strictEqual((await client(second.base)('GET', recordsUrl)).text, packageBefore);
    r = await call('POST', `/api/rounds/${R}/award`, { token: office });
    assert.strictEqual(r.status, 200, r.text);
    // The record package kept before is not served after the completion: at once by the server
    // that made it, within moments by one sharing its database (told by the commit's notice).
    const packageAfter = (await call('GET', recordsUrl)).text;
    assert.notStrictEqual(packageAfter, packageBefore);
    assert(JSON.parse(packageAfter).records[0].releases.length > JSON.parse(packageBefore).records[0].releases.length);
    if (second) {
      const other = async () => (await client(second.base)('GET', recordsUrl)).text;
      // Asked again until the commit's notice reaches it: each question waits on the network only.
      let served = await other();
      for (let asked = 1; served !== packageAfter && asked < 5000; asked++) served = await other();
      assert.strictEqual(served, packageAfter, 'the second server serves the new record package');
    }
    assert.deepStrictEqual([r.json.heldGroups, r.json.awardRuns], [[], 2]);
    results = (await call('GET', `/api/rounds/${R}/results`)).json;
    assert.strictEqual(results.groups.find((g) => g.id === G).status, 'awarded');
    assert(results.awards.some((a) => a.group === G));
    const releasesAfter = (await call('GET', '/api/ocds/releases.jsonl')).text.trim().split('\n').map(JSON.parse).filter((x) => x.ocid.endsWith(R));
    const ids = releasesAfter.map((x) => x.id);
    assert.strictEqual(new Set(ids).size, ids.length, 'release ids are unique');
    assert(releasesAfter.length > releasesBefore.length, 'the completed award is a new release');
    for (const old of releasesBefore) assert.deepStrictEqual(releasesAfter.find((x) => x.id === old.id), old, 'published releases never change');
    assert.strictEqual((await call('POST', `/api/rounds/${R}/award`, { token: office })).status, 409);

    // An award-stage complaint, its hold released by the office with a published reason.
    r = await call('POST', `/api/rounds/${R}/complaints`, { token: tokens.observer, body: { ...complaint, stage: 'award', subject: 'Award of the acrylic group' } });
    assert.strictEqual(r.status, 201, r.text);
    assert.deepStrictEqual((await call('GET', `/api/rounds/${R}/complaints`)).json.heldGroups, [G]);
    assert.strictEqual((await call('POST', `/api/rounds/${R}/complaints/C2/override`, { token: office, body: { reason: 'stock' } })).status, 422);
    r = await call('POST', `/api/rounds/${R}/complaints/C2/override`, { token: office, body: { reason: 'Hospitals in region N run out of lenses within three weeks.' } });
    assert.strictEqual(r.status, 200, r.text);
    const list = (await call('GET', `/api/rounds/${R}/complaints`)).json;
    assert.deepStrictEqual(list.heldGroups, []);
    assert.deepStrictEqual(list.items.map((c) => [c.status, !!c.holdOverride]), [['dismissed', false], ['pending', true]]);
    const revisions = (await call('GET', `/api/objects/complaint/${encodeURIComponent(`${R}/C1`)}/revisions`)).json.revisions;
    assert.deepStrictEqual(revisions.map((v) => v.data.status), ['pending', 'dismissed'], 'every state of a complaint is kept');
  });

  await check('observer final report: guided, published once', async () => {
    let r = await call('POST', `/api/rounds/${R}/observer-reports`, { token: tokens.observer, body: { opinion: 'fine' } });
    assert.strictEqual(r.status, 422);
    assert.deepStrictEqual(r.json.error.problems.map((p) => p.field), ['opinion', 'summary']);
    r = await call('POST', `/api/rounds/${R}/observer-reports`, { token: tokens.observer, body: { opinion: 'compliant-with-reservations', summary: 'The round followed its rules; one complaint was answered in time.', findings: ['Bids were opened on time'], recommendations: ['Publish the opening order'] } });
    assert.strictEqual(r.status, 201, r.text);
    assert.strictEqual((await call('POST', `/api/rounds/${R}/observer-reports`, { token: tokens.observer, body: { opinion: 'compliant', summary: 'a second report is refused as such' } })).status, 409);
    const reports = (await call('GET', `/api/rounds/${R}/observer-reports`)).json.items;
    assert.deepStrictEqual(reports.map((x) => x.opinion), ['compliant-with-reservations']);
  });

  await check('a profile can close complaints at once', async () => {
    const closed = { ...round, id: 'eval2', profile: { base: 'alliance-3n-iol-2020', id: 'no-complaints', complaintDays: 0 }, timeline: { ...round.timeline, bidDeadline: clock.at(86400), bidOpening: clock.at(90000), negotiationEnd: clock.at(100000) } };
    assert.strictEqual((await call('POST', '/api/rounds', { token: office, body: closed })).status, 201);
    for (const [t, rows] of [['regions', [{ regionId: 'N' }]], ['institutions', [{ institutionId: 'H', regionId: 'N' }]], ['enterprises', [{ enterpriseId: 'E01' }]],
      ['products', [{ productId: 'Q1', enterpriseId: 'E01', category: 'IOL', basic: ['acrylic'], registrationId: 'R' }]], ['demand', [{ institutionId: 'H', productId: 'Q1', quantity: 5 }]]]) {
      assert.strictEqual((await call('POST', `/api/rounds/eval2/${t}`, { token: office, body: rows })).status, 201);
    }
    assert.strictEqual((await call('POST', '/api/rounds/eval2/publish', { token: office })).status, 200);
    const r = await call('POST', '/api/rounds/eval2/complaints', { token: tokens.enterprise, body: { stage: 'rules', subject: 'Rules unclear', grounds: 'The rules do not say how ties between equal bids are broken at all.', rule: 'tie rule', remedy: 'Publish the tie rule' } });
    assert.strictEqual(r.status, 422);
    assert.match(r.json.error.message, /closed at/);
  });

  await server.stop();
  if (second) await second.stop();
  finish();
})();
