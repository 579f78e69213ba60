// The audience of every kind of record, walked from its specification (tests/records/audience.tsv):
// for each kind, phase and reader, what the reader gets on every path that can read a record —
// the record itself, its revisions, its round table, the changes feed and the audit log. Rounds
// are made in each phase (draft, bidding, sealed, opened, awarded) with a record of every kind,
// the server's clock moved by the test. Run on SQLite and on PostgreSQL (PGURL).
// Usage: node audience_test.js PROCURA SOURCE_DIR WORK_DIR
'use strict';
const fs = require('fs');
const path = require('path');
const assert = require('assert');
const { checks, testClock, client, startServer, database, wholeFeed, openByKeyholders } = require('./lib');

const [procura, sourceArg, work] = process.argv.slice(2);
const source = path.resolve(sourceArg);
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });
const { check, finish } = checks();

// The specification: [{kind, phase, readers: {public: 'H', ...}}].
const lines = fs.readFileSync(path.join(source, 'tests/records/audience.tsv'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
const header = lines[0].split('\t');
const spec = lines.slice(1).map((l) => {
  const cells = l.split('\t');
  const readers = {};
  header.slice(2).forEach((name, i) => { readers[name] = cells[i + 2]; });
  return { kind: cells[0], phase: cells[1], readers };
});

(async () => {
  const clock = testClock(work);
  const server = await startServer(procura, database(work, 'audience.db'), path.join(work, 'keys'), ['--demo', '--clock-file', clock.file]);
  const call = client(server.base);
  const login = async (user, password) => {
    const r = await call('POST', '/api/login', { body: { user, password } });
    assert.strictEqual(r.status, 200, `${user}: ${r.text}`);
    return r.json.token;
  };
  const office = await login('office', 'demo-office');
  // The panel's expert is X03, whose account is the demo's 'expert' (an organisation's first account).
  const accounts = { rival: ['enterprise', 'E02'], expert: ['expert', 'X01'], outsider: ['observer', 'NGO-9'] };
  for (const [id, [role, org]] of Object.entries(accounts)) {
    const r = await call('POST', '/api/users', { token: office, body: { id: `aud-${id}`, role, org, password: `pass-${id}-1` } });
    assert.strictEqual(r.status, 201, r.text);
  }
  const tokens = {
    public: undefined,
    office,
    auditor: await login('auditor', 'demo-auditor'),
    institution: await login('hospital', 'demo-hospital'),
    owner: await login('enterprise', 'demo-enterprise'),
    rival: await login('aud-rival', 'pass-rival-1'),
    panel: await login('expert', 'demo-expert'),
    expert: await login('aud-expert', 'pass-expert-1'),
    observer: await login('observer', 'demo-observer'),
    outsider: await login('aud-outsider', 'pass-outsider-1'),
    insurer: await login('insurer', 'demo-insurer'),
  };

  // One round in each phase, with a record of every kind its phase allows. `ids` gets, for each
  // phase, the id of the probed record of each kind.
  const ids = { draft: {}, bidding: {}, sealed: {}, opened: {}, awarded: {} };
  const hours = (h) => clock.at(h * 3600);
  const timelines = {
    draft: [10, 11, 12], bidding: [10, 11, 12], sealed: [1, 10, 12], opened: [1, 2, 10], awarded: [1, 2, 3],
  };
  const ok = (r, what) => { assert(r.status < 300, `${what}: ${r.status} ${r.text}`); return r.json; };
  const as = (who, method, url, body) => call(method, url, { token: tokens[who], body });

  await check('rounds are made in every phase with a record of every kind', async () => {
    for (const [phase, [deadline, opening, end]] of Object.entries(timelines)) {
      const R = `aud-${phase}`;
      const p = ids[phase];
      ok(await as('office', 'POST', '/api/rounds', { id: R, title: `Audience ${phase}`, currency: 'CNY', buyer: { id: 'ALLIANCE', name: 'Alliance' }, attributes: ['material'],
        profile: 'alliance-3n-iol-2020', timeline: { basePeriod: '2025', bidDeadline: hours(deadline), bidOpening: hours(opening), negotiationEnd: hours(end), contractStart: '2027-01-01' } }), R);
      const table = async (who, name, rows) => ok(await as(who, 'POST', `/api/rounds/${R}/${name}`, rows), `${R} ${name}`);
      await table('office', 'regions', [{ regionId: 'N' }]);
      await table('office', 'institutions', [{ institutionId: 'BJ-H1', regionId: 'N' }]);
      await table('office', 'enterprises', [{ enterpriseId: 'E01' }, { enterpriseId: 'E02' }, { enterpriseId: 'E03' }]);
      await table('office', 'products', [{ productId: 'P2', enterpriseId: 'E02', category: 'IOL', basic: ['acrylic'] }, { productId: 'P3', enterpriseId: 'E03', category: 'IOL', basic: ['acrylic'] }]);
      await table('owner', 'products', [{ productId: 'P1', enterpriseId: 'E01', category: 'IOL', basic: ['acrylic'] }, { productId: 'P5', enterpriseId: 'E01', category: 'IOL', basic: ['PMMA'] }]);
      await table('office', 'history', ['P1', 'P2', 'P3', 'P5'].map((productId) => ({ productId, regionId: 'N', price: '1000', quantity: 100 })));
      await table('office', 'ceilings', ['P1', 'P2', 'P3', 'P5'].map((productId) => ({ productId, maxPrice: '1000.00' })));
      await table('institution', 'demand', ['P1', 'P2', 'P3', 'P5'].map((productId) => ({ institutionId: 'BJ-H1', productId, quantity: 100 })));
      Object.assign(p, { round: R, region: `${R}/N`, institution: `${R}/BJ-H1`, enterprise: `${R}/E01`, product: `${R}/P1`,
        'history-line': `${R}/P1/N`, 'demand-line': `${R}/BJ-H1/P1`, ceiling: `${R}/P1` });
      if (phase === 'draft') continue;
      ok(await as('office', 'POST', `/api/rounds/${R}/publish`, { panelSize: 5 }), `${R} publish`);
      Object.assign(p, { keyholder: `${R}/office` });
      ok(await as('office', 'POST', `/api/rounds/${R}/observers`, { user: 'observer' }), `${R} observer`);
      const observation = ok(await as('observer', 'POST', `/api/rounds/${R}/observations`, { text: `The ${phase} round was published as announced.` }), `${R} observation`);
      const complaint = ok(await as('owner', 'POST', `/api/rounds/${R}/complaints`, { stage: 'rules', subject: 'A rule', grounds: 'The rules of this round do not say how ties are broken between equal bids.', rule: 'tie rule', remedy: 'Publish the tie rule' }), `${R} complaint`);
      // Withdraw the complaint's hold, so that the award goes on.
      ok(await as('office', 'POST', `/api/rounds/${R}/complaints/C1/answer`, { decision: 'dismissed', reasoning: 'Ties are broken by the time of the bid, as the profile says.' }), `${R} answer`);
      // A clarification question: published with its answer, who asked kept from the public.
      const question = ok(await as('owner', 'POST', `/api/rounds/${R}/questions`, { subject: 'Ties', question: 'How are ties between equal bids broken in this round?' }), `${R} question`);
      ok(await as('office', 'POST', `/api/rounds/${R}/questions/Q1/answer`, { answer: 'By the time of the bid, as the rule profile says.' }), `${R} answer to the question`);
      const bid = ok(await as('owner', 'POST', `/api/rounds/${R}/bids`, { productId: 'P1', price: '600' }), `${R} bid`);
      ok(await as('owner', 'POST', `/api/rounds/${R}/bids`, { productId: 'P1', price: '590' }), `${R} bid again`);
      ok(await as('rival', 'POST', `/api/rounds/${R}/bids`, { productId: 'P2', price: '700' }), `${R} rival bid`);
      Object.assign(p, { bid: bid.id, observer: `${R}/observer`, observation: observation.id, complaint: complaint.id, question: question.id });
    }
    // Panels are drawn after the deadline, before the opening.
    clock.advance(3600);
    for (const phase of ['sealed', 'opened', 'awarded']) {
      const R = `aud-${phase}`;
      const panel = ok(await as('office', 'POST', `/api/rounds/${R}/panel`, { passphrase: 'demo-office-keyholder' }), `${R} panel`);
      assert(panel.members.some((m) => m.id === 'X03') && !panel.members.some((m) => m.id === 'X01'), 'X03 on the panel, X01 excluded');
      ids[phase].panel = R;
    }
    clock.advance(3600);
    for (const phase of ['opened', 'awarded']) {
      const R = `aud-${phase}`;
      await openByKeyholders(call, R, tokens);
      ok(await as('panel', 'POST', `/api/rounds/${R}/access-prices`, { productId: 'P5', accessPrice: '800' }), `${R} access price`);
      ok(await as('owner', 'POST', `/api/rounds/${R}/offers`, { productId: 'P5', negotiationRound: 1, price: '790' }), `${R} offer`);
      ok(await as('observer', 'POST', `/api/rounds/${R}/observer-reports`, { opinion: 'compliant', summary: 'The opening followed the rules and every bid was checked.' }), `${R} report`);
      Object.assign(ids[phase], { 'access-price': `${R}/P5`, offer: `${R}/P5/1`, 'observer-report': `${R}/observer` });
    }
    clock.set(hours(3));
    ok(await as('office', 'POST', '/api/rounds/aud-awarded/award'), 'award');
    const releases = (await call('GET', '/api/ocds/releases.jsonl')).text.trim().split('\n').map(JSON.parse);
    ids.awarded.release = releases.find((r) => r.ocid.endsWith('aud-awarded')).id;
    ids['-'] = { 'keyholder-key': 'office', expert: 'X03', 'reference-price': (await call('GET', '/api/reference-prices')).json.items.map((x) => `${x.classificationScheme}/${x.classificationId}/${x.unit}/${x.currency}`)[0] };
    for (const [phase, round] of Object.entries({ draft: 'draft', bidding: 'bidding', sealed: 'sealed', opened: 'opened', awarded: 'awarded' }))
      assert.strictEqual((await call('GET', `/api/rounds/aud-${round}`)).json.phase, phase);
  });

  // What each reader gets, path by path.
  const feeds = {}, logs = {};
  for (const who of Object.keys(tokens)) feeds[who] = await wholeFeed(call, tokens[who]);
  for (const who of ['office', 'auditor']) logs[who] = (await as(who, 'GET', '/api/audit/log?limit=100000')).text.trim().split('\n').map(JSON.parse);
  const tables = { region: 'regions', institution: 'institutions', enterprise: 'enterprises', product: 'products', 'history-line': 'history',
    'demand-line': 'demand', ceiling: 'ceilings', 'access-price': 'access-prices', offer: 'offers' };
  const enc = encodeURIComponent;

  for (const row of spec) {
    await check(`${row.kind} in the ${row.phase === '-' ? 'platform' : `${row.phase} phase`}: every reader, every path`, async () => {
      const id = (ids[row.phase] || {})[row.kind] || (row.phase === '-' ? 'x' : undefined);
      assert(id, `no ${row.kind} was made in the ${row.phase} phase`);
      for (const [who, expected] of Object.entries(row.readers)) {
        const where = `${who} reading ${row.kind} ${id}`;
        const latest = await as(who, 'GET', `/api/objects/${row.kind}/${enc(id)}`);
        const revisions = await as(who, 'GET', `/api/objects/${row.kind}/${enc(id)}/revisions`);
        const inFeed = feeds[who].filter((x) => x.kind === row.kind && x.id === id);
        if (expected === '-') {
          assert([403, 404].includes(latest.status), `${where}: the record (${latest.status})`);
          assert([403, 404].includes(revisions.status), `${where}: its revisions (${revisions.status})`);
          assert.strictEqual(inFeed.length, 0, `${where}: the feed`);
        } else {
          assert.strictEqual(latest.status, 200, `${where}: the record: ${latest.text}`);
          assert.strictEqual(revisions.status, expected === 'H' ? 200 : 403, `${where}: its revisions`);
          assert.strictEqual('actor' in latest.json, expected === 'H', `${where}: who wrote it`);
          assert.strictEqual(inFeed.length > 0, expected === 'H', `${where}: the feed`);
          if (expected === 'H') {
            assert.strictEqual(inFeed.length, revisions.json.revisions.length, `${where}: every revision is in the feed`);
            assert.deepStrictEqual(inFeed.map((x) => x.hash), revisions.json.revisions.map((x) => x.hash));
          }
        }
        if (tables[row.kind]) {
          const list = await as(who, 'GET', `/api/rounds/${id.split('/')[0]}/${tables[row.kind]}`);
          const held = list.status === 200 && list.json.items.length > 0;
          assert.strictEqual(held, expected !== '-', `${where}: its table (${list.status})`);
        }
        if (logs[who]) {
          // The audit entries naming the record: shown whole to a reader of its history (one per
          // revision at least), withheld from the others (their entries name nothing).
          const naming = logs[who].filter((e) => e.records && e.records.some((r) => r.kind === row.kind && r.id === id));
          if (expected === 'H') {
            const hashes = new Set(revisions.json.revisions.map((x) => x.hash));
            const named = new Set(naming.flatMap((e) => e.records.map((r) => r.hash)));
            assert([...hashes].every((h) => named.has(h)), `${where}: an audit entry for every revision`);
          } else {
            assert.strictEqual(naming.length, 0, `${where}: the audit log names it`);
          }
        }
      }
    });
  }

  await check('the audit log: entries about records a reader may not see yet are withheld, and still verify', async () => {
    for (const who of ['office', 'auditor']) {
      const withheld = logs[who].filter((e) => e.withheld);
      assert(withheld.length > 0, 'the bids of the rounds not yet opened are withheld');
      for (const e of withheld) assert.deepStrictEqual(Object.keys(e).sort(), ['at', 'bodyHash', 'hash', 'prevHash', 'seq', 'withheld']);
    }
    for (const who of ['public', 'institution', 'owner', 'rival', 'panel', 'expert', 'observer', 'outsider', 'insurer'])
      assert([401, 403].includes((await as(who, 'GET', '/api/audit/log')).status), who);
  });

  await check('accounts, watchlists and sessions: only the account itself, never in the feed', async () => {
    for (const who of Object.keys(tokens).filter((w) => w !== 'public'))
      assert.strictEqual((await as(who, 'PUT', '/api/me/watchlist', { items: [`round:aud-${who}`] })).status, 200, who);
    for (const who of Object.keys(tokens).filter((w) => w !== 'public')) {
      const me = (await as(who, 'GET', '/api/me')).json;
      assert.deepStrictEqual(me.watchlist.items, [`round:aud-${who}`], `${who} reads only its own`);
      assert(!JSON.stringify(me).includes('password') && !JSON.stringify(me).includes('$argon2'), 'no password hash');
    }
    for (const who of Object.keys(tokens)) {
      const feed = await wholeFeed(call, tokens[who]);
      assert(!feed.some((x) => ['account', 'watchlist', 'session', 'audit-entry'].includes(x.kind)), `${who}: private records in the feed`);
      assert(!JSON.stringify(feed).includes('round:aud-'), `${who}: a watchlist in the feed`);
    }
  });

  await server.stop();
  finish();
})();
