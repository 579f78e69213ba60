// The portal in a real browser (Debian's Chromium driven by playwright-core): a citizen goes
// from the home page to a round, a product and a download; an enterprise bids and gets its
// receipt; an observer's observation is published; an institution uploads demand; the office
// assigns an observer; the language switch, watchlists, Atom feeds, search, accessibility, a
// phone's width, and bad input. Screenshots of the key pages are saved in WORK_DIR/screenshots.
// Usage: node portal_test.js PROCURA SOURCE_DIR WORK_DIR
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const assert = require('assert');
const { checks, client, startServer, database, testClock } = require('../server/lib');

const [procura, root, work] = process.argv.slice(2);
const { chromium } = require(path.resolve(root, 'tools', 'node_modules', 'playwright-core'));
fs.rmSync(work, { recursive: true, force: true });
const shots = path.join(work, 'screenshots');
fs.mkdirSync(shots, { recursive: true });
const { check, finish } = checks();

const { LAUNCH } = require('./browser');

(async () => {
  const clock = testClock(work);
  const server = await startServer(procura, database(work, 'portal.db'), path.join(work, 'keys'), ['--demo', '--clock-file', clock.file]);
  const call = client(server.base);
  const browser = await chromium.launch(LAUNCH);
  // Every request the pages make must stay on the server itself (the portal needs no network).
  const offsite = [];
  const newPage = async (options = {}) => {
    const context = await browser.newContext({ baseURL: server.base, acceptDownloads: true, ...options });
    const page = await context.newPage();
    page.on('request', (r) => { if (!r.url().startsWith(server.base) && !r.url().startsWith('data:')) offsite.push(r.url()); });
    page.on('pageerror', (e) => offsite.push(`script error: ${e.message}`));
    return page;
  };
  const shot = (page, name) => page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
  const signIn = async (page, user, password = `demo-${user}`) => {
    await page.goto('/login');
    await page.getByLabel('User name').fill(user);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/workspace');
  };
  const auditSeq = async () => (await call('GET', '/api/audit/head')).json.seq;

  await check('a citizen goes from the home page to a round, a product and a download', async () => {
    const page = await newPage();
    await page.goto('/');
    assert.strictEqual(await page.locator('h1').innerText(), 'Joint purchasing of medicines and medical consumables');
    await page.waitForSelector('.chart[data-drawn="true"]');  // the bundled chart library drew
    assert.match(await page.locator('[data-figure="savings"]').first().innerText(), /^CN¥155,032,025\.12$/);
    await shot(page, 'home');
    await page.getByRole('link', { name: /intraocular lenses/ }).first().click();
    await page.waitForURL('**/rounds/3n-iol-2020');
    assert.ok((await page.locator('.rules li').count()) >= 6, 'the rules are explained');
    assert.strictEqual(await page.locator('.follow a.atom').getAttribute('href'), '/atom/rounds/3n-iol-2020');
    assert.match(await page.locator('.rules').innerText(), /at least 3 enterprises compete/);
    assert.strictEqual(await page.locator('#groups-h').count(), 1);
    assert.match(await page.locator('#failed-h + ul').innerText(), /G005: no valid bid; the group failed/);
    await shot(page, 'round');
    // Every winner and price in one table, and as one CSV file.
    await page.getByRole('link', { name: 'Every winner and price in one table' }).click();
    await page.waitForURL('**/rounds/3n-iol-2020/winners');
    assert.match(await page.locator('tr[data-product="IOL-041"]').innerText(), /Enterprise 06 Medical Co\.\s+G003\s+Competitive bidding\s+CN¥1,707\.00\s+CN¥658\.13 per piece\s+61\.45%\s+3,117\s+Beijing/);
    await shot(page, 'winners');
    const [winnersCsv] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download the table (CSV)' }).click()]);
    const lines = fs.readFileSync(await winnersCsv.path(), 'utf8').trim().split('\r\n');
    const head = lines[0].split(',');
    const rows = lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [head[i], v])));
    const results = (await call('GET', '/api/rounds/3n-iol-2020/results')).json;
    assert.strictEqual(rows.length, results.awards.length);
    // Each decrease is (before - after) / before, computed here again, and every awarded volume
    // goes somewhere.
    for (const r of rows) {
      const expected = (1 - Number(r.price_after) / Number(r.price_before)) * 100;
      assert(Math.abs(Number(r.decrease_percent) - expected) <= 0.0051, `${r.product_id}: ${r.decrease_percent} against ${expected}`);
      if (Number(r.agreed_volume) > 0) assert(r.regions.length > 0, `${r.product_id} supplies no region`);
    }
    assert.strictEqual(rows.reduce((t, r) => t + Number(r.agreed_volume), 0), results.awards.reduce((t, a) => t + a.volume, 0));
    await page.goBack();
    await page.getByRole('link', { name: 'G003', exact: true }).click();
    await page.waitForURL('**/groups/G003');
    const winner = page.locator('tr.won', { hasText: 'IOL-041' });
    assert.match(await winner.innerText(), /CN¥658\.13/);
    assert.match(await winner.innerText(), /61\.45%/);
    await shot(page, 'group');
    await winner.getByRole('link', { name: 'IOL-041' }).click();
    await page.waitForURL('**/products/IOL-041');
    assert.strictEqual(await page.locator('[data-unit]').innerText(), 'per piece');
    assert.strictEqual(await page.locator('[data-figure="mpr"]').innerText(), '0.73');  // 658.13 / 900.00
    await page.waitForSelector('.chart[data-drawn="true"]');
    await shot(page, 'product');
    await page.getByRole('link', { name: 'Open data' }).first().click();
    await page.waitForURL('**/data');
    await shot(page, 'data');
    const [download] = await Promise.all([page.waitForEvent('download'),
      page.locator('a[href="/api/rounds/3n-iol-2020/ocds/records"]').click()]);
    const records = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
    assert.strictEqual(records.records[0].ocid, 'ocds-procura-3n-iol-2020');
    const [xlsx] = await Promise.all([page.waitForEvent('download'),
      page.getByRole('link', { name: 'XLSX' }).first().click()]);
    assert.strictEqual(fs.readFileSync(await xlsx.path()).subarray(0, 2).toString(), 'PK');  // a zip
    // The open data page says how to verify a round, and each round's open data downloads.
    assert.match(await page.locator('#verify-h + p').innerText(), /recomputes it/);
    assert.match(await page.locator('section[aria-labelledby="verify-h"] pre').first().innerText(), /procura round verify open-data\.json/);
    const [openData] = await Promise.all([page.waitForEvent('download'),
      page.locator('a[href="/api/rounds/3n-iol-2020/open-data"]').click()]);
    const verified = spawnSync(procura, ['round', 'verify', await openData.path()], { encoding: 'utf8', maxBuffer: 1 << 28 });
    assert.strictEqual(verified.status, 0, verified.stdout + verified.stderr);
    const csv = await call('GET', '/data/rounds/3n-iol-2020/csv/awards.csv');
    assert.strictEqual(csv.status, 200);
    assert.match(csv.text.split('\n')[0], /^ocid,id,awards\/0\/date,awards\/0\/id,/);
    await page.context().close();
  });

  await check('the language switch changes every label, number and date, and is remembered', async () => {
    const page = await newPage({ timezoneId: 'UTC' });
    await page.goto('/rounds/3n-iol-2020');
    await page.getByRole('link', { name: 'Монгол' }).click();
    await page.waitForURL('**lang=mn');
    assert.strictEqual(await page.locator('html').getAttribute('lang'), 'mn');
    assert.strictEqual(await page.locator('#rules-h').innerText(), 'Дүрэм энгийн үгээр');
    await shot(page, 'round-mn');
    await page.goto('/');  // the choice is kept in a cookie
    assert.strictEqual(await page.locator('h1').innerText(), 'Эм, эмнэлгийн хэрэгслийн хамтарсан худалдан авалт');
    await page.getByRole('link', { name: 'Español' }).click();
    assert.strictEqual(await page.locator('[data-figure="savings"]').first().innerText(), '155.032.025,12\u00a0CNY');
    await page.goto('/rounds/3n-iol-2020');
    // Dates in the visitor's zone (this browser's is UTC) and language; the page's UTC text in the title.
    assert.match(await page.locator('.timeline').innerText(), /15 jun 2020, 9:00 UTC/);
    assert.strictEqual(await page.locator('.timeline time', { hasText: '15 jun 2020' }).first().getAttribute('title'), '15 jun 2020 09:00 UTC');
    await page.getByRole('link', { name: '中文' }).click();
    assert.strictEqual(await page.locator('#rules-h').innerText(), '规则说明');
    const api = await call('GET', '/', { headers: { 'Accept-Language': 'mn-MN,mn;q=0.9' } });
    assert.match(api.text, /<html lang="mn">/);
    await page.context().close();
  });

  await check('an enterprise submits a bid, sees the refusal next to the field, then its receipt, and withdraws', async () => {
    const page = await newPage();
    await signIn(page, 'enterprise');
    const form = page.locator('#round-3n-iol-2021 form', { hasText: 'Submit sealed bid' });
    await form.getByLabel('Product').selectOption('IOL-001');
    await form.getByLabel('Unit price').fill('12,50');
    const before = await auditSeq();
    await form.getByRole('button', { name: 'Submit sealed bid' }).click();
    const error = page.locator('#f-3n-iol-2021-bid-price-error');
    assert.match(await error.innerText(), /positive decimal/);
    assert.strictEqual(await page.getByLabel('Unit price').getAttribute('aria-invalid'), 'true');
    assert.strictEqual(await page.getByLabel('Unit price').inputValue(), '12,50', 'what was typed is kept');
    assert.strictEqual(await auditSeq(), before, 'a refused bid changes nothing');
    await shot(page, 'workspace-enterprise-error');
    // The ceiling is shown with the product (IOL-001's is 1,900.00 in the round's ceilings.csv);
    // a price above it, or with more decimals than cents, is held for the bidder to confirm.
    assert.match(await page.locator('#f-3n-iol-2021-bid-product option[value="IOL-001"]').innerText(), /IOL-001 · .* · ceiling CN¥1,900\.00 per piece/);
    await page.getByLabel('Unit price (CNY)').fill('2000');
    await page.getByRole('button', { name: 'Submit sealed bid' }).click();
    assert.match(await page.locator('#f-3n-iol-2021-bid-price-error').innerText(), /CN¥2,000\.00 is above this product's ceiling of CN¥1,900\.00/);
    assert.strictEqual(await auditSeq(), before, 'a bid held for confirmation is not submitted');
    await page.getByLabel('Unit price (CNY)').fill('1234.567');
    await page.getByRole('button', { name: 'Submit sealed bid' }).click();
    assert.match(await page.locator('#f-3n-iol-2021-bid-price-error').innerText(), /1234\.567 has more decimals than the currency's cents/);
    assert.strictEqual(await page.getByLabel('Unit price (CNY)').inputValue(), '1234.567');
    assert.strictEqual(await auditSeq(), before);
    await page.getByLabel('I have checked the price').check();
    await page.getByRole('button', { name: 'Submit sealed bid' }).click();
    await page.waitForURL('**/workspace/receipt');
    assert.match(await page.locator('main').innerText(), /1234\.567/);
    const commitment = await page.locator('[data-receipt="commitment"]').innerText();
    assert.match(commitment, /^[0-9a-f]{64}$/);
    assert.match(await page.locator('[data-receipt="nonce"]').innerText(), /^[0-9a-f]{64}$/);
    await shot(page, 'receipt');
    // Post, then redirect: reloading the receipt shows it again and submits nothing.
    const submitted = await auditSeq();
    await page.reload();
    assert.strictEqual(await page.locator('[data-receipt="commitment"]').innerText(), commitment);
    assert.strictEqual(await auditSeq(), submitted, 'a reload submits no bid');
    // Until the deadline the bid is its enterprise's alone: the public lists none.
    const enterpriseToken = (await call('POST', '/api/login', { body: { user: 'enterprise', password: 'demo-enterprise' } })).json.token;
    const ownBids = async () => (await call('GET', '/api/rounds/3n-iol-2021/my-bids', { token: enterpriseToken })).json.items;
    assert.strictEqual((await call('GET', '/api/rounds/3n-iol-2021/bids')).json.error.code, 'sealed');
    const published = (await ownBids()).find((b) => b.commitment === commitment);
    assert.ok(published, 'its enterprise reads the commitment at once');
    assert.strictEqual(published.price, undefined, 'and not the price');
    await page.goto('/workspace');
    const row = page.locator('tr', { hasText: commitment });
    await row.getByRole('button', { name: 'Withdraw' }).click();
    await page.waitForURL('**done=withdraw**');
    assert.match(await page.locator('[role=status]').first().innerText(), /withdrawn/);
    const after = (await ownBids()).find((b) => b.commitment === commitment);
    assert.strictEqual(after.status, 'withdrawn');
    // The receipt (its price and nonce) is its account's: another account signed in on this
    // browser, or given the cookie, does not see it.
    const receiptCookie = (await page.context().cookies()).find((x) => x.name === 'procura_receipt');
    assert.ok(receiptCookie, 'the receipt is kept for its page');
    const office = (await call('POST', '/api/login', { body: { user: 'office', password: 'demo-office' } })).json.token;
    const stolen = await fetch(server.base + '/workspace/receipt', { headers: { Cookie: `procura_session=${office}; procura_receipt=${receiptCookie.value}` } });
    assert.strictEqual(stolen.status, 404);
    assert(!(await stolen.text()).includes(commitment));
    await signIn(page, 'office');
    assert(!(await page.context().cookies()).some((x) => x.name === 'procura_receipt'), 'signing in drops a receipt');
    await page.context().close();
  });

  await check('the tender notice of an open round: lots, ceilings, documents against b2sum, bids so far, a countdown in the visitor\'s time', async () => {
    // A visitor in Shanghai (UTC+8) reads the open 2021 round.
    const page = await newPage({ timezoneId: 'Asia/Shanghai' });
    await page.goto('/rounds/3n-iol-2021');
    const notice = page.locator('section#notice');
    // The bid of the check before was withdrawn: none is in, one withdrawn.
    assert.strictEqual(await notice.locator('[data-figure="bids-received"]').innerText(), '0');
    assert.match(await notice.innerText(), /0 bids have come in so far \(1 withdrawn\)/);
    // The deadline is 30 days after the demo started (2,592,000 s on the server's clock); the
    // countdown runs on the server's clock, not the browser's.
    const left = Number(await notice.locator('[data-countdown]').getAttribute('data-left'));
    assert(left > 2592000 - 10 && left <= 2592000, `seconds left: ${left}`);
    assert.match(await notice.locator('[data-countdown]').innerText(), /^(29 days 23:59:5\d|30 days 00:00:00)$/);
    // Shown in the visitor's zone, 16:00 in Shanghai for 08:00 UTC, the UTC time in its title.
    const deadline = notice.locator('time[data-local-time]');
    assert.match(await deadline.innerText(), /Jul 1, 2026, 4:00\s?PM GMT\+8/);
    assert.strictEqual(await deadline.getAttribute('title'), '1 Jul 2026 08:00 UTC');
    // The ceilings are those of the round's published table (the example folder it came from).
    const ceilings = Object.fromEntries(fs.readFileSync(path.join(root, 'examples/iol-3n-2020/ceilings.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')));
    const fmt = (v) => `CN¥${Number(v).toLocaleString('en-US', { minimumFractionDigits: 2 })}`;
    for (const product of ['IOL-039', 'IOL-079'])
      assert.strictEqual((await notice.locator(`[data-ceiling="${product}"]`).innerText()).split(' ')[0], fmt(ceilings[product]), product);
    assert.match(await notice.locator('tr.group-row').first().innerText(), /G001 · Negotiation\s+IOL · optic material: PMMA · design: one-piece · optic: aspheric/);
    // Each document downloads, and b2sum agrees with the hash the notice publishes.
    const rows = notice.locator('tbody tr', { has: page.locator('a[download]') });
    assert.strictEqual(await rows.count(), 7);
    for (let i = 0; i < 7; ++i) {
      const row = rows.nth(i);
      const [download] = await Promise.all([page.waitForEvent('download'), row.locator('a[download]').click()]);
      const file = await download.path();
      const sum = spawnSync('b2sum', ['-l', '256', file], { encoding: 'utf8' }).stdout.split(' ')[0];
      assert.strictEqual(await row.locator('td.mono').innerText(), sum, await row.innerText());
      if (download.suggestedFilename() === '3n-iol-2021-ceilings.csv') {
        const lines = fs.readFileSync(file, 'utf8').trim().split('\r\n');
        assert.strictEqual(lines[0], 'product_id,max_price');
        assert.deepStrictEqual(Object.fromEntries(lines.slice(1).map((l) => l.split(','))), ceilings);
      }
    }
    await shot(page, 'round-notice');
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, 'round-notice-phone');
    await page.context().close();
  });

  await check('an enterprise asks a clarification question, the office answers it, both are published without the asker', async () => {
    const page = await newPage();
    await signIn(page, 'enterprise');
    const form = page.locator('#round-3n-iol-2021 form', { hasText: 'Ask a clarification question' });
    await form.getByLabel('Subject').fill('Toric');
    await form.getByLabel('Group (optional, e.g. G001)').fill('G999');
    await form.getByLabel('Your question').fill('Toric?');
    const before = await auditSeq();
    await form.getByRole('button', { name: 'Ask' }).click();
    assert.match(await page.locator('[id="f-3n-iol-2021-q-group-error"]').innerText(), /no group 'G999'/);
    assert.match(await page.locator('[id="f-3n-iol-2021-q-text-error"]').innerText(), /at least 20 characters/);
    assert.strictEqual(await auditSeq(), before, 'a refused question changes nothing');
    const question = 'Are toric lenses of the same material and design in a group of their own?';
    await page.getByLabel('Group (optional, e.g. G001)').fill('G001');
    await page.getByLabel('Your question').fill(question);
    await page.getByRole('button', { name: 'Ask' }).click();
    await page.waitForURL('**done=question**');
    const citizen = await newPage();
    await citizen.goto('/rounds/3n-iol-2021');
    const qa = citizen.locator('section#questions');
    assert.match(await qa.innerText(), new RegExp(`Toric · Group G001\\s+${question.replace('?', '\\?')}`));
    assert.match(await qa.innerText(), /answer due/);
    // Who asked is the asker's: not on the page, not in the record the public reads.
    assert(!/enterprise|E01|Enterprise 01/.test(await qa.innerText()), 'the asker is not named');
    const record = (await call('GET', '/api/objects/question/3n-iol-2021%2FQ1')).json;
    assert.strictEqual(record.actor, undefined);
    assert(!JSON.stringify(record).includes('enterprise'));
    // The office answers in its workspace.
    const office = await newPage();
    await signIn(office, 'office');
    const answer = office.locator('form#answer-3n-iol-2021-Q1');
    assert.match(await answer.innerText(), /Toric/);
    await answer.getByLabel('The answer, published for everyone').fill('Yes.');
    await answer.getByRole('button', { name: 'Publish the answer' }).click();
    assert.match(await office.locator('form#answer-3n-iol-2021-Q1 .field-error').innerText(), /at least 20 characters/);
    await office.locator('form#answer-3n-iol-2021-Q1').getByLabel('The answer, published for everyone').fill('Yes: toric is an additional attribute, so such lenses form a group of their own.');
    await office.locator('form#answer-3n-iol-2021-Q1').getByRole('button', { name: 'Publish the answer' }).click();
    await office.waitForURL('**done=answer**');
    assert.strictEqual(await office.locator('form#answer-3n-iol-2021-Q1').count(), 0, 'an answered question has no form');
    await citizen.reload();
    assert.match(await citizen.locator('section#questions blockquote').innerText(), /toric is an additional attribute[\s\S]*Answered/);
    await shot(citizen, 'round-questions');
    for (const p of [page, citizen, office]) await p.context().close();
  });

  await check('an enterprise files a complaint in its workspace and tracks it; the office answers; the complaints page tells it all, in every language', async () => {
    const page = await newPage();
    await signIn(page, 'enterprise');
    const form = page.locator('#round-3n-iol-2021 form', { hasText: 'File a complaint' });
    // Only the stage open to a challenge is offered: the rules, published at the demo's start.
    assert.deepStrictEqual(await form.locator('select[name=stage] option').allInnerTexts(), ['The rules (publication) (until 11 Jun 2026 08:00 UTC)']);
    await form.getByLabel('Subject').fill('Tie-breaks');
    await form.getByLabel('The facts, and why they break the rule').fill('Unfair.');
    const before = await auditSeq();
    await form.getByRole('button', { name: 'File the complaint' }).click();
    const at = page.locator('#round-3n-iol-2021');
    assert.match(await at.locator('[id="f-3n-iol-2021-c-grounds-error"]').innerText(), /at least 40 characters/);
    assert.match(await at.locator('[id="f-3n-iol-2021-c-rule-error"]').innerText(), /name the rule/);
    assert.match(await at.locator('[id="f-3n-iol-2021-c-remedy-error"]').innerText(), /what you ask/);
    assert.strictEqual(await auditSeq(), before, 'a refused complaint changes nothing');
    await at.getByLabel('The facts, and why they break the rule').fill('The rules do not say how a tie between two equal lowest bids is broken.');
    await at.getByLabel('The rule, clause or document broken').fill('Rule profile, ranking');
    await at.getByLabel('What you ask the office to do').fill('Publish the tie-break rule before the deadline');
    await at.getByRole('button', { name: 'File the complaint' }).click();
    await page.waitForURL('**done=complaint**');
    const mine = page.locator('.my-complaint[data-complaint="C1"]');
    assert.match(await mine.innerText(), /C1 · Tie-breaks · Pending · Answer due 8 Jun 2026 08:00 UTC/);
    // Anyone reads it in full, with the windows of each stage.
    const citizen = await newPage();
    await citizen.goto('/rounds/3n-iol-2021');
    await citizen.getByRole('link', { name: 'Every complaint with its grounds, dates and answer' }).click();
    await citizen.waitForURL('**/rounds/3n-iol-2021/complaints');
    const c1 = citizen.locator('#complaint-C1');
    assert.match(await c1.innerText(), /The rules \(publication\)[\s\S]*Enterprise E01[\s\S]*1 Jun 2026 08:00 UTC[\s\S]*8 Jun 2026 08:00 UTC[\s\S]*tie between two equal lowest bids/);
    assert.match(await citizen.locator('[data-window="rules"]').innerText(), /1 Jun 2026 08:00 UTC – 11 Jun 2026 08:00 UTC · open now/);
    assert.match(await citizen.locator('[data-window="opening"]').innerText(), /not published yet/);
    // The office answers in its workspace; a decision without reasons is refused at the field.
    const office = await newPage();
    await signIn(office, 'office');
    const answer = () => office.locator('form#complaint-answer-3n-iol-2021-C1');
    await answer().getByLabel('Decision', { exact: true }).selectOption('dismissed');
    await answer().getByRole('button', { name: 'Publish the decision' }).click();
    assert.ok(await answer().locator('.field-error').count() > 0, 'reasons are needed');
    await answer().getByLabel('Decision', { exact: true }).selectOption('dismissed');
    await answer().getByLabel('Reasons, published with the decision').fill('Ties are broken by the time of the bid, as the rule profile says in its ranking section.');
    await answer().getByRole('button', { name: 'Publish the decision' }).click();
    await office.waitForURL('**done=complaint_answer**');
    await citizen.reload();
    assert.match(await citizen.locator('#complaint-C1 blockquote').innerText(), /Answer: Dismissed[\s\S]*time of the bid/);
    await shot(citizen, 'complaints');
    await page.goto('/workspace');
    assert.match(await page.locator('.my-complaint[data-complaint="C1"]').innerText(), /Dismissed: Ties are broken/);
    // In every language, stages and statuses are the language's own.
    for (const [lang, stage, status] of [['zh', '规则（公告）', '驳回'], ['es', 'Las reglas (publicación)', 'Desestimada'], ['mn', 'Дүрэм (нийтлэл)', '']]) {
      const r = await call('GET', `/rounds/3n-iol-2021/complaints?lang=${lang}`);
      assert(r.text.includes(stage), `${lang}: ${stage}`);
      if (status) assert(r.text.includes(status), `${lang}: ${status}`);
    }
    for (const p of [page, citizen, office]) await p.context().close();
  });

  await check('anyone changes its password in the workspace; its other sessions end, the old password no longer opens', async () => {
    const office = (await call('POST', '/api/login', { body: { user: 'office', password: 'demo-office' } })).json.token;
    assert.strictEqual((await call('POST', '/api/users', { token: office, body: { id: 'pw-observer', role: 'observer', org: 'NGO-7', password: 'first-pass-1' } })).status, 201);
    const elsewhere = await newPage();
    await signIn(elsewhere, 'pw-observer', 'first-pass-1');
    const page = await newPage();
    await signIn(page, 'pw-observer', 'first-pass-1');
    const form = page.locator('section#password form');
    const fill = async (current, next, again) => {
      await form.getByLabel('Current password').fill(current);
      await form.getByLabel('New password (at least 8 characters)').fill(next);
      await form.getByLabel('New password again').fill(again);
      await form.getByRole('button', { name: 'Change password' }).click();
    };
    await fill('wrong-pass-1', 'second-pass-2', 'second-pass-2');
    assert.match(await page.locator('#pw-current-error').innerText(), /current password is wrong/);
    assert.strictEqual(await page.locator('#pw-current').inputValue(), '', 'a password is never written back');
    await fill('first-pass-1', 'second-pass-2', 'second-pass-3');
    assert.match(await page.locator('#pw-confirm-error').innerText(), /differ/);
    // A short one the browser holds back; the API refuses it too.
    await fill('first-pass-1', 'short', 'short');
    assert(await page.locator('#pw-new').evaluate((e) => e.validity.tooShort), 'the browser holds a short password back');
    const token = (await call('POST', '/api/login', { body: { user: 'pw-observer', password: 'first-pass-1' } })).json.token;
    const short = await call('POST', '/api/me/password', { token, body: { currentPassword: 'first-pass-1', newPassword: 'short' } });
    assert.strictEqual(short.status, 422);
    assert.strictEqual(short.json.error.field, 'newPassword');
    await fill('first-pass-1', 'second-pass-2', 'second-pass-2');
    await page.waitForURL('**done=password**');
    assert.match(await page.locator('[role=status]').innerText(), /password is changed/);
    // This session goes on; the other browser's has ended.
    await page.goto('/workspace');
    assert(page.url().endsWith('/workspace'));
    await elsewhere.goto('/workspace');
    assert.match(elsewhere.url(), /\/login\?next=/);
    assert.strictEqual((await call('POST', '/api/login', { body: { user: 'pw-observer', password: 'first-pass-1' } })).status, 401);
    assert.strictEqual((await call('POST', '/api/login', { body: { user: 'pw-observer', password: 'second-pass-2' } })).status, 200);
    // Without a session the route is refused.
    assert.strictEqual((await call('POST', '/api/me/password', { body: { currentPassword: 'second-pass-2', newPassword: 'third-pass-3' } })).status, 401);
    for (const p of [page, elsewhere]) await p.context().close();
  });

  await check('an enterprise declares a product in a draft round; a missing field is named next to it', async () => {
    const page = await newPage();
    await signIn(page, 'enterprise');
    const form = () => page.locator('#round-3n-iol-2022 form', { hasText: 'Declare a product' });
    await form().getByLabel('Product id').fill('IOL-900');
    await form().getByLabel('Name', { exact: true }).fill('Intraocular lens 900');
    await form().getByLabel('Basic attributes in this order, separated by ;: optic material; design; optic').fill('hydrophobic acrylic;one-piece;aspheric');
    await form().getByLabel('Registration valid until').fill('2030-12-31');
    await form().getByRole('button', { name: 'Declare a product' }).click();
    assert.ok(await page.locator('#f-3n-iol-2022-product-category-error').isVisible(), 'the missing category is named at its field');
    assert.strictEqual(await form().getByLabel('Product id').inputValue(), 'IOL-900');
    await form().getByLabel('Category').fill('IOL');
    await form().getByRole('button', { name: 'Declare a product' }).click();
    await page.waitForURL('**done=product**');
    const product = await call('GET', '/products/IOL-900');
    assert.strictEqual(product.status, 200);
    assert.match(product.text, /Intraocular lens 900/);
    await page.context().close();
    const expert = await newPage();
    await signIn(expert, 'expert');
    await expert.goto('/workspace');
    assert.strictEqual(await expert.locator('#round-3n-iol-2021').count(), 0, 'no panel, so nothing to do, before the deadline');
    await expert.context().close();
  });

  await check('an observer files an observation and sees it published', async () => {
    const page = await newPage();
    await signIn(page, 'observer');
    const form = () => page.locator('#round-3n-iol-2020 form', { hasText: 'File an observation' });
    // Only stages that have happened are offered: the 2021 round is still open for bids.
    assert.deepStrictEqual(await page.locator('#f-3n-iol-2021-obs-stage option').allInnerTexts(), ['The round as a whole', 'Publication']);
    assert.deepStrictEqual(await page.locator('#f-3n-iol-2020-obs-stage option').allInnerTexts(),
      ['The round as a whole', 'Publication', 'The bid deadline', 'The opening', 'The evaluation', 'The award']);
    // The API refuses a stage to come, whatever the form offers.
    const observer = (await call('POST', '/api/login', { body: { user: 'observer', password: 'demo-observer' } })).json.token;
    const early = await call('POST', '/api/rounds/3n-iol-2021/observations', { token: observer, body: { text: 'The opening went well, every bid checked.', stage: 'opening' } });
    assert.strictEqual(early.status, 422);
    assert.match(early.json.error.message, /opening stage has not happened yet/);
    // Filing shows the observation first, as it will be published; only the confirmation files it.
    await form().getByLabel('What you observed').fill('too short');
    await form().getByRole('button', { name: 'File' }).click();
    const before = await auditSeq();
    assert.match(await form().locator('[data-preview]').innerText(), /can never be changed[\s\S]*too short/);
    await form().getByLabel('Publish it as it is').check();
    await form().getByRole('button', { name: 'File' }).click();
    assert.match(await page.locator('#f-3n-iol-2020-obs-text-error').innerText(), /at least 10 characters/);
    assert.strictEqual(await auditSeq(), before, 'nothing filed');
    const text = `The opening was public and every commitment checked out (${Date.now()}).`;
    await page.locator('#f-3n-iol-2020-obs-text').fill(text);
    await form().getByLabel('Stage').selectOption('opening');
    await form().getByRole('button', { name: 'File' }).click();
    assert.strictEqual(await auditSeq(), before, 'a preview files nothing');
    assert.match(await form().locator('[data-preview]').innerText(), new RegExp(text.replace(/[().]/g, '\\$&')));
    assert.strictEqual(await form().getByLabel('Stage').inputValue(), 'opening', 'the stage is kept');
    await form().getByLabel('Publish it as it is').check();
    await form().getByRole('button', { name: 'File' }).click();
    await page.waitForURL('**done=observation**');
    assert.ok((await page.locator('#round-3n-iol-2020 details table tbody tr').count()) > 0, 'the evaluation record is shown');
    await shot(page, 'workspace-observer');
    const citizen = await newPage();
    await citizen.goto('/rounds/3n-iol-2020');
    assert.match(await citizen.locator('#observations-section').innerText(), new RegExp(text.replace(/[().]/g, '\\$&')));
    await citizen.goto('/observers');
    assert.match(await citizen.locator('main').innerText(), /every commitment checked out/);
    const atom = await call('GET', '/atom/observations');
    assert.match(atom.headers.get('content-type'), /application\/atom\+xml/);
    assert.ok(atom.text.includes('every commitment checked out'));
    await citizen.context().close();
    await page.context().close();
  });

  await check('an institution uploads its demand as a CSV file and it appears on its public page', async () => {
    const page = await newPage();
    await signIn(page, 'hospital');
    const csv = path.join(work, 'demand.csv');
    fs.writeFileSync(csv, 'product_id,quantity\nIOL-002,77\n');
    const form = page.locator('#round-3n-iol-2022 form[data-csv-upload]');
    await form.locator('input[type=file]').setInputFiles(csv);
    await page.waitForFunction(() => document.querySelector('#round-3n-iol-2022 textarea[name=csv]').value.includes('IOL-002'));
    await form.getByRole('button', { name: 'Upload' }).click();
    await page.waitForURL('**/workspace**');
    assert.match(await page.locator('main').innerText(), /Your demand file is recorded|more than twice/);
    // A file with a bad line is refused with its line and nothing is stored.
    fs.writeFileSync(csv, 'product_id,quantity\nIOL-002,lots\n');
    await page.locator('#round-3n-iol-2022 form[data-csv-upload] input[type=file]').setInputFiles(csv);
    await page.waitForFunction(() => document.querySelector('#round-3n-iol-2022 textarea[name=csv]').value.includes('lots'));
    const before = await auditSeq();
    await page.locator('#round-3n-iol-2022 form[data-csv-upload]').getByRole('button', { name: 'Upload' }).click();
    assert.match(await page.locator('#f-3n-iol-2022-csv-error').innerText(), /quantity/);
    assert.strictEqual(await auditSeq(), before);
    await shot(page, 'workspace-institution');
    await page.goto('/institutions/BJ-H1');
    const line = page.locator('section:has(a[href="/rounds/3n-iol-2022"])').locator('tr', { hasText: 'IOL-002' });
    assert.match(await line.innerText(), /77/);
    await shot(page, 'institution');
    await page.context().close();
  });

  await check('the office assigns an observer from its workspace; an unknown user is refused at the field', async () => {
    const page = await newPage();
    await signIn(page, 'office');
    const form = page.locator('#round-3n-iol-2022 form', { hasText: 'Assign an observer' });
    await form.getByLabel("Observer's user name").fill('nobody');
    await form.getByRole('button', { name: 'Assign' }).click();
    assert.ok(await page.locator('#round-3n-iol-2022 .field-error').count() > 0);
    await page.locator('#f-3n-iol-2022-observer-user').fill('observer');
    await page.locator('#round-3n-iol-2022 form', { hasText: 'Assign an observer' }).getByRole('button', { name: 'Assign' }).click();
    await page.waitForURL('**done=observer**');
    const observers = (await call('GET', '/api/rounds/3n-iol-2022/observers')).json.items;
    assert.ok(observers.some((o) => o.user === 'observer'));
    await shot(page, 'workspace-office');
    // The reference price list, uploaded as a CSV file: a bad file is refused at the field.
    const refs = path.join(work, 'refs.csv');
    const header = 'classification_scheme,classification_id,unit,price,currency,source,sources\n';
    fs.writeFileSync(refs, `${header}GMDN,35658,piece,a lot,CNY,Test list,4\n`);
    const upload = async () => {
      await page.locator('#reference-prices input[type=file]').setInputFiles(refs);
      await page.waitForFunction(() => document.querySelector('#refs-csv-text').value.includes('Test list'));
      await page.locator('#reference-prices').getByRole('button', { name: 'Upload' }).click();
    };
    await upload();
    assert.match(await page.locator('#refs-csv-error').innerText(), /price/);
    fs.writeFileSync(refs, `${header}GMDN,35658,piece,1000.00,CNY,Test list,4\n`);
    await upload();
    await page.waitForURL('**done=reference-prices**');
    const product = (await call('GET', '/products/IOL-041')).text;
    assert.strictEqual(/data-figure="mpr">([^<]+)</.exec(product)[1], '0.66', '658.13 / 1000.00');
    // The office moves the draft round on: published for bidding.
    // It cannot be undone: without the confirmation ticked nothing changes.
    const drafted = await auditSeq();
    await page.locator('#round-3n-iol-2022').getByRole('button', { name: 'Publish for bidding' }).click();
    assert.match(await page.locator('#round-3n-iol-2022 [role=alert]').innerText(), /Tick the confirmation first: nothing was changed/);
    assert.strictEqual((await call('GET', '/api/rounds/3n-iol-2022')).json.phase, 'draft');
    assert.strictEqual(await auditSeq(), drafted);
    await page.locator('#round-3n-iol-2022').getByLabel('I confirm: this cannot be undone').check();
    await page.locator('#round-3n-iol-2022').getByRole('button', { name: 'Publish for bidding' }).click();
    await page.waitForURL('**done=publish**');
    assert.strictEqual((await call('GET', '/api/rounds/3n-iol-2022')).json.phase, 'bidding');
    assert.match(await page.locator('#ws-3n-iol-2022').innerText(), /Open for bids/);
    await page.context().close();
  });

  await check('the office opens and awards a round from its workspace; a panel expert sets an access price', async () => {
    const office = (await call('POST', '/api/login', { body: { user: 'office', password: 'demo-office' } })).json.token;
    const enterprise = (await call('POST', '/api/login', { body: { user: 'enterprise', password: 'demo-enterprise' } })).json.token;
    const R = 'portal1';
    const round = { id: R, title: 'Portal test round', currency: 'CNY', buyer: { id: 'ALLIANCE', name: 'Alliance' }, attributes: ['material'],
      profile: 'alliance-3n-iol-2020',
      timeline: { basePeriod: '2025', bidDeadline: clock.at(3600), bidOpening: clock.at(7200), negotiationEnd: clock.at(14400), contractStart: '2027-01-01' } };
    const post = async (url, body) => {
      const r = await call('POST', url, { token: office, body });
      assert.ok(r.status < 300, `${url}: ${r.text}`);
      return r.json;
    };
    await post('/api/rounds', round);
    await post(`/api/rounds/${R}/regions`, [{ regionId: 'N' }]);
    await post(`/api/rounds/${R}/institutions`, [{ institutionId: 'BJ-H1', regionId: 'N' }]);
    await post(`/api/rounds/${R}/enterprises`, ['E01', 'E02', 'E03', 'E04'].map((e) => ({ enterpriseId: e })));
    const products = ['E01', 'E02', 'E03', 'E04'].map((e, i) => ({ productId: `P${i + 1}`, enterpriseId: e, category: 'IOL', basic: ['acrylic'], registrationId: `R${i}` }));
    products.push({ productId: 'P5', enterpriseId: 'E01', category: 'IOL', basic: ['PMMA'], registrationId: 'R5' });
    await post(`/api/rounds/${R}/products`, products);
    await post(`/api/rounds/${R}/history`, products.map((p) => ({ productId: p.productId, regionId: 'N', price: '1000', quantity: 100 })));
    await post(`/api/rounds/${R}/ceilings`, products.map((p) => ({ productId: p.productId, maxPrice: '1000.00' })));
    await post(`/api/rounds/${R}/demand`, products.map((p) => ({ institutionId: 'BJ-H1', productId: p.productId, quantity: 100 })));
    await post(`/api/rounds/${R}/publish`);
    const bid = await call('POST', `/api/rounds/${R}/bids`, { token: enterprise, body: { productId: 'P1', price: '900' } });
    assert.strictEqual(bid.status, 201, bid.text);
    await post('/api/users', { id: 'rival-e02', role: 'enterprise', org: 'E02', password: 'rival-e02-pass' });
    const rival = (await call('POST', '/api/login', { body: { user: 'rival-e02', password: 'rival-e02-pass' } })).json.token;
    assert.strictEqual((await call('POST', `/api/rounds/${R}/bids`, { token: rival, body: { productId: 'P2', price: '950' } })).status, 201);

    // After the deadline the office draws the panel in its workspace, unsealing the round's draw
    // secret with its keyholder passphrase.
    clock.set(round.timeline.bidDeadline);
    const page = await newPage();
    await signIn(page, 'office');
    const draw = () => page.locator(`#round-${R} form`, { hasText: 'Draw' });
    await draw().getByLabel('Keyholder passphrase').fill('not the passphrase');
    await draw().getByRole('button', { name: 'Draw' }).click();
    assert.match(await page.locator(`#round-${R} .field-error`).first().innerText(), /does not open the draw's secret/);
    await draw().getByLabel('Keyholder passphrase').fill('demo-office-keyholder');
    await draw().getByRole('button', { name: 'Draw' }).click();
    await page.waitForURL('**done=panel**');
    const panel = (await call('GET', `/api/rounds/${R}/panel`)).json;
    assert.strictEqual(panel.size, 3);
    await post('/api/users', { id: 'panelist', role: 'expert', org: panel.members.find((m) => m.id !== 'X03').id, password: 'panelist-1' });
    clock.set(round.timeline.bidOpening);

    // The keyholders (the office and the auditor) hand back their shares in their workspaces; the
    // second opens the bids. A wrong passphrase is refused in the form.
    await page.goto('/workspace');
    const share = (p) => p.locator(`#round-${R} form`, { hasText: 'Hand back your share' });
    await share(page).getByLabel('Keyholder passphrase').fill('not the passphrase');
    await share(page).getByRole('button', { name: 'Hand back my share' }).click();
    assert.match(await page.locator(`#round-${R} .field-error`).first().innerText(), /does not open your share/);
    await share(page).getByLabel('Keyholder passphrase').fill('demo-office-keyholder');
    await share(page).getByRole('button', { name: 'Hand back my share' }).click();
    await page.waitForURL('**done=share**');
    assert.match(await page.locator(`#round-${R}`).innerText(), /You handed your share back/);
    assert.strictEqual((await call('GET', `/api/rounds/${R}`)).json.status, 'published', 'one share opens nothing');
    const auditor = await newPage();
    await signIn(auditor, 'auditor');
    await share(auditor).getByLabel('Keyholder passphrase').fill('demo-auditor-keyholder');
    await share(auditor).getByRole('button', { name: 'Hand back my share' }).click();
    await auditor.waitForURL('**done=share**');
    await auditor.context().close();
    assert.strictEqual((await call('GET', `/api/rounds/${R}`)).json.status, 'opened');
    await page.goto(`/rounds/${R}`);
    // Opened, not yet awarded: the public reads each opened bid with its commitment check and the
    // winner the bids propose. P1 (900.00) and P2 (950.00) are the two valid bids of a group of
    // four enterprises: with three or fewer bidders one wins, the lowest, P1, 10 % below the base
    // price of 1,000.00.
    const notice = page.locator('section#notice');
    assert.strictEqual(await notice.locator('[data-bid="P1"]').innerText(), 'CN¥900.00 ✓');
    assert.strictEqual(await notice.locator('[data-bid="P2"]').innerText(), 'CN¥950.00 ✓');
    assert.strictEqual(await notice.locator('[data-bid="P3"]').innerText(), 'no bid');
    assert.strictEqual(await notice.locator('[data-proposed="P1"]').innerText(), 'winner, rank 1 (10% below the reference price)');
    assert.strictEqual(await notice.locator('[data-proposed="P2"]').innerText(), '');
    const closes = new Date(Date.parse(round.timeline.bidOpening) + 10 * 86400e3);
    const month = closes.toLocaleString('en-GB', { month: 'short', timeZone: 'UTC' });
    assert.match(await notice.innerText(), new RegExp(`Complaints against the opening are taken until ${closes.getUTCDate()} ${month} ${closes.getUTCFullYear()}`));
    const proposed = await call('GET', `/api/rounds/${R}/proposed-awards`);
    assert.deepStrictEqual(proposed.json.items.map((x) => [x.product, x.enterprise, x.price, x.rank]), [['P1', 'E01', '900.0000', 1]]);
    assert.deepStrictEqual(proposed.json.bids.filter((b) => b.status !== 'missing').map((b) => [b.product, b.rank]), [['P1', 1], ['P2', 2]]);
    await shot(page, 'round-opened');
    const holders = await page.locator('#keyholders-h + p + .table-wrap').innerText();
    assert.match(holders, /office/);
    assert.match(holders, /auditor/);
    // The verification the round page makes from the published data: the draw against its
    // commitment and the bids' commitments, the opened bid against its commitment, the releases.
    const checks = await page.locator('section[aria-labelledby="verification-h"] li').allInnerTexts();
    assert.strictEqual(checks.length, 4, checks.join('\n'));
    assert.match(checks[0], new RegExp(`✓ .*committed to when the round was published.*${panel.commitment}`));
    assert.match(checks[1], /✓ The panel drawn on .*its seed recomputes from the 2 bids' commitments/);
    assert.match(checks[2], /✓ 2 of 2 opened bids match their published commitments/);
    assert.match(checks[3], /✓ OCDS releases published: planning .*; tender .*; opening /);
    // The panel with every eligible expert's ticket, its members marked, and the excluded.
    const rows = page.locator('section[aria-labelledby="panel-h"] tbody tr');
    assert.strictEqual(await rows.count(), panel.draws.length);
    assert.strictEqual(await rows.filter({ hasText: '✓' }).count(), panel.size);
    assert.strictEqual(await page.locator('section[aria-labelledby="panel-h"] li').count(), panel.excluded.length);
    assert.match(await page.locator('section[aria-labelledby="panel-h"]').innerText(), new RegExp(panel.seed));
    await page.goto('/rounds/3n-iol-2021');
    assert.strictEqual(await page.locator('section[aria-labelledby="observers-h"] li').count(), 1, 'its assigned observer');
    assert.strictEqual(await page.locator('#panel-h').count(), 0, 'no panel before the deadline');
    await page.goto('/workspace');

    const expert = await newPage();
    await signIn(expert, 'panelist', 'panelist-1');
    const form = () => expert.locator(`#round-${R} form`, { hasText: 'Set an access price' });
    // The products awaiting an access price: P5 alone negotiates (its group has one enterprise).
    assert.deepStrictEqual(await form().locator('select[name=productId] option').evaluateAll((o) => o.map((x) => x.value)), ['P5']);
    await form().getByLabel('Product').selectOption('P5');
    await form().getByLabel('Access price').fill('abc');
    await form().getByRole('button', { name: 'Set price' }).click();
    assert.ok(await expert.locator(`#round-${R} .field-error`).count() > 0, 'the refusal is shown in the form');
    await form().getByLabel('Access price').fill('950.00');
    await form().getByRole('button', { name: 'Set price' }).click();
    await expert.waitForURL('**done=access-price**');
    assert.strictEqual(await form().locator('select[name=productId] option').count(), 0, 'P5 has its price');
    // The expert declares a conflict of interest; declaring it twice is refused at the field.
    const interest = () => expert.locator('section#interest form');
    await interest().getByLabel('Enterprise (its id, e.g. E07)').fill('E03');
    await interest().getByRole('button', { name: 'Declare the interest' }).click();
    await expert.waitForURL('**done=interest**');
    // The panelist is drawn at random: whatever it declared before stays, E03 comes last.
    assert.match(await expert.locator('section#interest').innerText(), /Declared: (E\d+ )*E03\n/);
    await interest().getByLabel('Enterprise (its id, e.g. E07)').fill('E03');
    await interest().getByRole('button', { name: 'Declare the interest' }).click();
    assert.match(await expert.locator('section#interest .field-error').innerText(), /already declared/);
    const library = (await call('GET', '/api/experts')).json.items;
    const panelist = panel.members.find((m) => m.id !== 'X03').id;
    assert.deepStrictEqual(library.find((e) => e.id === panelist).interests.filter((x) => x === 'E03'), ['E03']);
    await expert.context().close();

    clock.set(round.timeline.negotiationEnd);
    await page.goto('/workspace');
    await page.locator(`#round-${R}`).getByRole('button', { name: 'Run the award' }).click();
    assert.match(await page.locator(`#round-${R} [role=alert]`).innerText(), /Tick the confirmation first/);
    assert.strictEqual((await call('GET', `/api/rounds/${R}`)).json.status, 'opened');
    await page.locator(`#round-${R}`).getByLabel('I confirm: this cannot be undone').check();
    await page.locator(`#round-${R}`).getByRole('button', { name: 'Run the award' }).click();
    await page.waitForURL('**done=award**');
    await page.goto(`/rounds/${R}`);
    assert.strictEqual(await page.locator('#metrics-h').count(), 1, 'the results are published');
    assert.match(await page.locator('#neg-h + .table-wrap').innerText(), /P5/);
    await page.context().close();
  });

  await check('a keyholder sets its key from a passphrase in its workspace; a short one is refused at the field', async () => {
    const page = await newPage();
    await signIn(page, 'auditor');
    const form = page.locator('#keyholder-key form');
    assert.match(await page.locator('#keyholder-key').innerText(), /Your keyholder public key:/);
    await form.getByLabel('Keyholder passphrase').fill('too short');
    await form.getByRole('button', { name: 'Replace my keyholder key' }).click();
    assert.match(await page.locator('#keyholder-key .field-error').innerText(), /at least 12 characters/);
    await form.getByLabel('Keyholder passphrase').fill('the auditor\'s new passphrase');
    await form.getByRole('button', { name: 'Replace my keyholder key' }).click();
    await page.waitForURL('**done=keyholder-key**');
    const made = spawnSync(procura, ['keyholder', 'key', '--account', 'auditor'], { input: 'the auditor\'s new passphrase\n', encoding: 'utf8' });
    assert.strictEqual(made.status, 0, made.stderr);
    assert.match(await page.locator('#keyholder-key').innerText(), new RegExp(made.stdout.trim()));
    await page.context().close();
  });

  await check('anyone follows a product and an enterprise; the watchlist and its Atom feed list them; signed in, the list is the account\'s', async () => {
    const page = await newPage();
    await page.goto('/products/IOL-041');
    await page.getByRole('button', { name: 'Follow' }).click();
    await page.waitForURL('**/products/IOL-041');
    assert.strictEqual(await page.getByRole('button', { name: 'Stop following' }).count(), 1);
    await page.goto('/enterprises/E06');
    assert.match(await page.locator('main').innerText(), /IOL-041/);
    await shot(page, 'enterprise');
    await page.getByRole('button', { name: 'Follow' }).click();
    await page.goto('/watch');
    assert.strictEqual(await page.locator('.watchlist > li').count(), 2);
    await shot(page, 'watchlist');
    // Signed in, the next visit shows what changed since this one.
    await signIn(page, 'observer');
    await page.goto('/watch');
    assert.strictEqual(await page.locator('.watchlist > li').count(), 2, 'what the browser followed joined the account');
    assert.strictEqual(await page.locator('.changed').count(), 0);
    clock.advance(60);  // the observation comes after this visit
    const obs = page.locator('#round-3n-iol-2020 form', { hasText: 'File an observation' });
    await page.goto('/workspace');
    await obs.getByLabel('What you observed').fill('The award report was published on time and complete.');
    await obs.getByRole('button', { name: 'File' }).click();
    await obs.getByLabel('Publish it as it is').check();
    await obs.getByRole('button', { name: 'File' }).click();
    await page.waitForURL('**done=observation**');
    await page.goto('/watch');
    assert.match(await page.locator('.changed').first().innerText(), /Changed since your last visit: [1-9]/);
    const feed = await page.locator('a.atom').getAttribute('href');
    const atom = await call('GET', feed);
    assert.strictEqual(atom.status, 200);
    assert.match(atom.text, /<feed xmlns="http:\/\/www.w3.org\/2005\/Atom"/);
    assert.match(atom.text, /3n-iol-2020|intraocular/);
    // The browser parses it as XML without error.
    const ok = await page.evaluate((xml) => !new DOMParser().parseFromString(xml, 'application/xml').querySelector('parsererror'), atom.text);
    assert.ok(ok, 'the Atom feed is well-formed XML');
    // Another browser, signed in as the same person, has the same list and the same last visit;
    // what it stops following, the first one no longer lists.
    const other = await newPage();
    await other.goto('/watch');
    assert.strictEqual(await other.locator('.watchlist > li').count(), 0, 'a new browser follows nothing');
    await signIn(other, 'observer');
    await other.goto('/watch');
    assert.strictEqual(await other.locator('.watchlist > li').count(), 2);
    assert.strictEqual(await other.locator('.changed').count(), 0, 'nothing changed since the visit in the first browser');
    await other.goto('/products/IOL-041');
    await other.getByRole('button', { name: 'Stop following' }).click();
    await other.waitForURL('**/products/IOL-041');
    assert.strictEqual(await other.getByRole('button', { name: 'Follow' }).count(), 1);
    await page.goto('/watch');
    assert.strictEqual(await page.locator('.watchlist > li').count(), 1);
    await other.context().close();
    await page.context().close();
  });

  await check('search finds products, enterprises and institutions across rounds', async () => {
    const page = await newPage();
    await page.goto('/');
    await page.getByLabel('Search rounds, products, enterprises and institutions').first().fill('Enterprise 06');
    await page.keyboard.press('Enter');
    await page.waitForURL('**/search?q=**');
    await page.getByRole('link', { name: 'Enterprise 06 Medical Co.' }).click();
    await page.waitForURL('**/enterprises/E06');
    const hits = await call('GET', '/search?q=beijing&kind=institution');
    assert.match(hits.text, /Beijing hospital 1/);
    assert.doesNotMatch(hits.text, /class="kind">Product/);
    await page.context().close();
  });

  await check('pages are accessible: language, labels, skip link, one h1, keyboard', async () => {
    const page = await newPage();
    for (const url of ['/', '/rounds/3n-iol-2020', '/products/IOL-041', '/flags', '/data', '/search?q=IOL', '/login']) {
      await page.goto(url);
      const problems = await page.evaluate(() => {
        const out = [];
        if (!document.documentElement.lang) out.push('no lang');
        if (document.querySelectorAll('h1').length !== 1) out.push('not one h1');
        for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
          const labelled = (el.labels && el.labels.length) || el.getAttribute('aria-label');
          if (!labelled) out.push(`unlabelled ${el.outerHTML.slice(0, 80)}`);
        }
        for (const t of document.querySelectorAll('table')) if (!t.querySelector('th')) out.push('table without headers');
        return out;
      });
      assert.deepStrictEqual(problems, [], url);
      await page.keyboard.press('Tab');
      assert.strictEqual(await page.evaluate(() => document.activeElement.className), 'skip', `${url}: the skip link comes first`);
    }
    await page.goto('/flags');
    assert.match(await page.locator('#R018').innerText(), /Could be computed for \d+ of \d+ processes/);
    // P002 by lot, worked out here from the published records and reference prices: a lot's
    // median over its products of (median unit price / reference price), flagged from 1.5.
    const median = (v) => {
      const s = [...v].sort((x, y) => x - y);
      return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    };
    const refOf = new Map((await call('GET', '/api/reference-prices?limit=1000')).json.items
      .filter((r) => r.sources >= 3).map((r) => [`${r.classificationScheme}|${r.classificationId}|${r.unit}`, Number(r.price)]));
    const awarded = (await call('GET', '/api/rounds')).json.items.filter((r) => r.status === 'awarded');
    const expectedLots = [];
    for (const r of awarded) {
      const release = (await call('GET', `/api/rounds/${r.id}/ocds/records`)).json.records[0].compiledRelease;
      const byLot = new Map();
      for (const a of release.awards.filter((x) => x.status === 'active'))
        for (const it of a.items) {
          if (!it.classification || !it.unit || !it.unit.value) continue;
          const key = `${it.classification.scheme}|${it.classification.id}|${it.unit.name}`;
          if (!refOf.has(key)) continue;
          if (!byLot.has(it.relatedLot)) byLot.set(it.relatedLot, new Map());
          const prices = byLot.get(it.relatedLot);
          prices.set(key, [...(prices.get(key) || []), it.unit.value.amount]);
        }
      for (const [lot, prices] of byLot)
        if (median([...prices].map(([k, v]) => median(v) / refOf.get(k))) >= 1.5) expectedLots.push(`/rounds/${r.id}/groups/${lot}`);
    }
    assert.ok(expectedLots.length > 0, 'the demo has lots above the reference');
    const lotLinks = await page.locator('#P002 .flag-lists div:has(h3:text-is("By lot")) a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.deepStrictEqual(lotLinks.sort(), expectedLots.sort());
    assert.match(await page.locator('#P002 .flag-lists li').first().innerText(), /Paid ×\d[\d.,]* the reference price, at the median of its products \(flagged from ×1\.5\)/);
    // One awarded round is one process: nothing to compare a process's prices with, and one
    // buyer's share of disqualified bids cannot stand out of a set of one.
    // (Fewer than 4 awarded rounds: fewer processes than P001 needs, fewer buyers than a fence.)
    assert.ok(awarded.length < 4, `${awarded.length} awarded rounds`);
    const p001 = await page.locator('#P001').innerText();
    assert.match(p001, /Too few to compare: nothing can stand out/);
    assert.match(p001, new RegExp(`the most processes that priced one product: [1-${awarded.length}] \\(at least 4 needed\\), too few to compare`));
    assert.doesNotMatch(p001, /By buyer|By process|By lot/);
    const r038 = await page.locator('#R038').innerText();
    assert.match(r038, new RegExp(`buyers with enough bids: [0-${awarded.length}] \\(at least 5 needed\\), too few to compare`));
    assert.doesNotMatch(r038, /By buyer/);
    // Identical prices name the enterprises, each with the reason.
    assert.match(await page.locator('#R028').innerText(), /Bid exactly the same price as another enterprise\./);
    await shot(page, 'flags');
    await page.context().close();
  });

  // Every public page (and the workspace's entry), in the checks of width, languages and links.
  const publicPages = ['/', '/rounds/3n-iol-2020', '/rounds/3n-iol-2021', '/rounds/3n-iol-2022', '/rounds/3n-iol-2020/groups/G003',
    '/rounds/3n-iol-2020/winners', '/rounds/3n-iol-2021/complaints', '/products/IOL-041', '/enterprises/E01', '/institutions/BJ-H1', '/flags', '/observers', '/data',
    '/data/api', '/search?q=IOL', '/watch', '/login'];
  const shotName = (url) => (url === '/' ? 'home' : url.slice(1).replace(/[^a-z0-9]+/gi, '-'));

  await check('on a phone (390 px) every public page fits the screen; every page is kept at desktop and phone width', async () => {
    const phone = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const desktop = await newPage({ viewport: { width: 1280, height: 900 } });
    fs.mkdirSync(path.join(shots, 'every-page'), { recursive: true });
    for (const url of publicPages) {
      await phone.goto(url);
      const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `${url} overflows by ${overflow}px`);
      await phone.screenshot({ path: path.join(shots, 'every-page', `${shotName(url)}-phone.png`), fullPage: true });
      await desktop.goto(url);
      await desktop.screenshot({ path: path.join(shots, 'every-page', `${shotName(url)}-desktop.png`), fullPage: true });
    }
    await phone.goto('/rounds/3n-iol-2020');
    await shot(phone, 'round-phone');
    for (const p of [phone, desktop]) await p.context().close();
  });

  await check('bad input: unknown pages and ids, forms without a session, bad follow items', async () => {
    for (const url of ['/nope', '/rounds/none', '/products/none', '/enterprises/none', '/institutions/none', '/rounds/3n-iol-2020/groups/G999', '/data/rounds/3n-iol-2020/csv/none.csv']) {
      const r = await call('GET', url);
      assert.strictEqual(r.status, 404, url);
      assert.match(r.headers.get('content-type'), /text\/html/);
      assert.match(r.text, /<h1>Not found<\/h1>/);
    }
    const before = await auditSeq();
    // This browser's form token, as a page gives it.
    const token = /procura_csrf=([0-9a-f]{64})/.exec((await fetch(server.base + '/')).headers.get('set-cookie'))[1];
    const form = { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: `procura_csrf=${token}` };
    const anon = await fetch(server.base + '/workspace/rounds/3n-iol-2021/bid', { method: 'POST', body: `productId=IOL-001&price=1&csrf=${token}`, headers: form, redirect: 'manual' });
    assert.strictEqual(anon.status, 303);
    assert.match(anon.headers.get('location'), /^\/login/);
    const follow = await call('POST', '/watch', { raw: `item=nothing&csrf=${token}`, headers: form });
    assert.strictEqual(follow.status, 400);
    const method = await call('DELETE', '/rounds/3n-iol-2020');
    assert.strictEqual(method.status, 405);
    const login = await call('POST', '/login', { raw: `user=office&password=wrong&csrf=${token}`, headers: form });
    assert.strictEqual(login.status, 401);
    assert.match(login.text, /Unknown user or wrong password/);
    assert.strictEqual(await auditSeq(), before, 'nothing was written');
    // A refusal in another language names its kind in that language, with the API's detail.
    const signin = await fetch(server.base + '/login', { method: 'POST', body: `user=enterprise&password=demo-enterprise&csrf=${token}`, headers: form, redirect: 'manual' });
    const session = /procura_session=[^;]+/.exec(signin.headers.get('set-cookie'))[0];
    const afterLogin = await auditSeq();
    const mn = await call('POST', '/workspace/rounds/3n-iol-2021/bid', { raw: `productId=IOL-001&price=abc&csrf=${token}`, headers: { ...form, Cookie: `${session}; lang=mn; procura_csrf=${token}` } });
    assert.strictEqual(mn.status, 422);
    assert.match(mn.text, /id="f-3n-iol-2021-bid-price-error">Утга буруу байна\. — &apos;price&apos; must be a positive decimal/);
    assert.strictEqual(await auditSeq(), afterLogin, 'nothing was written');
  });

  await check('every public page renders in every language with nothing left untranslated', async () => {
    for (const lang of ['en', 'mn', 'es', 'zh']) {
      for (const url of publicPages) {
        const r = await call('GET', url + (url.includes('?') ? '&' : '?') + `lang=${lang}`);
        assert.strictEqual(r.status, 200, `${lang} ${url}`);
        assert.match(r.text, new RegExp(`<html lang="${lang}">`));
        assert.doesNotMatch(r.text, /\{\{|\}\}|\b(?:phase|bid|group|route|metric|negotiation|flag|role|kind|stage)_[a-z]/, `${lang} ${url}`);
        assert.ok(Number(/page;dur=([\d.]+)/.exec(r.headers.get('server-timing'))[1]) >= 0);
      }
    }
    // The engine's reasons and notes too, their figures from the published results: a bid ranked
    // beyond its group's winning places, and a group that failed.
    const results = (await call('GET', '/api/rounds/3n-iol-2020/results')).json;
    const out = results.bids.find((b) => b.status === 'eliminated' && b.rank > 0);
    const slots = results.groups.find((g) => g.id === out.group).slots;
    const failed = results.groups.find((g) => g.status === 'failed');
    const es = (await call('GET', `/rounds/3n-iol-2020/groups/${out.group}?lang=es`)).text;
    assert.ok(es.includes(`clasificada ${out.rank}.ª, fuera de los ${slots} puestos ganadores`), 'a ranked-out bid in Spanish');
    assert.ok(!es.includes('winning places'), 'nothing of it left in English');
    const zh = (await call('GET', `/rounds/3n-iol-2020/groups/${failed.id}?lang=zh`)).text;
    assert.ok(zh.includes('无有效报价; 该组流标'), `a failed group's note in Chinese: ${failed.note}`);
    const enPage = (await call('GET', `/rounds/3n-iol-2020/groups/${failed.id}?lang=en`)).text;
    assert.ok(enPage.includes(failed.note), "in English, the engine's own words");
  });

  await check('every link on the public pages leads somewhere', async () => {
    const page = await newPage();
    const links = new Set();
    for (const url of ['/', '/rounds/3n-iol-2020', '/rounds/3n-iol-2020/groups/G003', '/products/IOL-041',
      '/enterprises/E06', '/institutions/BJ-H1', '/flags', '/observers', '/data', '/watch', '/search?q=beijing']) {
      await page.goto(url);
      for (const href of await page.$$eval('a[href^="/"]', (as) => as.map((a) => a.getAttribute('href')))) links.add(href);
    }
    assert.ok(links.size > 50, `only ${links.size} links`);
    const broken = [];
    for (const href of links) {
      const r = await fetch(server.base + href, { redirect: 'manual' });
      if (r.status >= 400) broken.push(`${href} ${r.status}`);
    }
    assert.deepStrictEqual(broken, []);
    await page.context().close();
  });

  await check('forms: another site\'s post, a post without the form token, headers from a link, redirects off the site', async () => {
    const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
    const token = /procura_csrf=([0-9a-f]{64})/.exec((await fetch(server.base + '/')).headers.get('set-cookie'))[1];
    const jar = `procura_csrf=${token}`;
    const signin = await fetch(server.base + '/login', { method: 'POST', body: `user=enterprise&password=demo-enterprise&csrf=${token}`, headers: { ...form, Cookie: jar }, redirect: 'manual' });
    assert.strictEqual(signin.status, 303);
    const session = /procura_session=[^;]+/.exec(signin.headers.get('set-cookie'))[0];
    const own = async () => (await call('GET', '/api/rounds/3n-iol-2021/my-bids', { token: /=(.*)/.exec(session)[1] })).json.items;
    const bids = async () => (await own()).filter((b) => b.status === 'withdrawn').length;
    const mine = (await own()).filter((b) => b.status === 'submitted');
    const withdrawnBefore = await bids();
    // A page of another site posting a withdrawal with the victim's cookies: refused.
    if (mine.length) {
      const forged = await fetch(server.base + '/workspace/rounds/3n-iol-2021/withdraw', { method: 'POST', body: `bid=${mine[0].id}`, headers: { ...form, Cookie: `${session}; ${jar}`, Origin: 'http://evil.example' }, redirect: 'manual' });
      assert.strictEqual(forged.status, 403);
      const noToken = await fetch(server.base + '/workspace/rounds/3n-iol-2021/withdraw', { method: 'POST', body: `bid=${mine[0].id}`, headers: { ...form, Cookie: `${session}; ${jar}` }, redirect: 'manual' });
      assert.strictEqual(noToken.status, 403);
      assert.strictEqual(await bids(), withdrawnBefore, 'nothing was withdrawn');
    }
    // Login CSRF: a sign-in posted without this browser's token is refused.
    const loginForged = await fetch(server.base + '/login', { method: 'POST', body: 'user=enterprise&password=demo-enterprise', headers: form, redirect: 'manual' });
    assert.strictEqual(loginForged.status, 403);
    assert.strictEqual(loginForged.headers.get('set-cookie').includes('procura_session='), false);
    // CR/LF in `back` and `next` never reach a header; off-site targets go home.
    for (const [url, body] of [['/watch', `item=product%3AIOL-041&back=%2Fwatch%0d%0aSet-Cookie:%20procura_session=attacker&csrf=${token}`],
      ['/login', `user=enterprise&password=demo-enterprise&next=%2Fworkspace%0d%0aX-Injected:%201&csrf=${token}`],
      ['/login', `user=enterprise&password=demo-enterprise&next=%2F%5Cevil.example&csrf=${token}`],
      ['/login', `user=enterprise&password=demo-enterprise&next=%2F%2Fevil.example&csrf=${token}`]]) {
      const r = await fetch(server.base + url, { method: 'POST', body, headers: { ...form, Cookie: jar }, redirect: 'manual' });
      assert.strictEqual(r.status, 303, `${url} ${body}`);
      const location = r.headers.get('location');
      assert(!/evil|[\r\n]/.test(location), location);
      assert(location === '/watch' || location === '/workspace', location);
      assert.strictEqual(r.headers.get('x-injected'), null);
      assert(!(r.headers.get('set-cookie') || '').includes('attacker'));
    }
    // Every answer carries the protective headers; over TLS (a proxy says so) cookies are Secure.
    const home = await fetch(server.base + '/', { headers: { 'X-Forwarded-Proto': 'https' } });
    assert.match(home.headers.get('content-security-policy'), /frame-ancestors 'none'/);
    assert.strictEqual(home.headers.get('x-content-type-options'), 'nosniff');
    assert.strictEqual(home.headers.get('referrer-policy'), 'same-origin');
    assert.match(home.headers.get('set-cookie'), /procura_csrf=[0-9a-f]{64}; Path=\/; Max-Age=\d+; SameSite=Lax; HttpOnly; Secure/);
    // Signing out ends the session on the server: the old cookie no longer opens anything.
    const out = await fetch(server.base + '/logout', { method: 'POST', body: `csrf=${token}`, headers: { ...form, Cookie: `${session}; ${jar}` }, redirect: 'manual' });
    assert.strictEqual(out.status, 303);
    assert.strictEqual((await call('GET', '/api/me', { token: /=(.*)/.exec(session)[1] })).status, 401);
  });

  await check('public pages are kept rendered: each visitor gets its own form token, and the page follows the data and the clock', async () => {
    const visit = async (url) => {
      const r = await fetch(server.base + url);
      const token = /procura_csrf=([0-9a-f]{64})/.exec(r.headers.get('set-cookie'))[1];
      return { token, body: await r.text() };
    };
    const a = await visit('/rounds/portal1'), b = await visit('/rounds/portal1');
    assert.notStrictEqual(a.token, b.token);
    assert(a.body.includes(`value="${a.token}"`) && !a.body.includes(b.token), 'the first visitor\'s own token');
    assert(b.body.includes(`value="${b.token}"`) && !b.body.includes(a.token), 'the second visitor\'s own token');
    assert.strictEqual(a.body.split(a.token).join('T'), b.body.split(b.token).join('T'), 'the same page otherwise');
    // Each visitor's token works in its form.
    const follow = await fetch(server.base + '/watch', { method: 'POST', redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: `procura_csrf=${b.token}` },
      body: `csrf=${b.token}&item=round%3Aportal1&action=follow&back=%2Frounds%2Fportal1` });
    assert.strictEqual(follow.status, 303);
    // A write shows at once: an observation on the open 2021 round.
    const observer = (await call('POST', '/api/login', { body: { user: 'observer', password: 'demo-observer' } })).json.token;
    const text = `Kept pages are renewed by every write (${Date.now()}).`;
    await visit('/rounds/3n-iol-2021');
    assert.strictEqual((await call('POST', '/api/rounds/3n-iol-2021/observations', { token: observer, body: { text } })).status, 201);
    assert((await visit('/rounds/3n-iol-2021')).body.includes(text));
    // The clock alone moves a page: past the 2021 deadline (no write) the notice stops counting.
    const deadline = (await call('GET', '/api/rounds/3n-iol-2021')).json.timeline.bidDeadline;
    const now = clock.now();
    assert((await visit('/rounds/3n-iol-2021')).body.includes('data-countdown'));
    clock.set(deadline);
    assert(!(await visit('/rounds/3n-iol-2021')).body.includes('data-countdown'), 'no countdown once the deadline has come');
    clock.set(now);
  });

  await check('the pages made no request beyond the server and raised no script error', async () => {
    assert.deepStrictEqual(offsite, []);
  });

  await browser.close();
  await server.stop();
  finish();
})().catch((e) => { console.error(e); process.exit(1); });
