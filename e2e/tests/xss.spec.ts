import { type Page, type Request } from '@playwright/test';
import { test, expect } from './helpers';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { open } from './helpers';

// Every sanitised document of app/imapsync's XSS / remote-content corpus
// (testdata/xss/out, written by TestXSSCorpus) is rendered in real Chromium
// the way the reader renders it (srcdoc in <iframe sandbox="allow-same-origin">,
// inside the app's own page), and once more WITHOUT the sandbox, so the
// sanitiser + the document's CSP are shown to hold on their own. Nothing may
// run (no dialog, no console output from the frames, no flag set) and
// nothing may be fetched from anywhere but the app itself.
const dir = fileURLToPath(new URL('../../app/imapsync/testdata/xss/out', import.meta.url));
const docs = readdirSync(dir)
  .filter((f) => f.endsWith('.html'))
  .sort()
  .map((name) => ({ name, html: readFileSync(join(dir, name), 'utf8') }));

interface Watch {
  dialogs: string[];
  remote: string[];
  console: string[];
}

async function watch(page: Page, origin: string): Promise<Watch> {
  const w: Watch = { dialogs: [], remote: [], console: [] };
  page.on('dialog', (d) => {
    w.dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  // cid: (inline parts) never reaches a network; Chromium just fails it
  const local = (u: string) => u.startsWith(origin) || /^(data|about|blob|cid):/i.test(u);
  page.on('request', (r: Request) => {
    if (!local(r.url())) w.remote.push(r.url());
  });
  // Belt and braces: nothing leaves the machine even if a request slipped through.
  await page.route('**/*', (route) => (local(route.request().url()) ? route.continue() : route.abort('blockedbyclient')));
  page.on('console', (m) => {
    if (m.type() !== 'error' || !/Content Security Policy|Blocked script execution|sandboxed/i.test(m.text())) {
      if (m.location().url === '' || m.location().url.startsWith('about:srcdoc')) w.console.push(m.text());
    }
  });
  return w;
}

/** render puts every document in an iframe (sandboxed like the reader or not) and waits for all to load. */
async function render(page: Page, sandboxed: boolean) {
  return page.evaluate(
    async ({ docs, sandboxed }) => {
      (window as any).__xss = 0;
      const host = document.createElement('div');
      host.id = 'xss-host';
      document.body.append(host);
      const loads = docs.map(
        (d) =>
          new Promise<void>((resolve) => {
            const f = document.createElement('iframe');
            if (sandboxed) f.setAttribute('sandbox', 'allow-same-origin');
            f.title = d.name;
            f.style.cssText = 'width:600px;height:200px;display:block';
            f.onload = () => resolve();
            f.srcdoc = d.html;
            host.append(f);
          }),
      );
      await Promise.all(loads);
      // A vector that ran could have touched the frame's window or ours.
      const frames = [...host.querySelectorAll('iframe')];
      let touched = 0;
      for (const f of frames) {
        const w = f.contentWindow as any;
        if (w && (w.__xss || w.xss || w.pwned)) touched++;
      }
      return { frames: frames.length, touched, flag: (window as any).__xss };
    },
    { docs, sandboxed },
  );
}

/** poke hovers, focuses and clicks inside each frame, so handler-based vectors get their chance. */
async function poke(page: Page) {
  for (const f of await page.locator('#xss-host iframe').all()) {
    await f.scrollIntoViewIfNeeded();
    await f.hover({ position: { x: 30, y: 20 } });
  }
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.waitForTimeout(300); // timers, meta refresh, lazy loads
}

test(`the XSS corpus (${docs.length} documents) runs nothing and fetches nothing`, async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  // The browser refusing a cid: image in an email is the defence working, not an app error.
  test.info().annotations.push({ type: 'console-error', description: 'net::ERR_UNKNOWN_URL_SCHEME (cid:' });
  expect(docs.length).toBeGreaterThanOrEqual(50);
  const w = await watch(page, baseURL!);
  await open(page, '#/home');

  for (const sandboxed of [true, false]) {
    await page.evaluate(() => document.getElementById('xss-host')?.remove());
    const r = await render(page, sandboxed);
    expect(r.frames).toBe(docs.length);
    if (!sandboxed) await poke(page); // handlers could only fire without the sandbox
    const after = await page.evaluate(() => ({
      flag: (window as any).__xss,
      hosts: [...document.querySelectorAll('#xss-host iframe')].map((f) => (f as HTMLIFrameElement).contentDocument?.querySelectorAll('script, iframe, object, embed, form, [onerror], [onload], [onclick], [onmouseover], [onfocus]').length ?? -1),
    }));
    expect(r.touched, `${sandboxed ? 'sandboxed' : 'unsandboxed'}: a vector touched its window`).toBe(0);
    expect(after.flag).toBe(0);
    // the sanitised documents carry no active element at all
    expect(after.hosts.filter((n) => n !== 0), 'documents with a script, frame, form or handler left').toEqual([]);
  }
  expect(w.dialogs, 'script executions (dialogs)').toEqual([]);
  expect(w.console, 'console output from the email frames').toEqual([]);
  expect(w.remote, 'remote requests').toEqual([]);
});

test('the harness does see a script run and a remote request (positive control)', async ({ page, baseURL }) => {
  // The control's own script and remote image are refused by the browser on purpose.
  test.info().annotations.push(
    { type: 'console-error', description: 'net::ERR_BLOCKED_BY_CLIENT' },
    { type: 'console-error', description: "Blocked script execution in 'about:srcdoc'" },
  );
  const w = await watch(page, baseURL!);
  await open(page, '#/home');
  await page.evaluate(async () => {
    const f = document.createElement('iframe');
    f.srcdoc = '<script>alert("control")</script><img src="https://evil.example/pixel.png">';
    await new Promise<void>((ok) => {
      f.onload = () => ok();
      document.body.append(f);
    });
  });
  await expect.poll(() => w.dialogs.length).toBe(1);
  await expect.poll(() => w.remote.length).toBeGreaterThanOrEqual(1);

  // …and the same active document in the reader's sandbox runs nothing.
  const before = w.dialogs.length;
  await page.evaluate(async () => {
    const f = document.createElement('iframe');
    f.setAttribute('sandbox', 'allow-same-origin');
    f.srcdoc = '<script>alert("sandboxed")</script>';
    await new Promise<void>((ok) => {
      f.onload = () => ok();
      document.body.append(f);
    });
  });
  await page.waitForTimeout(300);
  expect(w.dialogs.length).toBe(before);
});
