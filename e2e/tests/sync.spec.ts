import { type Browser, type Page } from '@playwright/test';
import { test, expect } from './helpers';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { goCall } from './helpers';
import { addUser, fieldhubBin, freePort, startApp, startHub, stop, type Proc } from './product-helpers';

// Two devices of one rep against a real fieldhub: the badge and the pending
// view, then a concurrent notes edit whose conflict copy shows in the call
// capture where it happened, and "Use theirs" resolves it everywhere.
let procs: Proc[] = [];
let hubURL = '';
let token = '';
let laptopURL = '';
let phoneURL = '';

test.beforeAll(async () => {
  test.setTimeout(120_000);
  const dir = join(process.env.E2E_DIR ?? '/tmp', `sync-${Date.now()}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const bin = fieldhubBin(dir);
  token = addUser(bin, join(dir, 'hub'), 'rep@example.com', 'field').token;
  const hub = await startHub(bin, join(dir, 'hub'));
  procs.push(hub.proc);
  hubURL = hub.url;
  const [lp, pp] = [await freePort(), await freePort()];
  const [laptop, phone] = await Promise.all([startApp(join(dir, 'laptop'), lp, 'rep', true), startApp(join(dir, 'phone'), pp, 'rep', false)]);
  procs.push(laptop, phone);
  laptopURL = `http://127.0.0.1:${lp}`;
  phoneURL = `http://127.0.0.1:${pp}`;
});

test.afterAll(async () => {
  await stop(procs);
  procs = [];
});

async function openAt(browser: Browser, url: string, hash: string): Promise<Page> {
  const ctx = await browser.newContext({ baseURL: url, viewport: { width: 1024, height: 700 } });
  const page = await ctx.newPage();
  await page.goto('/' + hash);
  await page.waitForFunction(() => (window as any).go?.bridge?.Sync?.Status !== undefined);
  return page;
}

async function hub(page: Page, url: string) {
  const r = await goCall(page, 'Sync', 'SaveSettings', { hub_url: url, token: url === hubURL ? token : '', clear_token: false });
  expect(r, JSON.stringify(r)).toHaveProperty('ok');
}

async function syncedUp(page: Page) {
  await expect
    .poll(
      async () => {
        await goCall(page, 'Sync', 'SyncNow');
        const s = (await goCall<any>(page, 'Sync', 'Status')) as { ok: any };
        return `${s.ok.state}:${s.ok.pending}`;
      },
      { timeout: 40_000, intervals: [300, 500, 1000] },
    )
    .toBe('idle:0');
}

test('pending changes, then a notes conflict shown in the call and resolved', async ({ browser }) => {
  test.setTimeout(150_000);
  const laptop = await openAt(browser, laptopURL, '#/home');
  const phone = await openAt(browser, phoneURL, '#/home');

  // Before any hub: the badge says so and the pending view lists the demo records.
  const badge = laptop.getByTestId('sync-badge');
  await expect(badge).toContainText(/not configured/i);
  await badge.click();
  await expect(laptop).toHaveURL(/#\/sync$/);
  const pendingRows = laptop.getByRole('table', { name: 'Pending changes' }).getByRole('row');
  await expect(pendingRows.nth(1)).toBeVisible();
  const pending = ((await goCall<any[]>(laptop, 'Sync', 'Pending', 500)) as { ok: any[] }).ok.length;
  expect(pending).toBeGreaterThan(10);

  // Settings → hub URL and token (write-only) on the laptop through the UI.
  await laptop.goto('/#/settings');
  const form = laptop.getByRole('form', { name: 'Hub' });
  await form.getByLabel('Hub URL').fill(hubURL);
  await form.getByRole('textbox', { name: 'Token' }).fill(token);
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form.getByRole('textbox', { name: 'Token' })).toHaveValue('');
  await expect(form.getByRole('textbox', { name: 'Token' })).toHaveAttribute('placeholder', /Saved/);
  await syncedUp(laptop);
  // The demo notebook holds its own 8 hypotheses and 2 studies, which only
  // product may write: the hub refuses them, and the page says so instead
  // of "Up to date" (issue 16.8), naming the reason.
  await laptop.goto('/#/sync');
  await expect(laptop.getByTestId('sync-page-state')).toHaveText('10 changes refused');
  const refused = laptop.getByRole('list', { name: 'Refused changes' });
  await expect(refused.getByRole('listitem')).toHaveCount(10);
  await expect(refused).toContainText('only product or admin may write a hypothesis');
  await expect(laptop.getByText('Nothing waiting: the hub has every change.')).toBeVisible();
  await expect(laptop.getByTestId('sync-badge')).toContainText('0 waiting');

  // A call with notes reaches the phone.
  const accounts = (await goCall<any[]>(laptop, 'Accounts', 'List', '')) as { ok: any[] };
  const call = ((await goCall<any>(laptop, 'Calls', 'Start', accounts.ok[0].id, 'discovery')) as { ok: any }).ok;
  await goCall(laptop, 'Calls', 'SaveNotes', call.id, 'first draft');
  await syncedUp(laptop);
  await hub(phone, hubURL);
  await expect
    .poll(async () => {
      await goCall(phone, 'Sync', 'SyncNow');
      const v = (await goCall<any>(phone, 'Calls', 'View', call.id)) as any;
      return v.ok?.call?.notes ?? '';
    }, { timeout: 40_000 })
    .toBe('first draft');

  // The phone goes offline; both edit the notes; the phone comes back.
  await hub(phone, 'http://127.0.0.1:9');
  await goCall(laptop, 'Calls', 'SaveNotes', call.id, 'laptop text');
  await syncedUp(laptop);
  await goCall(phone, 'Calls', 'SaveNotes', call.id, 'phone text');
  await hub(phone, hubURL);
  await syncedUp(phone);
  await expect
    .poll(async () => {
      await goCall(phone, 'Sync', 'SyncNow');
      const v = (await goCall<any>(phone, 'Calls', 'View', call.id)) as any;
      return v.ok.call.notes_conflicts.length;
    }, { timeout: 40_000 })
    .toBe(1);

  // The capture screen shows the copy where it happened; "Use theirs" takes it over.
  await phone.goto(`/#/calls/${call.id}`);
  const notes = phone.getByRole('textbox', { name: 'Call notes' });
  const mine = await notes.inputValue();
  const region = phone.getByRole('region', { name: /also edited on another device/ });
  await expect(region).toBeVisible();
  await region.getByRole('button', { name: 'Show text' }).click();
  const theirs = await region.getByLabel('The other version').textContent();
  expect([mine, theirs].sort()).toEqual(['laptop text', 'phone text']);
  await region.getByRole('button', { name: 'Use theirs' }).click();
  await expect(region).toHaveCount(0);
  await expect(notes).toHaveValue(theirs!);
  await expect(phone.getByRole('status', { name: 'Save state' })).toHaveText(/Saved/);
  const v = ((await goCall<any>(phone, 'Calls', 'View', call.id)) as any).ok;
  expect(v.call.notes_conflicts).toEqual([]);
  expect(v.call.notes).toBe(theirs);

  // The resolution syncs: the laptop ends with the same notes and no copy.
  await syncedUp(phone);
  await expect
    .poll(async () => {
      await goCall(laptop, 'Sync', 'SyncNow');
      const l = ((await goCall<any>(laptop, 'Calls', 'View', call.id)) as any).ok.call;
      return `${l.notes}|${l.notes_conflicts.length}`;
    }, { timeout: 40_000 })
    .toBe(`${theirs}|0`);
});
