// Issue 16, items 2–6: the PM's figures must be what reps said. One real
// fieldhub and two real app processes (a PM's notebook and a rep's empty
// notebook, so every hypothesis on both sides is the hub's), in Chromium.
//
// Run: E2E_PORT=34203 xvfb-run -a npx playwright test tests/pm-figures.spec.ts
// (after `npm run build` in frontend/ and `make dev-build`).
import { test, expect as baseExpect, type Browser, type Page } from '@playwright/test';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { goCall } from './helpers';
import { addUser, fieldhubBin, freePort, startApp, startHub, stop, type HubUser, type Proc } from './product-helpers';

// The machine these run on is shared and loaded: wait longer than the default 5 s.
const expect = baseExpect.configure({ timeout: 15_000 });
const tag = Date.now().toString(36);
let dir = '';
let hubURL = '';
let pm: HubUser;
let rep: HubUser;
let pmURL = '';
let repURL = '';
const procs: Proc[] = [];
const consoleErrors: string[] = [];
// Two errors every page load logs on main today (issue 16 item 16, fixed by
// the screens work, which also makes every spec fail on console errors);
// anything else fails these tests.
const knownPageLoadErrors = [/Cannot read properties of null \(reading 'nodes'\)/, /^Failed to load resource: the server responded with a status of 404/];

test.describe.configure({ mode: 'serial' });
// Two apps and a hub on a shared, loaded machine: give each journey room.
test.beforeEach(() => test.setTimeout(120_000));

test.beforeAll(async () => {
  test.setTimeout(120_000);
  dir = join(process.env.E2E_DIR ?? '/tmp', `pm-figures-${tag}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const bin = fieldhubBin(dir);
  const hubData = join(dir, 'hub');
  pm = addUser(bin, hubData, 'pat.pm@example.com', 'product');
  rep = addUser(bin, hubData, 'sam.rep@example.com', 'field');
  const hub = await startHub(bin, hubData);
  procs.push(hub.proc);
  hubURL = hub.url;
  const [pmPort, repPort] = [await freePort(), await freePort()];
  // The OS login of both laptops is "root": the author must still be the hub user.
  procs.push(...(await Promise.all([startApp(join(dir, 'pm'), pmPort, 'root', false), startApp(join(dir, 'rep'), repPort, 'root', false)])));
  pmURL = `http://127.0.0.1:${pmPort}`;
  repURL = `http://127.0.0.1:${repPort}`;
});

test.afterAll(async () => {
  await stop(procs);
});

test.afterEach(() => {
  expect(consoleErrors, 'console errors').toEqual([]);
});

async function openAt(browser: Browser, url: string, hash: string): Promise<Page> {
  const ctx = await browser.newContext({ baseURL: url, viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' && !knownPageLoadErrors.some((k) => k.test(m.text()))) consoleErrors.push(`${url}: ${m.text()}`);
  });
  page.on('pageerror', (e) => {
    if (!knownPageLoadErrors.some((k) => k.test(e.message))) consoleErrors.push(`${url}: ${e.message}`);
  });
  await page.goto('/' + hash);
  await page.waitForFunction(() => (window as any).go?.bridge?.Product?.Me !== undefined);
  return page;
}

async function connect(page: Page, token: string) {
  const r = await goCall(page, 'Sync', 'SaveSettings', { hub_url: hubURL, token, clear_token: false });
  expect(r, JSON.stringify(r)).toHaveProperty('ok');
}

async function synced(page: Page) {
  await expect
    .poll(
      async () => {
        await goCall(page, 'Sync', 'SyncNow');
        const s = (await goCall<any>(page, 'Sync', 'Status')) as { ok: any };
        return `${s.ok.state}:${s.ok.pending}`;
      },
      { timeout: 30_000, intervals: [300, 500, 1000] },
    )
    .toBe('idle:0');
}

/** publish posts hypotheses to the hub as the PM (POST /v1/hypotheses). */
async function publish(hyps: object[]) {
  const r = await fetch(`${hubURL}/v1/hypotheses`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${pm.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(hyps),
  });
  const body = await r.json();
  expect(r.status, JSON.stringify(body)).toBe(200);
  for (const x of body.results) expect(x.status, JSON.stringify(x)).toBe('applied');
}

/** importAccounts imports a CSV into the rep's notebook through Settings. */
async function importAccounts(page: Page, name: string, csv: string) {
  const path = join(dir, name);
  writeFileSync(path, csv);
  const r = (await goCall<any>(page, 'Settings', 'ImportFile', path)) as { ok: any };
  expect(r.ok?.errors ?? ['no answer'], JSON.stringify(r)).toEqual([]);
}

async function accountID(page: Page, name: string): Promise<string> {
  const list = ((await goCall<any[]>(page, 'Accounts', 'List', name)) as { ok: any[] }).ok;
  const a = list.find((x) => x.name === name);
  expect(a, `account ${name}`).toBeDefined();
  return a.id;
}

const H = {
  segs: { id: `seg-${tag}`, statement: `Mid-market and SMB customers want SSO ${tag}`, segments: ['mid-market', 'SMB'], stages: ['customer'], rank: 4, questions: [{ text: 'How do your people sign in today?' }, { text: 'What would you pay for single sign-on?', kind: 'wtp' }, { text: 'And for audit logs?', kind: 'wtp' }] },
  first: { id: `a-${tag}`, statement: `Rank one, published first ${tag}`, rank: 1, questions: [{ text: 'Q?' }] },
  second: { id: `b-${tag}`, statement: `Rank one, published second ${tag}`, rank: 1, questions: [{ text: 'Q?' }] },
  third: { id: `c-${tag}`, statement: `Rank two ${tag}`, rank: 2, questions: [{ text: 'Q?' }] },
};

test('item 4: segments match whatever their spelling, and the brief says why', async ({ browser }) => {
  const r = await openAt(browser, repURL, '#/home');
  await connect(r, rep.token);
  await publish([H.segs]);
  await importAccounts(
    r,
    'accounts.csv',
    `name,domain,segment,stage,arr\nKappa Mid ${tag},kappa-mid-${tag}.com,Mid-Market,customer,120000\nKappa Small ${tag},kappa-small-${tag}.com,smb,Customer,9000\nKappa Big ${tag},kappa-big-${tag}.com,Enterprise,customer,900000\n`,
  );
  await synced(r);

  for (const [name, why] of [
    [`Kappa Mid ${tag}`, 'Targets segment Mid-Market, stage customer'],
    [`Kappa Small ${tag}`, 'Targets segment smb, stage customer'],
  ]) {
    await r.goto(`/#/accounts/${await accountID(r, name)}`);
    await expect(r.getByRole('heading', { level: 1, name })).toBeVisible();
    const ask = r.getByRole('region', { name: 'Ask about' });
    const hyp = ask.getByRole('article').filter({ hasText: H.segs.statement });
    await expect(hyp).toBeVisible();
    await expect(hyp).toContainText(why);
  }
  await r.goto(`/#/accounts/${await accountID(r, `Kappa Big ${tag}`)}`);
  await expect(r.getByRole('heading', { level: 1, name: `Kappa Big ${tag}` })).toBeVisible();
  await expect(r.getByRole('region', { name: 'Ask about' })).not.toContainText(H.segs.statement);
  await r.context().close();
});

test('item 5: one rank order for the rep, Priorities and Insights; new/changed until opened', async ({ browser }) => {
  await publish([H.first]);
  await publish([H.second, H.third]); // published later: second after first despite the tie
  const r = await openAt(browser, repURL, '#/hypotheses');
  await synced(r);
  const p = await openAt(browser, pmURL, '#/home');
  await connect(p, pm.token);
  await synced(p);

  const want = [`1 ${H.first.statement}`, `2 ${H.second.statement}`, `3 ${H.third.statement}`, `4 ${H.segs.statement}`];
  const rows = (page: Page) => page.getByRole('list', { name: 'Ranked hypotheses' }).or(page.getByRole('listbox', { name: 'Ranked hypotheses' }));
  // "<number> <statement>" of every row, read in one go (rows re-render as tallies arrive).
  const placesOf = (page: Page) =>
    rows(page)
      .getByRole('link')
      .evaluateAll((ls) => ls.map((l) => `${l.querySelector('.rank')?.textContent?.trim()} ${l.querySelector('.stmt')?.firstChild?.textContent?.trim()}`));

  await r.goto('/#/hypotheses');
  await expect.poll(() => placesOf(r), { timeout: 20_000 }).toEqual(want);
  await p.goto('/#/product');
  await expect(p.getByRole('heading', { name: 'Priorities' })).toBeVisible();
  await expect.poll(() => placesOf(p), { timeout: 20_000 }).toEqual(want);
  await p.goto(`/#/insights/${H.second.id}`);
  await expect(p.getByRole('region', { name: 'Insight' }).getByText(/· rank 2/)).toBeVisible();

  // New until opened: the rep opens the second one; its mark goes, the others keep theirs.
  await r.goto(`/#/hypotheses/${H.third.id}`);
  const item = (id: string) => rows(r).locator(`a[href="#/hypotheses/${id}"]`);
  await expect(item(H.second.id).getByTestId('hypothesis-mark')).toHaveText('New');
  await r.goto(`/#/hypotheses/${H.second.id}`);
  await expect(r.getByRole('heading', { level: 1, name: H.second.statement })).toBeVisible();
  await expect(item(H.second.id).getByTestId('hypothesis-mark')).toHaveCount(0);
  await expect(item(H.segs.id).getByTestId('hypothesis-mark')).toHaveText('New');
  await r.reload();
  await expect(item(H.second.id)).toBeVisible();
  await expect(item(H.second.id).getByTestId('hypothesis-mark')).toHaveCount(0);

  // Product adds a question: "Changed" until the rep opens it again; a re-rank alone is no change.
  await publish([{ ...H.second, questions: [...H.second.questions, { text: 'Who signs off?' }] }, { ...H.third, rank: 3 }]);
  await r.goto(`/#/hypotheses/${H.first.id}`);
  await synced(r);
  await expect(item(H.second.id).getByTestId('hypothesis-mark')).toHaveText('Changed');
  await expect(item(H.third.id).getByTestId('hypothesis-mark')).toHaveCount(0);
  await item(H.second.id).click();
  await expect(r.getByText('Who signs off?')).toBeVisible();
  await expect(item(H.second.id).getByTestId('hypothesis-mark')).toHaveCount(0);
  await r.context().close();
  await p.context().close();
});

test('item 3: a price needs its unit, starts in the last currency, asks before an implausible figure, and stays apart by unit', async ({ browser }) => {
  const r = await openAt(browser, repURL, '#/home');
  await r.goto(`/#/accounts/${await accountID(r, `Kappa Mid ${tag}`)}`);
  await expect(r.getByRole('heading', { level: 1, name: `Kappa Mid ${tag}` })).toBeVisible();
  await r.getByRole('heading', { name: 'Ask about' }).click();
  await r.keyboard.press('c');
  await expect(r).toHaveURL(/#\/calls\//);
  const q = (text: string) => r.getByRole('complementary', { name: 'Questions' }).getByRole('group', { name: text });
  const payQ = q('What would you pay for single sign-on?');
  await r.getByRole('button', { name: 'Select question: What would you pay for single sign-on?' }).click();
  await r.keyboard.press('Alt+w');
  await expect(payQ.getByLabel('Amount')).toBeFocused();
  await r.keyboard.type('2000');
  await r.keyboard.press('Enter');
  // No unit yet: nothing is saved, and the form asks for one.
  await expect(payQ.getByRole('alert')).toContainText('Choose the unit');
  await expect(payQ.getByLabel('Unit')).toBeFocused();
  const mine = async () =>
    (((await goCall<any>(r, 'Hypotheses', 'Get', H.segs.id)) as { ok: any }).ok.evidence as any[]).filter((e) => e.wtp).map((e) => `${e.wtp.amount} ${e.wtp.currency} ${e.wtp.period}`).sort();
  expect(await mine()).toEqual([]);
  await payQ.getByLabel('Unit').selectOption('month');
  await payQ.getByLabel('Currency').fill('USD');
  await r.keyboard.press('Enter');
  await expect.poll(mine).toEqual(['2000 USD month']);

  // The next price starts in USD, the rep's last choice; 20,000 per seat per month asks first.
  const auditQ = q('And for audit logs?');
  await r.getByRole('button', { name: 'Select question: And for audit logs?' }).click();
  await r.keyboard.press('Alt+w');
  await expect(auditQ.getByLabel('Currency')).toHaveValue('USD');
  await auditQ.getByLabel('Amount').fill('20000');
  await auditQ.getByLabel('Unit').selectOption('seat_month');
  await auditQ.getByLabel('Unit').press('Enter');
  const confirm = auditQ.getByRole('alertdialog', { name: 'Confirm the price' });
  await expect(confirm).toContainText('unusually high');
  expect(await mine()).toEqual(['2000 USD month']);
  await expect(confirm.getByRole('button', { name: 'Save anyway' })).toBeFocused();
  await r.keyboard.press('Enter');
  await expect.poll(mine).toEqual(['2000 USD month', '20000 USD seat_month']);
  await synced(r);

  // Insights: one distribution per unit, never pooled.
  const hubWTP = async () => {
    const res = await fetch(`${hubURL}/v1/insights/hypotheses?hypothesis_id=${H.segs.id}`, { headers: { Authorization: `Bearer ${pm.token}` } });
    const body = await res.json();
    return JSON.stringify((body.hypotheses?.[0]?.wtp ?? []).map((w: any) => `${w.currency} ${w.period} n=${w.n}`).sort());
  };
  await expect.poll(hubWTP, { timeout: 30_000 }).toBe(JSON.stringify(['USD month n=1', 'USD seat_month n=1']));
  const p = await openAt(browser, pmURL, `#/insights/${H.segs.id}`);
  const wtp = p.getByRole('region', { name: 'Insight' }).locator('.wtp');
  await expect(wtp).toHaveCount(2);
  await expect(wtp.filter({ hasText: 'USD per month in total' })).toContainText('n=1');
  await expect(wtp.filter({ hasText: 'USD per seat per month' })).toContainText('n=1');
  await r.context().close();
  await p.context().close();
});

test('item 6: every count on Insights opens the accounts behind it, with ARR, latest evidence, quotes and calls', async ({ browser }) => {
  const r = await openAt(browser, repURL, '#/home');
  for (const [name, signal, quote] of [
    [`Kappa Mid ${tag}`, 'supports', 'We sign in with Okta and hate it'],
    [`Kappa Small ${tag}`, 'refutes', ''],
  ]) {
    const call = ((await goCall<any>(r, 'Calls', 'Start', await accountID(r, name), 'discovery')) as { ok: any }).ok;
    const saved = await goCall(r, 'Evidence', 'Save', { hypothesis_id: H.segs.id, question_id: 'q1', call_id: call.id, signal, quote });
    expect(saved, JSON.stringify(saved)).toHaveProperty('ok');
  }
  await synced(r);

  const p = await openAt(browser, pmURL, `#/insights/${H.segs.id}`);
  const insight = p.getByRole('region', { name: 'Insight' });
  await expect(insight.getByRole('heading', { level: 1, name: H.segs.statement })).toBeVisible();
  await insight.getByRole('button', { name: '1 accounts supports: show them' }).click();
  const list = p.getByRole('region', { name: 'Accounts behind the count' });
  const mid = list.getByRole('listitem', { name: `Kappa Mid ${tag}` });
  await expect(mid).toBeVisible();
  await expect(list.getByRole('listitem')).toHaveCount(1);
  await expect(mid.getByTestId('arr')).toHaveText('120K');
  await expect(mid).toContainText('How do your people sign in today?');
  await expect(mid).toContainText('We sign in with Okta and hate it');
  await expect(mid).toContainText('3 items'); // the two prices of item 3 came from another call
  await expect(mid).toContainText('Calls: 2');
  await expect(list).toContainText('1 accounts · ARR 120K');

  // A count by segment opens its own accounts; "Mid-Market" and "mid-market" are one segment.
  await insight.getByRole('button', { name: '1 accounts refutes in segment smb: show them' }).click();
  await expect(list.getByRole('listitem')).toHaveCount(1);
  await expect(list.getByRole('listitem', { name: `Kappa Small ${tag}` })).toContainText('ARR 9K');
  await list.getByRole('button', { name: 'Close the account list' }).click();
  await expect(list).toHaveCount(0);
  await r.context().close();
  await p.context().close();
});

test('item 2: the author is the hub user, the rep picks a field role once, and Insights counts by it', async ({ browser }) => {
  const r = await openAt(browser, repURL, '#/settings');
  // The laptop's OS login is "root"; signed in to the hub, the author is the hub user.
  await expect(r.getByTestId('signed-in-as')).toHaveText('sam.rep@example.com');
  await r.getByRole('combobox', { name: 'Your role in the field' }).selectOption('cs');
  await r.reload();
  await expect(r.getByRole('combobox', { name: 'Your role in the field' })).toHaveValue('cs');

  const call = ((await goCall<any>(r, 'Calls', 'Start', await accountID(r, `Kappa Big ${tag}`), 'qbr')) as { ok: any }).ok;
  const saved = await goCall(r, 'Evidence', 'Save', { hypothesis_id: H.first.id, question_id: 'q1', call_id: call.id, signal: 'mixed', quote: 'Half the team wants it' });
  expect(saved, JSON.stringify(saved)).toHaveProperty('ok');
  await synced(r);

  const p = await openAt(browser, pmURL, `#/insights/${H.first.id}`);
  const insight = p.getByRole('region', { name: 'Insight' });
  await expect(insight.getByRole('heading', { level: 1, name: H.first.statement })).toBeVisible();
  await insight.getByRole('button', { name: '1 accounts mixed from cs: show them' }).click();
  const list = p.getByRole('region', { name: 'Accounts behind the count' });
  await expect(list.getByRole('listitem', { name: `Kappa Big ${tag}` })).toContainText('sam.rep@example.com (cs)');
  await r.context().close();
  await p.context().close();
});
