import { test, expect } from './helpers';
import { expectSaved, goCall, open } from './helpers';

// Issue 16, item 1: opening a form never invents an answer. A rep marks
// Supports on Q1, then records a price on Q2 and a blocker on Q3 of the same
// hypothesis. The account must count once, as Supports — not as "Unclear".
test('pay and blocker forms carry no signal and never replace the given one', async ({ page }) => {
  await open(page, '#/accounts');
  const accounts = ((await goCall<any[]>(page, 'Accounts', 'List', '')) as { ok: any[] }).ok;
  let target: { account: any; hyp: any } | undefined;
  for (const a of accounts) {
    const brief = ((await goCall<any>(page, 'Accounts', 'Brief', a.id)) as { ok: any }).ok;
    const first = brief.hypotheses[0];
    if (!first || first.questions.length < 3) continue;
    const det = ((await goCall<any>(page, 'Hypotheses', 'Get', first.id)) as { ok: any }).ok;
    if (det.evidence.some((e: any) => e.account_id === a.id)) continue; // want an account with no answer yet
    target = { account: a, hyp: first };
    break;
  }
  expect(target, 'demo data has an unanswered account whose first hypothesis has three questions').toBeDefined();
  const { account, hyp } = target!;
  const before = ((await goCall<any>(page, 'Hypotheses', 'Get', hyp.id)) as { ok: any }).ok.tally;

  await page.getByRole('searchbox', { name: 'Filter accounts' }).fill(account.name);
  await page.getByRole('link', { name: new RegExp(account.name) }).first().click();
  await expect(page.getByRole('heading', { level: 1, name: account.name })).toBeVisible();
  await page.getByRole('heading', { name: 'Ask about' }).click();
  await page.keyboard.press('c');
  await expect(page).toHaveURL(/#\/calls\//);
  await expect(page.getByRole('textbox', { name: 'Call notes' })).toBeFocused();

  const questions = page.getByRole('complementary', { name: 'Questions' }).getByRole('group').filter({ has: page.getByRole('toolbar', { name: 'Answer' }) });
  await page.keyboard.press('Alt+1'); // Q1: supports
  await expect(questions.nth(0).getByRole('button', { name: /Supports/ })).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.press('Alt+ArrowDown');
  await page.keyboard.press('Alt+w'); // Q2: a price, no signal
  await expect(questions.nth(1).getByLabel('Amount')).toBeFocused();
  await page.keyboard.type('2000');
  await page.keyboard.press('Enter'); // asks for the unit first (issue 16.3)
  await expect(questions.nth(1).getByLabel('Unit')).toBeFocused();
  await questions.nth(1).getByLabel('Unit').selectOption('month');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('textbox', { name: 'Call notes' })).toBeFocused(); // saved: back to the notes
  await page.keyboard.press('Alt+ArrowDown');
  await page.keyboard.press('Alt+b'); // Q3: a blocker, no signal
  await expect(questions.nth(2).getByRole('textbox', { name: 'Blocker' })).toBeFocused();
  await page.keyboard.type('No SAML single sign-on');
  await page.keyboard.press('Enter');
  await expectSaved(page);

  for (const q of [1, 2]) await expect(questions.nth(q).getByRole('button', { pressed: true })).toHaveCount(0);
  await expect(page.getByText(/1 \/ \d+ answered/)).toBeVisible();

  const after = ((await goCall<any>(page, 'Hypotheses', 'Get', hyp.id)) as { ok: any }).ok;
  expect(after.tally.supports).toBe(before.supports + 1);
  expect(after.tally.unclear).toBe(before.unclear);
  expect(after.tally.accounts).toBe(before.accounts + 1);
  const mine = after.evidence.filter((e: any) => e.account_id === account.id);
  expect(mine.map((e: any) => e.signal).sort()).toEqual(['', '', 'supports']);
});
