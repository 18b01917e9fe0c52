import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test, expect, goCall, open } from './helpers';
import { fieldhubBin, freePort, startApp, startHub, stop, type Proc } from './product-helpers';

// "Sign in with your company account" end to end: a real OpenID Provider
// (cmd/testop: zitadel's pkg/op), `fieldhub serve` with single sign-on, and
// the dev app on an empty notebook. The rep types only the hub's address
// and clicks the button; the app would open the system browser — here it
// writes the URL (FIELDNOTES_E2E_BROWSER_FILE) and this test follows it in
// its own browser, signs in on the provider's page and is sent back to the
// app's loopback listener; the app then lands signed in and synced.
let procs: Proc[] = [];
let dir = '';
let hubURL = '';
let appURL = '';
let opened = '';
const repo = resolve(process.cwd(), '..');

async function startProvider(bin: string): Promise<string> {
  const child = spawn(bin, ['--client-id', 'fieldnotes-desktop', '--user', 'ana:pw-ana:ana@acme.example:verified', '--user', 'bo:pw-bo:bo@acme.example:unverified'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const proc: Proc = { child, log: [] };
  procs.push(proc);
  return new Promise<string>((ok, fail) => {
    let buf = '';
    const timer = setTimeout(() => fail(new Error(`testop did not start: ${buf}`)), 20_000);
    child.stderr!.on('data', (b: Buffer) => {
      buf += b.toString();
      const m = buf.match(/"issuer":"([^"]+)"/);
      if (m) {
        clearTimeout(timer);
        ok(m[1]);
      }
    });
    child.on('exit', (code) => fail(new Error(`testop exited ${code}: ${buf}`)));
  });
}

test.beforeAll(async () => {
  test.setTimeout(180_000);
  dir = join(process.env.E2E_DIR ?? '/tmp', `signin-${Date.now()}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const opBin = join(dir, 'testop');
  const built = spawnSync('go', ['build', '-o', opBin, './sync/synctest/cmd/testop'], { cwd: repo, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`go build testop: ${built.stderr}`);
  const issuer = await startProvider(opBin);

  const env = { FIELDHUB_OIDC_ISSUER: issuer, FIELDHUB_OIDC_CLIENT_ID: 'fieldnotes-desktop', FIELDHUB_OIDC_ALLOWED_DOMAINS: 'acme.example' };
  Object.assign(process.env, env); // fieldhub serve reads them (startHub passes its environment on)
  try {
    const hub = await startHub(fieldhubBin(dir), join(dir, 'hub'));
    hubURL = hub.url;
    procs.push(hub.proc);
  } finally {
    for (const k of Object.keys(env)) delete process.env[k];
  }
  opened = join(dir, 'opened-url');
  process.env.FIELDNOTES_E2E_BROWSER_FILE = opened;
  try {
    const port = await freePort();
    procs.push(await startApp(join(dir, 'rep'), port, 'rep', false));
    appURL = `http://127.0.0.1:${port}`;
  } finally {
    delete process.env.FIELDNOTES_E2E_BROWSER_FILE;
  }
});

test.afterAll(async () => {
  await stop(procs);
  procs = [];
});

/** theOpenedURL waits for the URL the app asked the system browser to open. */
async function theOpenedURL(): Promise<string> {
  let url = '';
  await expect.poll(() => (existsSync(opened) ? (url = readFileSync(opened, 'utf8').trim()) : ''), { timeout: 15_000 }).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/auth\?/);
  rmSync(opened);
  return url;
}

test('a rep signs in with the company account from the welcome screen', async ({ browser }) => {
  test.setTimeout(120_000);
  test.info().annotations.push({ type: 'console-error', description: 'favicon.ico' }); // the provider's and the loopback's pages have none
  const ctx = await browser.newContext({ baseURL: appURL, viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  await open(page, '#/home');
  const welcome = page.getByRole('region', { name: 'Welcome to Fieldnotes' });
  const sso = welcome.getByRole('group', { name: 'Sign in with your company account' });
  await sso.getByLabel('Or sign in with your company account at your hub').fill(hubURL);

  // The browser opens, and the rep closes it instead: Cancel stops the wait.
  await sso.getByRole('button', { name: 'Sign in with your company account' }).click();
  await theOpenedURL();
  await sso.getByRole('button', { name: 'Cancel' }).click();
  await expect(sso.getByRole('alert')).toContainText('signing in was cancelled');

  // Then as bo, whose company email is not verified: refused in words.
  await sso.getByRole('button', { name: 'Sign in with your company account' }).click();
  await expect(sso.getByRole('button', { name: 'Waiting for the browser…' })).toBeVisible();
  const browserTab = await (await browser.newContext()).newPage();
  await browserTab.goto(await theOpenedURL());
  await browserTab.getByLabel('Username').fill('bo');
  await browserTab.getByLabel('Password').fill('pw-bo');
  await browserTab.getByRole('button', { name: 'Login' }).click();
  await expect(browserTab.getByRole('heading', { name: 'Signed in' })).toBeVisible();
  await expect(sso.getByRole('alert')).toContainText('is not verified', { timeout: 15_000 });
  await expect(welcome).toBeVisible();

  // Then as ana: the app lands signed in, synced, on Home.
  await sso.getByRole('button', { name: 'Sign in with your company account' }).click();
  await browserTab.goto(await theOpenedURL());
  await browserTab.getByLabel('Username').fill('ana');
  await browserTab.getByLabel('Password').fill('pw-ana');
  await browserTab.getByRole('button', { name: 'Login' }).click();
  await expect(browserTab.getByRole('heading', { name: 'Signed in' })).toBeVisible();
  await expect(welcome).toHaveCount(0, { timeout: 40_000 });
  await expect(page).toHaveURL(/#\/home$/);
  await expect(page.getByTestId('sync-badge')).toContainText('Up to date', { timeout: 20_000 });

  // Settings shows the hub, offers the company sign-in again (this hub has
  // it), and the stored token is ana's at the hub.
  await open(page, '#/settings');
  await expect(page.getByRole('textbox', { name: 'Hub URL' })).toHaveValue(hubURL);
  await expect(page.getByRole('group', { name: 'Company sign-in' }).getByRole('button', { name: 'Sign in with your company account' })).toBeVisible();
  const me = (await goCall<{ email: string }>(page, 'Product', 'Me')) as { ok?: { email: string } };
  expect(me.ok?.email).toBe('ana@acme.example');
});
