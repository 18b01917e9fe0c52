import { type Page } from '@playwright/test';
import { test, expect } from './helpers';
import { goCall, open } from './helpers';
import { fakeAI } from './fakeai';

/** aCallWithQuestions starts a call with an account whose hypotheses ask something. */
async function aCallWithQuestions(page: Page, notes: string) {
  const rows = (await goCall<any[]>(page, 'Accounts', 'List', '')) as { ok: any[] };
  for (const a of rows.ok) {
    const b = (await goCall<any>(page, 'Accounts', 'Brief', a.id)) as { ok: any };
    const qs = b.ok.hypotheses.flatMap((h: any) => h.questions.map((q: any) => ({ h, q })));
    if (qs.length >= 2) {
      const call = (await goCall<any>(page, 'Calls', 'Start', a.id, 'discovery')) as { ok: any };
      await goCall(page, 'Calls', 'SaveNotes', call.ok.id, notes);
      return { call: call.ok, first: qs[0], second: qs[1] };
    }
  }
  throw new Error('demo data has no account with two questions');
}

const NOTES = 'Dana runs finance ops. Month-end close takes nine days because of manual matching. We tried a matching tool last year and nobody used it.';
const GOOD = 'Month-end close takes nine days because of manual matching';
const BAD = 'We tried a matching tool last year and nobody used it';

test('AI suggestions: accept one, reject another — only the accepted one becomes evidence', async ({ page }) => {
  const ai = await fakeAI();
  try {
    await open(page, '#/home');
    const { call, first, second } = await aCallWithQuestions(page, NOTES);
    ai.answer = JSON.stringify({
      suggestions: [
        { hypothesis_id: first.h.id, question_id: first.q.id, signal: 'supports', strength: 3, quote: GOOD, wtp: null },
        { hypothesis_id: second.h.id, question_id: second.q.id, signal: 'refutes', strength: 1, quote: BAD, wtp: null },
      ],
    });

    // Point the app at the fake endpoint through Settings.
    await open(page, '#/settings');
    const form = page.getByRole('form', { name: 'AI endpoint' });
    await form.getByLabel('Base URL').fill(ai.url);
    await form.getByLabel('Model').fill('test-model');
    await form.getByLabel('API key').fill('sk-test');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByTestId('assist-state')).toHaveText('Ready');
    await expect(form.getByLabel('API key')).toHaveValue(''); // write-only
    await expect(form.getByLabel('API key')).toHaveAttribute('placeholder', /Saved/);

    // In the call, Alt+S asks for suggestions; both arrive, highlighted in context.
    await open(page, `#/calls/${call.id}`);
    await expect(page.getByRole('textbox', { name: 'Call notes' })).toHaveValue(NOTES);
    await page.getByRole('heading', { name: 'AI suggestions' }).click();
    await page.keyboard.press('Alt+s');
    const list = page.getByRole('list', { name: 'Suggestions' });
    // each card highlights its own quote in the notes around it
    const good = list.getByRole('listitem').filter({ has: page.locator('mark', { hasText: GOOD }) });
    const bad = list.getByRole('listitem').filter({ has: page.locator('mark', { hasText: BAD }) });
    await expect(good).toBeVisible({ timeout: 15_000 });
    await expect(bad).toBeVisible();
    await expect(good.locator('mark')).toHaveText(GOOD);
    expect(ai.requests.length).toBeGreaterThanOrEqual(1);

    // Usable at 1024×700, light and dark (screenshots for the report).
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.screenshot({ path: 'test-results/assist-1024-light.png' });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForTimeout(200); // colour transitions
    await page.screenshot({ path: 'test-results/assist-1024-dark.png' });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1280, height: 800 });

    // Nothing is evidence before a click.
    let view = (await goCall<any>(page, 'Calls', 'View', call.id)) as { ok: any };
    expect(view.ok.evidence.filter((e: any) => e.quote === GOOD || e.quote === BAD)).toHaveLength(0);

    await good.getByRole('button', { name: 'Accept' }).click();
    await expect(good).toHaveCount(0);
    await bad.getByRole('button', { name: 'Reject' }).click();
    await expect(bad).toHaveCount(0);
    await expect(page.getByText(/1 accepted · 1 rejected/)).toBeVisible();

    view = (await goCall<any>(page, 'Calls', 'View', call.id)) as { ok: any };
    const ev = view.ok.evidence.filter((e: any) => e.quote === GOOD || e.quote === BAD);
    expect(ev).toHaveLength(1);
    expect(ev[0]).toMatchObject({ quote: GOOD, hypothesis_id: first.h.id, question_id: first.q.id, signal: 'supports', strength: 3 });
    // The checklist shows the accepted quote at once.
    await expect(page.getByRole('complementary', { name: 'Questions' }).getByLabel('Quote').filter({ hasText: GOOD })).toBeVisible();

    // A reload keeps the decision: no suggestion comes back.
    await page.reload();
    await expect(page.getByText(/1 accepted · 1 rejected/)).toBeVisible();
    await expect(page.getByRole('list', { name: 'Suggestions' })).toHaveCount(0);
  } finally {
    await ai.close();
  }
});

test('without an AI endpoint the action says why it waits', async ({ page }) => {
  await open(page, '#/home');
  await goCall(page, 'Assist', 'SaveSettings', { base_url: '', model: '', azure_api_version: '', redaction: true, org_disabled: false, use_tools: false, no_stream: false, has_key: false, api_key: '', clear_key: true });
  const { call } = await aCallWithQuestions(page, NOTES);
  await open(page, `#/calls/${call.id}`);
  await expect(page.getByTestId('assist-waiting')).toContainText(/because|not set up|Settings/i);
});

test('AI brief on the account page: every claim cites its source', async ({ page }) => {
  const ai = await fakeAI();
  try {
    await open(page, '#/home');
    const rows = (await goCall<any[]>(page, 'Accounts', 'List', '')) as { ok: any[] };
    let account: any = null;
    let evidence: any = null;
    for (const a of rows.ok) {
      const b = (await goCall<any>(page, 'Accounts', 'Brief', a.id)) as { ok: any };
      if (b.ok.evidence.length) {
        account = a;
        evidence = b.ok.evidence[0];
        break;
      }
    }
    expect(account, 'an account with evidence').not.toBeNull();
    ai.answer = JSON.stringify({
      claims: [
        { text: 'They said month-end close is slow.', sources: [evidence.id] },
        { text: 'An invented claim with no source.', sources: ['not-an-id'] },
      ],
    });
    const saved = await goCall(page, 'Assist', 'SaveSettings', { base_url: ai.url, model: 'test-model', azure_api_version: '', redaction: true, org_disabled: false, use_tools: false, no_stream: false, has_key: false, api_key: 'sk-test', clear_key: false });
    expect(saved).toHaveProperty('ok');
    await open(page, `#/accounts/${account.id}`);
    const email = page.getByRole('region', { name: 'Email' });
    await email.getByRole('button', { name: 'Write a brief' }).click();
    const brief = email.getByRole('list', { name: 'Brief' });
    await expect(brief.getByRole('listitem')).toHaveCount(1, { timeout: 15_000 });
    await expect(brief).toContainText('They said month-end close is slow.');
    await expect(brief).toContainText('[evidence 1]');
    await expect(brief).not.toContainText('invented');
  } finally {
    await goCall(page, 'Assist', 'SaveSettings', { base_url: '', model: '', azure_api_version: '', redaction: true, org_disabled: false, use_tools: false, no_stream: false, has_key: false, api_key: '', clear_key: true });
    await ai.close();
  }
});
