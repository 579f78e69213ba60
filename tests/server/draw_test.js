// Draws nobody can steer (issue 13): a round commits to its panel draw's secret when it is
// published (the office's own secret, or one the platform makes and seals to the office's
// keyholder key); the panel is drawn after the bid deadline, its seed the BLAKE2b-256 of a text
// naming the round, the secret and every bid's commitment. Everything here is recomputed
// outside the server, with coreutils' b2sum and the formula of docs/verification.md: the
// commitment, the seed's text (written by this test from the published bids), the seed, every
// ticket, the eligible experts and the members; the size and specialities are fixed at
// publication and the library at the deadline, so the office chooses nothing at the draw; a
// secret that is not the committed one is refused and stores nothing; `procura draw verify`
// passes on the published panel and names the item changed in a tampered copy. Run on SQLite
// and on PostgreSQL (PGURL).
// Usage: node draw_test.js PROCURA SOURCE_DIR WORK_DIR
'use strict';
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const assert = require('assert');
const { spawnSync } = require('child_process');
const { checks, testClock, client, startServer, database, signer, wholeFeed, openByKeyholders, postSmallRoundTables } = require('./lib');

const [procura, , work] = process.argv.slice(2);
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });
const { check, finish } = checks();
const clock = testClock(work);

const b2sum = (text) => spawnSync('b2sum', ['-l', '256'], { input: text, encoding: 'utf8' }).stdout.split(' ')[0];
// The seed's text as docs/verification.md defines it, written from the published bids.
const seedText = (round, secret, bids) => ['procura-draw-v1', `round ${round}`, 'draw panel', `secret ${secret}`,
  ...bids.map((b) => `value ${b.id} ${b.commitment}`).sort()].join('\n') + '\n';
const procuraRun = (args, env = {}) => spawnSync(procura, args, { encoding: 'utf8', env: { ...process.env, ...env } });

(async () => {
  const server = await startServer(procura, database(work, 'draw.db'), path.join(work, 'keys'), ['--demo', '--clock-file', clock.file]);
  const call = client(server.base);
  const tokens = {};
  const login = signer(call, tokens);
  for (const user of ['office', 'enterprise', 'auditor']) await login(user);
  const office = tokens.office;
  const ok = (r, what) => {
    assert(r.status < 300, `${what}: ${r.status} ${r.text}`);
    return r.json;
  };
  const timeline = { basePeriod: '2025', bidDeadline: clock.at(3600), bidOpening: clock.at(7200), negotiationEnd: clock.at(14400), contractStart: '2027-01-01' };
  // A small round with E01's two bids (the demo's enterprise account), published with `publish`.
  const makeRound = async (R, publish) => {
    ok(await call('POST', '/api/rounds', { token: office, body: { id: R, title: `Draw test ${R}`, currency: 'CNY', buyer: { id: 'ALLIANCE', name: 'Alliance' }, attributes: ['material'], profile: 'alliance-3n-iol-2020', timeline } }), R);
    await postSmallRoundTables(call, office, R);
    const published = ok(await call('POST', `/api/rounds/${R}/publish`, { token: office, body: publish }), `${R} publish`);
    for (const [product, price] of [['P1', '600'], ['P5', '950']])
      ok(await call('POST', `/api/rounds/${R}/bids`, { token: tokens.enterprise, body: { productId: product, price } }), `${R} bid`);
    return published;
  };

  const secret = crypto.randomBytes(32).toString('hex');
  const D1 = 'draw1', D2 = 'draw2';
  let platformRound;
  await check('a round publishes its commitment to the draw secret; the panel waits for the bid deadline', async () => {
    const r = await makeRound(D1, { drawCommitment: b2sum(secret), panelSize: 2, panelSpecialities: ['ophthalmology'] });
    assert.deepStrictEqual(r.draws.panel, { commitment: b2sum(secret), secretBy: 'office', sealedSecrets: [], size: 2, specialities: ['ophthalmology'] });
    const bad = await call('POST', '/api/rounds', { token: office, body: { id: 'draw0', title: 'Draw test draw0', currency: 'CNY', buyer: { id: 'ALLIANCE', name: 'Alliance' }, attributes: ['material'], profile: 'alliance-3n-iol-2020', timeline } });
    assert.strictEqual(bad.status, 201, bad.text);
    for (const [body, field] of [[{ drawCommitment: 'abc' }, 'drawCommitment'], [{ panelSize: 0 }, 'panelSize'], [{ panelSize: '3' }, 'panelSize'], [{ panelSpecialities: 'x' }, 'panelSpecialities'], [{ seed: 'x' }, 'seed']]) {
      const refused = await call('POST', '/api/rounds/draw0/publish', { token: office, body });
      assert.deepStrictEqual([refused.status, refused.json.error.field], [422, field], refused.text);
    }
    platformRound = await makeRound(D2, undefined);
    const early = await call('POST', `/api/rounds/${D1}/panel`, { token: office, body: { secret } });
    assert.deepStrictEqual([early.status, early.json.error.code], [409, 'too_early'], early.text);
    const round = (await call('GET', `/api/rounds/${D1}`)).json;
    assert.strictEqual(round.draws.panel.commitment, b2sum(secret));
  });

  await check('a secret that is not the committed one is refused and nothing is stored', async () => {
    clock.set(timeline.bidDeadline);
    const before = (await wholeFeed(call)).length;
    const wrong = crypto.randomBytes(32).toString('hex');
    for (const body of [{ secret: wrong }, { secret: secret.toUpperCase() }, { secret: secret.slice(1) }]) {
      const r = await call('POST', `/api/rounds/${D1}/panel`, { token: office, body });
      assert.deepStrictEqual([r.status, r.json.error.code, r.json.error.field], [422, 'wrong_secret', 'secret'], r.text);
    }
    for (const [body, field] of [[{ secret, seed: 'chosen' }, 'seed'], [{ secret, size: 5 }, 'size'], [{ secret, specialities: ['pharmacy'] }, 'specialities']]) {
      const r = await call('POST', `/api/rounds/${D1}/panel`, { token: office, body });
      assert.deepStrictEqual([r.status, r.json.error.code, r.json.error.field], [422, 'fixed_at_publication', field], 'the office chooses nothing at the draw');
    }
    const both = await call('POST', `/api/rounds/${D1}/panel`, { token: office, body: {} });
    assert.strictEqual(both.status, 422);
    assert.strictEqual((await call('GET', `/api/rounds/${D1}/panel`)).status, 404);
    assert.strictEqual((await wholeFeed(call)).length, before);
  });

  let panel, round, bids, experts, openData;
  await check('the panel is reproduced from the published values alone (b2sum and the documented formula)', async () => {
    // An expert added at the deadline is not in the library the draw reads (as it stood before).
    ok(await call('POST', '/api/experts', { token: office, body: { id: 'X07', name: 'Late ophthalmologist', specialities: ['ophthalmology'] } }), 'late expert');
    panel = ok(await call('POST', `/api/rounds/${D1}/panel`, { token: office, body: { secret } }), 'draw');
    assert(!panel.library.some((e) => e.id === 'X07') && panel.libraryAt === timeline.bidDeadline, JSON.stringify([panel.library.map((e) => e.id), panel.libraryAt, timeline.bidDeadline]));
    round = (await call('GET', `/api/rounds/${D1}`)).json;
    bids = (await call('GET', `/api/rounds/${D1}/bids`)).json;
    experts = (await call('GET', '/api/experts')).json;
    experts.items = experts.items.filter((e) => e.id !== 'X07');
    openData = (await call('GET', `/api/rounds/${D1}/open-data`)).json;
    assert.strictEqual(bids.items.length, 2);
    assert.strictEqual(b2sum(panel.secret), round.draws.panel.commitment);
    const text = seedText(D1, secret, bids.items);
    assert.strictEqual(panel.seedText, text);
    const seed = b2sum(text);
    assert.strictEqual(panel.seed, seed);
    const participants = (await call('GET', `/api/rounds/${D1}/enterprises`)).json.items.map((e) => e.enterpriseId);
    const eligible = experts.items.filter((e) => !e.interests.some((i) => participants.includes(i)) && e.specialities.includes('ophthalmology'));
    assert.deepStrictEqual(eligible.map((e) => e.id).sort(), ['X02', 'X03', 'X05', 'X06'], 'X01 declared E02, X04 is no ophthalmologist');
    const tickets = eligible.map((e) => ({ id: e.id, drawKey: b2sum(`procura-panel-v1|${seed}|${e.id}`) })).sort((a, b) => (a.drawKey < b.drawKey ? -1 : 1));
    assert.deepStrictEqual(panel.draws, tickets, 'every candidate\'s ticket is published');
    assert.deepStrictEqual(panel.members, tickets.slice(0, 2));
    assert.deepStrictEqual(panel.excluded.map((x) => x.expert).sort(), ['X01', 'X04']);
    const again = await call('POST', `/api/rounds/${D1}/panel`, { token: office, body: { secret } });
    assert.deepStrictEqual([again.status, again.json.error.code], [409, 'exists']);
  });

  await check('a changed bid commitment changes the seed and every ticket', async () => {
    const changed = bids.items.map((b, i) => (i === 0 ? { ...b, commitment: b2sum('another bid') } : b));
    const seed = b2sum(seedText(D1, secret, changed));
    assert.notStrictEqual(seed, panel.seed);
    for (const t of panel.draws) assert.notStrictEqual(b2sum(`procura-panel-v1|${seed}|${t.id}`), t.drawKey);
  });

  await check('procura draw verify passes on the published panel and names what a tampered copy changed', async () => {
    const write = (name, value) => {
      const f = path.join(work, `${name}.json`);
      fs.writeFileSync(f, JSON.stringify(value));
      return f;
    };
    const verify = (p = panel, d = openData) => procuraRun(['draw', 'verify', '--panel', write('panel', p), '--open-data', write('open-data', d)]);
    let out = verify();
    assert.strictEqual(out.status, 0, out.stdout + out.stderr);
    assert.match(out.stdout, /the panel is the draw of its published values/);
    assert.doesNotMatch(out.stdout, /DIFFERS/);
    const withRound = (over) => ({ ...openData, round: { ...openData.round, draws: { panel: { ...openData.round.draws.panel, ...over } } } });
    const promoted = panel.draws.filter((t) => t.id !== panel.members[0].id);
    const tampered = [
      ['another secret', { ...panel, secret: crypto.randomBytes(32).toString('hex') }, openData, /DIFFERS  BLAKE2b-256 of the revealed secret is the round's commitment/],
      ['a member swapped', { ...panel, members: [panel.members[0], panel.draws[3]] }, openData, /DIFFERS  the members \(the smallest tickets\): published [^,]+,X\d\d, recomputed/],
      ['a member dropped and the next promoted', { ...panel, draws: promoted, members: promoted.slice(0, 2) }, openData, /DIFFERS  the eligible experts in ticket order/],
      ['a bid\'s commitment in the panel', { ...panel, bids: [{ ...panel.bids[0], commitment: b2sum('x') }, panel.bids[1]] }, openData, /DIFFERS  the bids' commitments are the round's published bids/],
      ['the round\'s commitment', panel, withRound({ commitment: b2sum('y') }), /DIFFERS  the round's published commitment is the panel's/],
      ['the committed size', { ...panel, size: 3 }, openData, /DIFFERS  the size fixed at publication: published 3, recomputed 2/],
      ['the committed specialities', panel, withRound({ specialities: [] }), /DIFFERS  the specialities fixed at publication/],
      ['a made-up participant', { ...panel, participants: [...panel.participants, 'E77'] }, openData, /DIFFERS  the participants are the round's enterprises/],
      ['a ticket', { ...panel, draws: [{ ...panel.draws[0], drawKey: b2sum('z') }, ...panel.draws.slice(1)] }, openData, new RegExp(`DIFFERS  the ticket of ${panel.draws[0].id}`)],
      ['an expert\'s declared interest in the library', { ...panel, library: panel.library.map((e) => (e.id === panel.members[0].id ? { ...e, interests: ['E01'] } : e)) }, openData, /DIFFERS  the excluded experts/],
    ];
    for (const [what, p, d, named] of tampered) {
      out = verify(p, d);
      assert.strictEqual(out.status, 1, `${what}: ${out.stdout}`);
      assert.match(out.stdout, named, what);
    }
    out = procuraRun(['draw', 'verify', '--panel', path.join(work, 'missing.json'), '--open-data', write('open-data', openData)]);
    assert.notStrictEqual(out.status, 0);
    assert.match(out.stderr, /missing\.json/);
  });

  await check('the platform\'s own secret is sealed to the office\'s key: unsealed offline or with the passphrase', async () => {
    const r = platformRound;
    assert.strictEqual(r.draws.panel.secretBy, 'platform');
    const boxes = r.draws.panel.sealedSecrets;
    assert.deepStrictEqual(boxes.map((b) => b.account), ['office']);
    const unsealed = procuraRun(['keyholder', 'unseal', '--account', 'office', '--sealed', boxes[0].sealedSecret], { PROCURA_PASSPHRASE: 'demo-office-keyholder' });
    assert.strictEqual(unsealed.status, 0, unsealed.stderr);
    const platformSecret = unsealed.stdout.trim();
    assert.strictEqual(b2sum(platformSecret), r.draws.panel.commitment);
    // Opened before its panel was drawn: the panel is still drawn (nothing it depends on has
    // changed since the deadline), with the passphrase.
    clock.set(timeline.bidOpening);
    await openByKeyholders(call, D2, tokens);
    let d = await call('POST', `/api/rounds/${D2}/panel`, { token: office, body: { passphrase: 'not the office passphrase' } });
    assert.deepStrictEqual([d.status, d.json.error.field], [422, 'passphrase'], d.text);
    d = await call('POST', `/api/rounds/${D2}/panel`, { token: tokens.auditor, body: { passphrase: 'demo-auditor-keyholder' } });
    assert.strictEqual(d.status, 403, 'the auditor does not draw panels');
    d = ok(await call('POST', `/api/rounds/${D2}/panel`, { token: office, body: { passphrase: 'demo-office-keyholder' } }), 'draw with passphrase');
    assert.strictEqual(d.size, 3, 'the default size fixed at publication');
    assert.strictEqual(d.secret, platformSecret);
    assert.strictEqual(d.seed, b2sum(seedText(D2, platformSecret, (await call('GET', `/api/rounds/${D2}/bids`)).json.items)));
  });

  await server.stop();
  finish();
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
