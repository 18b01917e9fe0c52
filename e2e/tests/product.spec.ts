// The product loop over real processes: a PM publishes a hypothesis, a
// rep's notebook receives it on sync, the rep records evidence in a call,
// the PM's Insights screen shows it with its time to signal; the PM decides
// and the rep sees that their evidence moved it.
//
// Run: E2E_PORT=34135 xvfb-run -a npx playwright test tests/product.spec.ts (after `npm run build` in
// frontend/ and `go build -tags dev -o build/bin/fieldnotes-dev .`). It starts its own fieldhub
// (built into the scratch dir unless E2E_FIELDHUB_BIN is set) and two apps on E2E_PORT+1/+2;
// E2E_APP_BIN and E2E_ASSET_DIR point at another app binary / built frontend.
import { type Browser, type Page } from '@playwright/test';
import { test, expect } from './helpers';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { goCall, metric } from './helpers';
import { start, stop, type World } from './product-helpers';

const base = Number(process.env.E2E_PORT ?? 34115);
const STATEMENT = `Field teams would pay for offline capture ${Date.now().toString(36)}`;
const QUESTION = 'Do you lose notes when the network drops?';

let world: World;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(120_000);
  world = await start(base);
});

test.afterAll(async () => {
  if (world) await stop(world.procs);
});

async function openAt(browser: Browser, url: string, hash: string): Promise<Page> {
  const ctx = await browser.newContext({ baseURL: url, viewport: { width: 1024, height: 700 } });
  const page = await ctx.newPage();
  await page.goto('/' + hash);
  await page.waitForFunction(() => (window as any).go?.bridge?.Product?.Me !== undefined);
  return page;
}

async function connect(page: Page, token: string) {
  const r = await goCall(page, 'Sync', 'SaveSettings', { hub_url: world.hubURL, token, clear_token: false });
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
      { timeout: 30_000, intervals: [300, 500, 1000] },
    )
    .toBe('idle:0');
}

test('publish → sync → evidence → insights with time to signal → decision reaches the rep', async ({ browser }) => {
  test.setTimeout(150_000);
  const pm = await openAt(browser, world.pmURL, '#/home');
  const rep = await openAt(browser, world.repURL, '#/home');
  await connect(pm, world.pm.token);
  await connect(rep, world.rep.token);

  // The hub says who is who: the PM gets the Product section, the rep does not.
  await expect.poll(async () => ((await goCall<any>(pm, 'Product', 'Me')) as any).ok?.role).toBe('product');
  await pm.reload();
  await pm.waitForFunction(() => (window as any).go?.bridge?.Product?.Me !== undefined);
  await expect(pm.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /Priorities/ })).toBeVisible();
  await rep.goto('/#/product');
  await expect(rep.getByText(/for product managers/)).toBeVisible();
  await expect(rep.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /Priorities/ })).toHaveCount(0);

  // The PM writes two drafts with the keyboard and ranks with Alt+↑.
  await pm.goto('/#/product');
  await expect(pm.getByRole('heading', { name: 'Priorities' })).toBeVisible();
  for (const [stmt, q] of [
    ['Reps want a weekly digest', 'Would a Monday digest help?'],
    [STATEMENT, QUESTION],
  ]) {
    await pm.getByRole('heading', { name: 'Priorities' }).click();
    await pm.keyboard.press('n');
    const form = pm.getByRole('form', { name: 'New hypothesis' });
    await expect(form.getByLabel('Statement')).toBeFocused();
    await pm.keyboard.type(stmt);
    await form.getByLabel('Question 1', { exact: true }).fill(q);
    if (stmt === STATEMENT) {
      await form.getByRole('button', { name: 'Add a question' }).click();
      await form.getByLabel('Question 2', { exact: true }).fill('What would you pay for it?');
      await form.getByLabel('Answer kind for question 2').selectOption('wtp');
      await pm.screenshot({ path: 'test-results/product-form.png' });
    }
    await pm.keyboard.press('Control+Enter');
    await expect(pm.getByRole('heading', { level: 1, name: stmt })).toBeVisible();
  }
  const ranked = pm.getByRole('list', { name: 'Ranked hypotheses' }).getByRole('link');
  await expect(ranked).toHaveCount(2);
  await expect(ranked.nth(1)).toContainText(STATEMENT);
  await ranked.nth(1).focus();
  await pm.keyboard.press('Alt+ArrowUp');
  await expect(ranked.nth(0)).toContainText(STATEMENT);
  await expect(ranked.nth(0)).toBeFocused();
  // …and by drag: the digest back on top, then Alt+↓ moves it under again.
  await ranked.nth(1).dragTo(ranked.nth(0));
  await expect(ranked.nth(0)).toContainText('Reps want a weekly digest');
  await expect
    .poll(async () => (((await goCall<any[]>(pm, 'Product', 'ListHypotheses')) as { ok: any[] }).ok[0].statement))
    .toBe('Reps want a weekly digest');
  await ranked.nth(0).focus();
  await pm.keyboard.press('Alt+ArrowDown');
  await expect(ranked.nth(0)).toContainText(STATEMENT);
  await expect
    .poll(async () => ((await goCall<any[]>(pm, 'Product', 'ListHypotheses')) as { ok: any[] }).ok.map((h) => [h.statement, h.rank]))
    .toEqual([[STATEMENT, 1], ['Reps want a weekly digest', 2]]);

  // A study (recruiting ask) for it, authored in the notebook and synced by push.
  await ranked.nth(0).click();
  await pm.getByRole('button', { name: 'Add a study' }).click();
  const study = pm.getByRole('form', { name: 'New study' });
  await expect(study.getByLabel('Title')).toBeFocused();
  await pm.keyboard.type('Offline capture interviews');
  await study.getByLabel('Target people').fill('3');
  await study.getByRole('button', { name: 'Save study' }).click();
  await expect(pm.getByRole('region', { name: 'Studies' })).toContainText('Offline capture interviews');
  await syncedUp(pm);

  // Publish through the hub.
  await ranked.nth(0).click();
  const tPublish = Date.now();
  await pm.getByRole('button', { name: 'Publish to the field' }).click();
  await expect(pm.getByText(/^active · rank 1/)).toBeVisible();
  const list = (await goCall<any[]>(pm, 'Product', 'ListHypotheses')) as { ok: any[] };
  const hyp = list.ok.find((h) => h.statement === STATEMENT);
  expect(hyp.published_at).not.toBe('');

  // The rep's notebook receives it on sync.
  await expect
    .poll(
      async () => {
        await goCall(rep, 'Sync', 'SyncNow');
        const rows = (await goCall<any[]>(rep, 'Hypotheses', 'List')) as { ok: any[] };
        return rows.ok.find((h) => h.id === hyp.id)?.status ?? 'missing';
      },
      { timeout: 30_000, intervals: [300, 500, 1000] },
    )
    .toBe('active');
  metric('publish_to_rep_notebook', Date.now() - tPublish);

  // The rep records evidence in a call on a demo account, from the capture screen.
  const accounts = (await goCall<any[]>(rep, 'Accounts', 'List', '')) as { ok: any[] };
  const account = accounts.ok[0];
  await rep.goto(`/#/accounts/${account.id}`);
  await expect(rep.getByRole('heading', { level: 1, name: account.name })).toBeVisible();
  await rep.getByRole('heading', { name: 'Ask about' }).click();
  await rep.keyboard.press('c');
  await expect(rep).toHaveURL(/#\/calls\//);
  const question = rep.getByRole('complementary', { name: 'Questions' }).getByRole('group', { name: QUESTION });
  await question.getByRole('button', { name: /Supports/ }).click();
  await expect(question.getByRole('button', { name: /Supports/ })).toHaveAttribute('aria-pressed', 'true');
  await syncedUp(rep);

  // The PM's Insights screen (g t) shows it, with its time to signal.
  await pm.getByRole('heading', { name: 'Priorities' }).click();
  await pm.keyboard.press('g');
  await pm.keyboard.press('t');
  await expect(pm).toHaveURL(/#\/insights$/);
  await pm.goto(`/#/insights/${hyp.id}`);
  const tts = pm.getByRole('region', { name: 'Time to signal' });
  await expect
    .poll(
      async () => {
        await pm.getByRole('button', { name: 'Refresh insights' }).click();
        return (await tts.getByTestId('tts-Publish → first evidence').textContent()) ?? '';
      },
      { timeout: 30_000, intervals: [500, 1000] },
    )
    .not.toMatch(/not yet/);
  await expect(tts.getByTestId('tts-Publish → first evidence')).toHaveText(/^\d+ (s|min)$/);
  await expect(tts).toContainText('Edge → hub: p50');
  await expect(tts).toContainText('over 1 items');
  await expect(pm.getByRole('heading', { name: /Evidence, once per account \(1 accounts/ })).toBeVisible();
  await expect(pm.getByText('Offline capture interviews')).toBeVisible();
  // At 1024×700, light and dark: the headline is in view without scrolling.
  await expect(tts).toBeInViewport();
  await pm.screenshot({ path: 'test-results/product-insights-light.png' });
  await pm.emulateMedia({ colorScheme: 'dark' });
  await pm.screenshot({ path: 'test-results/product-insights-dark.png' });
  await pm.emulateMedia({ colorScheme: 'light' });
  const seconds = ((await goCall<any>(pm, 'Product', 'Insights', hyp.id)) as any).ok.hypotheses[0].time_to_signal.first_evidence.seconds;
  metric('publish_to_first_evidence_s', seconds, 's');

  // The anonymised export, through the (stand-in) save dialog.
  await pm.goto(`/#/product/${hyp.id}`);
  await pm.getByRole('button', { name: 'Export anonymised CSV' }).click();
  await expect(pm.getByText(/Saved 1 anonymised rows/)).toBeVisible();
  const csv = readFileSync(join(world.pmDir, 'dialogs', `evidence-${hyp.id}-anonymised.csv`), 'utf8');
  expect(csv).toContain('Account-');
  expect(csv).not.toContain(account.name);

  // The PM decides; the rep sees that their evidence moved it.
  await pm.getByRole('button', { name: 'Decide…' }).click();
  await pm.screenshot({ path: 'test-results/product-priorities.png' });
  const decide = pm.getByRole('form', { name: 'Decide' });
  await decide.getByLabel(/Decision note/).fill('Reps lose notes offline; we build it next quarter.');
  await decide.getByRole('button', { name: 'Record the decision' }).click();
  await expect(pm.getByText('Decision: Reps lose notes offline; we build it next quarter.')).toBeVisible();
  await expect
    .poll(
      async () => {
        await goCall(rep, 'Sync', 'SyncNow');
        const out = (await goCall<any[]>(rep, 'Product', 'Outcomes')) as { ok: any[] };
        return out.ok.map((o) => o.hypothesis_id);
      },
      { timeout: 30_000, intervals: [300, 500, 1000] },
    )
    .toContain(hyp.id);
  await rep.goto(`/#/hypotheses/${hyp.id}`);
  await expect(rep.getByRole('region', { name: 'Your evidence moved this' })).toContainText('validated');
  await rep.screenshot({ path: 'test-results/product-rep-outcome.png' });

  await pm.context().close();
  await rep.context().close();
});
