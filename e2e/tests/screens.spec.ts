import { type Browser, type Page } from '@playwright/test';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, goCall, open } from './helpers';
import { addUser, fieldhubBin, freePort, startApp, startHub, stop, type Proc } from './product-helpers';

// Issue 16 items 11–17: screens that tell the truth about what happened.
test.describe.configure({ timeout: 90_000 }); // the shared machine is slow; the checks are not timing-bound

test('the ? overlay shows a rep no product-only keys', async ({ page }) => {
  await open(page, '#/home');
  await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toContainText('g a');
  await expect(help).not.toContainText('g p');
  await expect(help).not.toContainText('g t');
  await expect(help).not.toContainText('Priorities (product)');
});

test('Enter right after typing a filter opens what was typed, not the previous first row', async ({ page }) => {
  await open(page, '#/accounts');
  const rows = ((await goCall<any[]>(page, 'Accounts', 'List', '')) as { ok: any[] }).ok;
  const target = rows[rows.length - 1]; // never the first row of the unfiltered list
  await expect(page.getByRole('list', { name: 'Accounts' }).getByRole('link').first()).toBeVisible();
  const box = page.getByRole('searchbox', { name: 'Filter accounts' });
  await box.fill(target.name);
  await box.press('Enter'); // within a few ms: before the 80 ms debounce
  await expect(page.getByRole('heading', { level: 1, name: target.name })).toBeVisible();
});

test('the pending view shows one row per record with its name', async ({ page }) => {
  await open(page, '#/home');
  const acct = ((await goCall<any[]>(page, 'Accounts', 'List', '')) as { ok: any[] }).ok[0];
  const call = ((await goCall<any>(page, 'Calls', 'Start', acct.id, 'discovery')) as { ok: any }).ok;
  await goCall(page, 'Calls', 'SaveDetails', call.id, 'Pricing chat', 'discovery', []);
  for (const notes of ['Da', 'Dana', 'Dana runs', 'Dana runs finance', 'Dana runs finance ops']) {
    await goCall(page, 'Calls', 'SaveNotes', call.id, notes);
    await goCall(page, 'Sync', 'Pending', 500); // listing seals the outbox: each save stays its own change
  }
  const rows = ((await goCall<any[]>(page, 'Sync', 'Pending', 1000)) as { ok: any[] }).ok.filter((p) => p.id === call.id);
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({ name: 'Pricing chat', type: 'call' });
  await page.goto('/#/sync');
  const table = page.getByRole('table', { name: 'Pending changes' });
  await expect(table.getByRole('row', { name: /Pricing chat/ })).toHaveCount(1);
});

test('an account can be edited in the brief, and found by name without its accents', async ({ page }) => {
  await open(page, '#/accounts');
  const acct = ((await goCall<any[]>(page, 'Accounts', 'List', '')) as { ok: any[] }).ok[1];
  await page.goto(`/#/accounts/${acct.id}`);
  await page.getByRole('button', { name: 'Edit account' }).click();
  const form = page.getByRole('form', { name: 'Edit account' });
  await form.getByLabel('Name').fill('Schäfer Logistik');
  await form.getByLabel('Segment').fill('Mid-Market');
  await form.getByLabel('Stage').selectOption('customer');
  await form.getByLabel('ARR').fill('48000');
  await form.getByRole('button', { name: 'Save account' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Schäfer Logistik' })).toBeVisible();
  await expect(page.locator('.facts')).toContainText('Mid-Market');
  const saved = ((await goCall<any>(page, 'Accounts', 'Brief', acct.id)) as { ok: any }).ok.account;
  expect(saved).toMatchObject({ name: 'Schäfer Logistik', segment: 'Mid-Market', stage: 'customer', arr: 48000 });

  // Bad input is named, and nothing is saved.
  await page.getByRole('button', { name: 'Edit account' }).click();
  await form.getByLabel('Name').fill('');
  await form.getByRole('button', { name: 'Save account' }).click();
  await expect(form.getByRole('alert')).toContainText('name');

  // Search folds accents in the index and the query alike.
  for (const q of ['Schafer', 'Schaefer', 'schäfer']) {
    const hits = ((await goCall<any[]>(page, 'Search', 'Query', q, 20)) as { ok: any[] }).ok ?? [];
    expect(hits.map((h) => h.title), q).toContain('Schäfer Logistik');
  }
  const tomas = ((await goCall<any[]>(page, 'Search', 'Query', 'Tomas', 20)) as { ok: any[] }).ok ?? [];
  expect(tomas.some((h) => h.title.includes('Tomás'))).toBe(true);
});

test('a call and an account can be deleted, with an undo first', async ({ page }) => {
  await open(page, '#/accounts');
  const acct = ((await goCall<any[]>(page, 'Accounts', 'List', '')) as { ok: any[] }).ok[2];
  const call = ((await goCall<any>(page, 'Calls', 'Start', acct.id, 'other')) as { ok: any }).ok;
  await goCall(page, 'Calls', 'SaveDetails', call.id, 'Wrong account', 'other', []);
  await page.goto(`/#/accounts/${acct.id}`);
  const calls = page.getByRole('region', { name: 'Calls' }).or(page.locator('section[aria-labelledby="calls-h"]'));
  await calls.getByRole('button', { name: 'Delete call Wrong account' }).click();
  await expect(calls).not.toContainText('Wrong account');
  const undo = page.getByRole('status', { name: 'Undo delete' });
  await undo.getByRole('button', { name: 'Undo' }).click();
  await expect(calls).toContainText('Wrong account');

  await calls.getByRole('button', { name: 'Delete call Wrong account' }).click();
  await expect(undo).toBeHidden({ timeout: 12_000 }); // the undo window passed: now it is deleted
  expect(await goCall(page, 'Calls', 'View', call.id)).toMatchObject({ err: { code: 'not_found' } });

  // The account: gone from the list at once, back with Undo.
  await page.getByRole('button', { name: 'Delete account' }).click();
  await expect(page).toHaveURL(/#\/accounts$/);
  const list = page.getByRole('list', { name: 'Accounts' });
  await expect(list.getByRole('link', { name: new RegExp(acct.name) })).toHaveCount(0);
  await undo.getByRole('button', { name: 'Undo' }).click();
  await expect(list.getByRole('link', { name: new RegExp(acct.name) })).toHaveCount(1);
  await page.waitForTimeout(500);
  expect(await goCall(page, 'Accounts', 'Brief', acct.id)).toHaveProperty('ok');
});

// With a real fieldhub and an empty notebook: Home's next steps, then a
// wrong token that must not be reported as saved-and-fine.
test.describe('a new notebook and the hub', () => {
  let procs: Proc[] = [];
  let hubURL = '';
  let token = '';
  let appURL = '';

  test.beforeAll(async () => {
    test.setTimeout(120_000);
    const dir = join(process.env.E2E_DIR ?? '/tmp', `screens-${Date.now()}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const bin = fieldhubBin(dir);
    token = addUser(bin, join(dir, 'hub'), 'new.rep@example.com', 'field').token;
    const hub = await startHub(bin, join(dir, 'hub'));
    procs.push(hub.proc);
    hubURL = hub.url;
    const port = await freePort();
    procs.push(await startApp(join(dir, 'app'), port, 'new.rep', false));
    appURL = `http://127.0.0.1:${port}`;
  });

  test.afterAll(async () => {
    await stop(procs);
    procs = [];
  });

  async function openApp(browser: Browser, hash: string): Promise<Page> {
    const ctx = await browser.newContext({ baseURL: appURL, viewport: { width: 1024, height: 700 } });
    const page = await ctx.newPage();
    await open(page, hash);
    return page;
  }

  test('Home points to the next step, and a wrong token is not "saved"', async ({ browser }) => {
    const page = await openApp(browser, '#/home');
    const next = page.getByRole('region', { name: 'Next steps' });
    await expect(next.getByRole('link', { name: 'Connect to your team' })).toBeVisible();
    await expect(next.getByRole('link', { name: 'Import accounts' })).toBeVisible();
    await expect(next).toContainText('Try the demo');

    await next.getByRole('link', { name: 'Connect to your team' }).click();
    await expect(page).toHaveURL(/#\/settings$/);
    const hubForm = page.getByRole('form', { name: 'Hub' });
    await hubForm.getByLabel('Hub URL').fill(hubURL);
    await hubForm.getByLabel('Token', { exact: true }).fill('fn_wrong_' + token.slice(-6));
    await hubForm.getByRole('button', { name: 'Save' }).click();
    const toastError = page.locator('.toasts').getByRole('alert');
    await expect(toastError).toContainText('The hub refused the token', { timeout: 10_000 });
    await expect(page.locator('.toasts')).not.toContainText('Hub settings saved.');
    // The error is said once, not twice.
    const hubCard = page.locator('section[aria-labelledby="hub-h"]');
    const text = (await hubCard.getByRole('alert').textContent()) ?? '';
    expect(text.match(/refused the token/gi) ?? []).toHaveLength(1);
    await expect(page.getByTestId('waiting-to-sync')).toContainText(/refused|token|unauthorized/i);

    // The right token: "Waiting to sync" drops the old error without a reload.
    await hubForm.getByLabel('Token', { exact: true }).fill(token);
    await hubForm.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByTestId('sync-badge')).toContainText('Up to date', { timeout: 20_000 });
    await expect(page.getByTestId('waiting-to-sync')).not.toContainText(/refused|token|unauthorized/i);
    await expect(page.locator('.toasts')).not.toContainText('Sync fails');

    // With a hub but still no accounts, Home keeps pointing to the import.
    await page.goto('/#/home');
    await expect(next.getByRole('link', { name: 'Import accounts' })).toBeVisible();
    await expect(next.getByRole('link', { name: 'Connect to your team' })).toHaveCount(0);
  });
});

test('at 1024×700 labels fit, answers stay on one line, and password fields wear the dark theme', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  await open(page, '#/recruiting');
  const labels = page.getByRole('list', { name: 'Pipeline counts' }).locator('.l');
  await expect(labels.first()).toBeVisible();
  const cut = await labels.evaluateAll((els) => els.filter((e) => e.scrollWidth > e.clientWidth).map((e) => e.textContent));
  expect(cut, 'pipeline labels cut off').toEqual([]);

  const acct = ((await goCall<any[]>(page, 'Accounts', 'List', '')) as { ok: any[] }).ok[0];
  const call = ((await goCall<any>(page, 'Calls', 'Start', acct.id, 'discovery')) as { ok: any }).ok;
  await page.goto(`/#/calls/${call.id}`);
  const ai = page.getByRole('heading', { name: 'AI suggestions' });
  await expect(ai).toBeVisible();
  expect(await ai.evaluate((e) => e.scrollWidth <= e.clientWidth), 'AI SUGGESTIONS cut off').toBe(true);
  const answers = page.getByRole('toolbar', { name: 'Answer' }).first().getByRole('button');
  const tops = await answers.evaluateAll((els) => [...new Set(els.map((e) => (e as HTMLElement).offsetTop))]);
  expect(tops, 'answer buttons wrap').toHaveLength(1);

  await page.evaluate(() => localStorage.setItem('fieldnotes.theme', 'dark'));
  await open(page, '#/settings');
  const bg = (sel: string) => page.locator(sel).first().evaluate((e) => getComputedStyle(e).backgroundColor);
  await expect(page.locator("input[type='password']").first()).toBeVisible();
  expect(await bg("input[type='password']")).toBe(await bg("input[type='text']"));
  await page.evaluate(() => localStorage.removeItem('fieldnotes.theme'));
});
