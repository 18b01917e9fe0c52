import { type Browser, type Page } from '@playwright/test';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, goCall, open } from './helpers';
import { addUser, fieldhubBin, freePort, startApp, startHub, stop, type Proc } from './product-helpers';

// A product manager invites people from the app (Team, app/bridge/invites.go)
// against a real fieldhub: the code the screen shows joins a second, empty
// notebook; a revoked invite is refused by the hub; a rep sees no Team.
let procs: Proc[] = [];
let hubURL = '';
const urls: Record<string, string> = {};
const tokens: Record<string, string> = {};

test.beforeAll(async () => {
  test.setTimeout(150_000);
  const dir = join(process.env.E2E_DIR ?? '/tmp', `team-${Date.now()}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const bin = fieldhubBin(dir);
  const hubData = join(dir, 'hub');
  tokens.pm = addUser(bin, hubData, 'pm@example.com', 'product').token;
  tokens.rep = addUser(bin, hubData, 'rep@example.com', 'field').token;
  const hub = await startHub(bin, hubData);
  hubURL = hub.url;
  procs.push(hub.proc);
  const names = ['pm', 'rep', 'newcomer'];
  const ports = await Promise.all(names.map(() => freePort()));
  procs.push(...(await Promise.all(names.map((n, i) => startApp(join(dir, n), ports[i], n, false)))));
  names.forEach((n, i) => (urls[n] = `http://127.0.0.1:${ports[i]}`));
});

test.afterAll(async () => {
  await stop(procs);
  procs = [];
});

async function signedIn(browser: Browser, name: string): Promise<Page> {
  const ctx = await browser.newContext({ baseURL: urls[name], viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  await open(page, '#/settings');
  const saved = await goCall(page, 'Sync', 'SaveSettings', { hub_url: hubURL, token: tokens[name], clear_token: false });
  expect(saved, JSON.stringify(saved)).toHaveProperty('ok');
  await goCall(page, 'Welcome', 'Dismiss');
  return page;
}

test('a PM invites from the app: the code joins a new notebook, a revoked invite is refused', async ({ browser }) => {
  test.setTimeout(120_000);
  const pm = await signedIn(browser, 'pm');
  await pm.goto('/#/home');
  await pm.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /Team/ }).click();
  await expect(pm).toHaveURL(/#\/team$/);

  const form = pm.getByRole('form', { name: 'New invite' });
  await form.getByLabel('Email').fill('new.rep@example.com');
  await form.getByLabel('Role').selectOption('field');
  await form.getByLabel('Expires after').selectOption('7d');
  await form.getByRole('button', { name: 'Create invite' }).click();
  const send = pm.getByRole('region', { name: 'Invite to send' });
  await expect(send).toContainText('Send this to new.rep@example.com');
  const code = await send.getByLabel('Invite code').inputValue();
  const link = await send.getByLabel('Invite link').inputValue();
  expect(code).toMatch(/^FN1-/);
  expect(link).toMatch(/^fieldnotes:\/\/join\?/);
  await send.getByRole('button', { name: 'Copy code' }).click();
  await expect(pm.getByRole('status').filter({ hasText: 'Code copied.' })).toBeVisible();
  const list = pm.getByRole('list', { name: 'Invites' });
  await expect(list.getByRole('listitem', { name: 'Invite for new.rep@example.com' })).toContainText('Pending');

  // The newcomer pastes the code on the welcome screen and joins.
  const newcomer = await browser.newContext({ baseURL: urls.newcomer, viewport: { width: 1280, height: 800 } }).then((c) => c.newPage());
  await open(newcomer, '#/home');
  const join = newcomer.getByRole('form', { name: 'Join your team' });
  await join.getByLabel('Invite link or code').fill(code);
  await join.getByRole('button', { name: 'Join' }).click();
  await expect(newcomer.getByRole('region', { name: 'Welcome to Fieldnotes' })).toHaveCount(0, { timeout: 40_000 });
  const settings = (await goCall<any>(newcomer, 'Sync', 'Settings')) as { ok: any };
  expect(settings.ok).toMatchObject({ hub_url: hubURL, has_token: true });
  await pm.reload();
  await expect(list.getByRole('listitem', { name: 'Invite for new.rep@example.com' })).toContainText('Used', { timeout: 10_000 });

  // A second invite, revoked before it is used: the hub refuses it.
  await form.getByLabel('Email').fill('late.rep@example.com');
  await form.getByLabel('Role').selectOption('product');
  await form.getByRole('button', { name: 'Create invite' }).click();
  await expect(send).toContainText('late.rep@example.com');
  const revokedLink = await send.getByLabel('Invite link').inputValue();
  await list.getByRole('button', { name: 'Revoke the invite for late.rep@example.com' }).click();
  await expect(list.getByRole('listitem', { name: 'Invite for late.rep@example.com' })).toContainText('Revoked');
  await expect(send).toHaveCount(0);
  const secret = new URL(revokedLink.replace(/^fieldnotes:/, 'http:')).searchParams.get('secret');
  const r = await fetch(`${hubURL}/v1/invites/redeem`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ secret, device_name: 'test' }) });
  expect(r.status).toBe(403);
  expect(((await r.json()) as { message: string }).message).toContain('revoked');
});

test('a field rep has no Team screen, and the hub refuses them invites', async ({ browser }) => {
  const rep = await signedIn(browser, 'rep');
  await rep.goto('/#/home');
  await expect(rep.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /Insights|Team/ })).toHaveCount(0);
  const listed = (await goCall(rep, 'Invites', 'List')) as { err: { code: string; message: string } };
  expect(listed.err.code).toBe('forbidden');
  expect(listed.err.message).toContain('Only product managers and admins');
});
