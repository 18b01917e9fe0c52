import { type Page } from '@playwright/test';
import { test, expect } from './helpers';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { goCall, open } from './helpers';
import { fakeAI } from './fakeai';

// The Inbox against a real IMAP server: go-imap's in-memory server on
// 127.0.0.1 (app/imapsync/imaptest/imapfixture), seeded with mail from a
// demo account's domain, a subdomain, a helpdesk relay that names the
// contact only in its display name (not relevant) and a reply in Sent.
const fixtureDir = fileURLToPath(new URL('../../app/imapsync/imaptest/imapfixture', import.meta.url));
const fixtureBin = join(process.env.E2E_DIR ?? tmpdir(), 'imapfixture');

interface Fixture {
  host: string;
  port: number;
  user: string;
  password: string;
  proc: ChildProcess;
}

test.beforeAll(() => {
  const r = spawnSync('go', ['build', '-o', fixtureBin, '.'], {
    cwd: fixtureDir,
    env: { ...process.env, GOPROXY: 'off' }, // the app's own module: its dependencies are already here
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`building the IMAP fixture failed: ${r.stderr}`);
});

async function startIMAP(domain: string, contact: string): Promise<Fixture> {
  const proc = spawn(fixtureBin, ['-domain', domain, '-contact', contact], { stdio: ['pipe', 'pipe', 'inherit'] });
  const line: string = await new Promise((resolve, reject) => {
    createInterface({ input: proc.stdout! }).once('line', resolve);
    proc.once('exit', (code) => reject(new Error(`imapfixture exited ${code}`)));
  });
  const j = JSON.parse(line);
  const [host, port] = j.addr.split(':');
  return { host, port: Number(port), user: j.user, password: j.password, proc };
}

/** anAccountWithAContact picks a demo account with a contact, hypotheses and no mail yet. */
async function anAccountWithAContact(page: Page) {
  const rows = (await goCall<any[]>(page, 'Accounts', 'List', '')) as { ok: any[] };
  for (const a of rows.ok) {
    const b = (await goCall<any>(page, 'Accounts', 'Brief', a.id)) as { ok: any };
    const c = b.ok.contacts.find((x: any) => x.email);
    const mail = (await goCall<any[]>(page, 'Mail', 'ForAccount', a.id, 1)) as { ok: any[] };
    if (c && a.domains.length && b.ok.hypotheses.length && !mail.ok?.length) return { account: a, contact: c }; // no mail yet: a clean slate
  }
  throw new Error('demo data has no account with a contact');
}

test('the Inbox shows relevant mail from a real IMAP server, safely', async ({ page }) => {
  test.setTimeout(90_000);
  await open(page, '#/home');
  const { account, contact } = await anAccountWithAContact(page);
  const imap = await startIMAP(account.domains[0], contact.email);
  try {
    // Settings → Mail: a wrong password is named as such, then the right one works.
    await open(page, '#/settings');
    const form = page.getByRole('form', { name: 'Mail account' });
    await form.getByLabel('IMAP server').fill(imap.host);
    await form.getByLabel('Security').selectOption('none');
    await form.getByLabel('Port').fill(String(imap.port));
    await form.getByLabel('User name').fill(imap.user);
    await form.getByLabel('Password or app password').fill('wrong');
    await form.getByRole('button', { name: 'Test connection' }).click();
    await expect(page.getByTestId('mail-test')).toContainText(/refused the user name or password/i, { timeout: 15_000 });
    await form.getByLabel('Password or app password').fill(imap.password);
    await form.getByRole('button', { name: 'Test connection' }).click();
    await expect(page.getByTestId('mail-test')).toContainText('Connected', { timeout: 15_000 });
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(form.getByLabel('Password or app password')).toHaveValue(''); // write-only
    await expect(form.getByLabel('Password or app password')).toHaveAttribute('placeholder', /Saved/);
    // Saving starts a pull; it ends up to date (progress in words meanwhile), and Sync now pulls again.
    await expect(page.getByTestId('mail-sync-state')).toContainText(/Up to date/, { timeout: 20_000 });
    await page.getByRole('button', { name: 'Sync now' }).click();
    await expect(page.getByTestId('mail-sync-state')).toContainText(/^Up to date · last today/, { timeout: 20_000 });

    // g i: the Inbox, grouped by account, unread first time.
    await page.getByRole('heading', { name: 'Settings', level: 1 }).click();
    await page.keyboard.press('g');
    await page.keyboard.press('i');
    await expect(page).toHaveURL(/#\/inbox$/);
    const group = page.getByRole('region', { name: new RegExp(`^${account.name}, \\d+ unread`) });
    await expect(group.getByRole('link', { name: /Month-end close pain/ }).first()).toBeVisible({ timeout: 15_000 });
    await expect(group.getByRole('link', { name: /Invoice approvals/ })).toBeVisible(); // a subdomain of the account
    await expect(page.getByRole('link', { name: /Your newsletter/ })).toHaveCount(0); // relay: display name only
    const first = group.getByRole('link', { name: /Dana Customer|Month-end close pain/ }).filter({ hasText: 'Month-end close pain' }).filter({ hasNot: page.getByText('Re:') }).first();
    await expect(first.getByLabel('Unread')).toBeVisible();

    // The reader: sanitised HTML in a sandbox without scripts; no remote content.
    const remote: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith('http://127.0.0.1') && !/^(data|about|blob|cid):/.test(r.url())) remote.push(r.url());
    });
    await first.click();
    await expect(page.getByRole('heading', { name: 'Month-end close pain', level: 2 })).toBeVisible();
    const iframe = page.locator('iframe[title^="Email body"]');
    await expect(iframe).toHaveAttribute('sandbox', 'allow-same-origin');
    const body = page.frameLocator('iframe[title^="Email body"]');
    await expect(body.getByText(/nine days/)).toBeVisible();
    expect(await body.locator('script, img[src^="http"]').count()).toBe(0);
    await expect(page.getByRole('region', { name: 'Attachments' })).toContainText('close-report.pdf');
    await expect(first.getByLabel('Unread')).toHaveCount(0); // reading marks it read

    // A link in the email goes to Mail.OpenLink (stubbed here: no browser, no traffic), never navigates.
    await page.evaluate(() => {
      (window as any).__opened = [];
      (window as any).go.bridge.Mail.OpenLink = async (u: string) => void (window as any).__opened.push(u);
    });
    const before = page.url();
    await body.getByRole('link', { name: 'Our roadmap' }).click();
    await expect.poll(() => page.evaluate(() => (window as any).__opened)).toEqual([`https://${account.domains[0]}/roadmap`]);
    expect(page.url()).toBe(before);

    // Select words in the email, press e: they become the quote of new evidence.
    await body.locator('p').first().evaluate((p) => {
      const doc = p.ownerDocument;
      const text = p.firstChild!; // "Our month-end close takes "
      const range = doc.createRange();
      range.setStart(text, 4);
      range.setEnd(text, text.textContent!.length - 1);
      doc.getSelection()!.removeAllRanges();
      doc.getSelection()!.addRange(range);
    });
    await page.getByRole('heading', { name: 'Month-end close pain', level: 2 }).click({ position: { x: 1, y: 1 } }).catch(() => {});
    await page.keyboard.press('e');
    const ev = page.getByRole('form', { name: 'Keep as evidence' });
    await expect(ev).toBeVisible();
    await ev.getByLabel('Signal').selectOption('supports');
    const quote = await ev.getByLabel('Quote').inputValue();
    expect(['month-end close takes', 'Our month-end close takes nine days because of manual matching.']).toContain(quote);
    await ev.getByRole('button', { name: 'Save as evidence' }).click();
    await expect(ev).toHaveCount(0);
    await expect(page.getByText('Shared as evidence')).toBeVisible();

    // AI triage of the open email: a summary and a suggested link with its excerpt; Accept links it.
    const ai = await fakeAI();
    try {
      const brief = ((await goCall<any>(page, 'Accounts', 'Brief', account.id)) as { ok: any }).ok;
      const h = brief.hypotheses[0];
      ai.answer = JSON.stringify({
        summary: 'Close takes nine days; manual matching is the cause.',
        links: [{ hypothesis_id: h.id, question_id: h.questions[0].id, signal: 'supports', strength: 2, quote: 'nine days because of manual matching', wtp: null }],
      });
      const saved = await goCall(page, 'Assist', 'SaveSettings', { base_url: ai.url, model: 'test-model', azure_api_version: '', redaction: true, org_disabled: false, use_tools: false, no_stream: false, has_key: false, api_key: 'sk-test', clear_key: false });
      expect(saved).toHaveProperty('ok');
      const triage = page.getByRole('region', { name: 'AI triage' });
      await triage.getByRole('button', { name: 'Summarise and suggest links' }).click();
      await expect(triage).toContainText('Close takes nine days; manual matching is the cause.', { timeout: 15_000 });
      const link = triage.getByRole('list', { name: 'Suggested links' }).getByRole('listitem');
      await expect(link).toContainText('nine days because of manual matching');
      await link.getByRole('button', { name: 'Accept' }).click();
      await expect(link).toHaveCount(0);
      expect(ai.requests.length).toBe(1);
    } finally {
      await goCall(page, 'Assist', 'SaveSettings', { base_url: '', model: '', azure_api_version: '', redaction: true, org_disabled: false, use_tools: false, no_stream: false, has_key: false, api_key: '', clear_key: true });
      await ai.close();
    }

    // Search finds emails and opens them in the reader.
    const hits = (await goCall<any[]>(page, 'Search', 'Query', 'approvals', 20)) as { ok: any[] };
    const hit = hits.ok.find((h) => h.type === 'email');
    expect(hit?.route).toMatch(/^#\/inbox\//);

    // Usable at 1024×700, light and dark (screenshots for the report).
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.screenshot({ path: 'test-results/inbox-1024-light.png' });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: 'test-results/inbox-1024-dark.png' });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1280, height: 800 });

    // Not relevant: hidden for good.
    await group.getByRole('link', { name: /Invoice approvals/ }).click();
    await page.getByRole('button', { name: 'Not relevant…' }).click();
    await page.getByRole('button', { name: 'Yes, not relevant' }).click();
    await expect(page).toHaveURL(/#\/inbox$/);
    await expect(page.getByRole('link', { name: /Invoice approvals/ })).toHaveCount(0);

    // The account's brief lists its email.
    await open(page, `#/accounts/${account.id}`);
    await expect(page.getByRole('region', { name: 'Email' }).getByRole('link', { name: /Month-end close pain/ }).first()).toBeVisible();
    expect(remote, 'remote requests').toEqual([]);
  } finally {
    await goCall(page, 'Mail', 'Cancel'); // the suite's app stops pulling from the fixture that goes away
    imap.proc.stdin?.end();
    imap.proc.kill();
  }
});
