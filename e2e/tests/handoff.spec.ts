import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test, expect, open } from './helpers';
import { freePort, startApp, stop, track, type Proc } from './product-helpers';

// A clicked invite while the app is open: the system starts a second
// Fieldnotes with the link; it finds the notebook open, hands the link to the
// running window over Wails' single-instance lock (a D-Bus name on Linux: a
// private session bus here) and exits, and the open window shows the Join
// form filled in, even after the user had chosen "this laptop only".
let procs: Proc[] = [];
let dir = '';
let url = '';
let bus = '';
const repo = resolve(process.cwd(), '..');
const appBin = resolve(process.env.E2E_APP_BIN ?? join(repo, 'build/bin/fieldnotes-dev'));

test.beforeAll(async () => {
  test.setTimeout(90_000);
  dir = join(process.env.E2E_DIR ?? '/tmp', `handoff-${Date.now()}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const daemon = spawn('dbus-daemon', ['--session', '--nofork', '--nopidfile', '--print-address=1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  procs.push(track(daemon));
  bus = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error('dbus-daemon printed no address')), 10_000);
    daemon.stdout!.once('data', (b: Buffer) => {
      clearTimeout(timer);
      ok(b.toString().trim());
    });
  });
  const port = await freePort();
  procs.push(await startApp(join(dir, 'rep'), port, 'rep', false, '', { DBUS_SESSION_BUS_ADDRESS: bus }));
  url = `http://127.0.0.1:${port}`;
});

test.afterAll(async () => {
  await stop(procs.reverse());
  procs = [];
});

test('a second launch with an invite link hands it to the open window and exits', async ({ browser }) => {
  test.setTimeout(60_000);
  const ctx = await browser.newContext({ baseURL: url, viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  await open(page, '#/home');
  const welcome = page.getByRole('region', { name: 'Welcome to Fieldnotes' });
  await welcome.getByRole('button', { name: 'Use it on this laptop only' }).click();
  await expect(welcome).toHaveCount(0);
  await page.goto('/#/settings');

  const link = 'fieldnotes://join?hub=https%3A%2F%2Fhub.example.com&secret=inv_handoffhandoffhandoff';
  const port = await freePort(); // the second launch's dev server, were it to start a window
  const second = spawn(appBin, [link], {
    env: {
      ...process.env,
      FIELDNOTES_DATA: join(dir, 'rep', 'data'),
      FIELDNOTES_NO_KEYRING: '1',
      FIELDNOTES_DEBUG: '1', // its info line says it handed over
      DBUS_SESSION_BUS_ADDRESS: bus,
      assetdir: resolve(repo, 'frontend/dist'),
      devserver: `127.0.0.1:${port}`,
      loglevel: 'Warning',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const proc = track(second);
  procs.push(proc);
  const exited = await new Promise<number | null>((ok) => {
    const timer = setTimeout(() => ok(-1), 30_000);
    second.once('exit', (code) => {
      clearTimeout(timer);
      ok(code);
    });
  });
  expect(exited, `the second launch is still running: ${proc.log.join('')}`).not.toBe(-1);
  expect(proc.log.join('')).toContain('handing this launch over');

  const form = page.getByRole('form', { name: 'Join your team' });
  await expect(page).toHaveURL(/#\/home$/);
  await expect(form.getByLabel('Invite link or code')).toHaveValue(link);
  // Only one window: the second launch's dev server never came up.
  await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
});
