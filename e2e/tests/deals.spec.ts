// Issue 11 §2 on the rep's side, in Chromium against the real Go backend:
// a deal added on the account brief, evidence captured in a call on that
// account linked to its only open deal by default with an impact given in
// one keystroke, the brief showing what the deal waits on, a second deal
// making the rep choose, and a deal closed as lost leaving the open list.
import { test, expect, type Page } from '@playwright/test';
import { expectSaved, goCall, open } from './helpers';

const DEAL = `Platform rollout ${Date.now().toString(36)}`;

async function accountWithQuestions(page: Page): Promise<{ id: string; name: string; statement: string }> {
  const rows = ((await goCall<any[]>(page, 'Accounts', 'List', '')) as { ok: any[] }).ok;
  for (const a of rows) {
    const b = ((await goCall<any>(page, 'Accounts', 'Brief', a.id)) as { ok: any }).ok;
    if (b.hypotheses.length && b.hypotheses[0].questions.length && b.deals.length === 0) return { id: a.id, name: a.name, statement: b.hypotheses[0].statement };
  }
  throw new Error('demo data has no account with a question to ask and no deal');
}

test('deal on the brief → default link and impact in capture → the brief shows what it waits on', async ({ page }) => {
  await open(page, '#/accounts');
  const acct = await accountWithQuestions(page);
  await page.goto(`/#/accounts/${acct.id}`);
  await expect(page.getByRole('heading', { level: 1, name: acct.name })).toBeVisible();

  // Add the deal in the brief.
  const deals = page.getByRole('region', { name: 'Open deals' });
  await expect(deals.getByText('No open deals.')).toBeVisible();
  await deals.getByRole('button', { name: 'Add deal' }).click();
  const form = deals.getByRole('form', { name: 'New deal' });
  await form.getByLabel('Name').fill(DEAL);
  await form.getByLabel('Amount').fill('48000');
  await form.getByLabel('Currency').fill('usd');
  await form.getByLabel('Stage').fill('Proposal');
  await form.getByLabel('Close date').fill('2027-03-31');
  await form.getByRole('button', { name: 'Save deal' }).click();
  const row = deals.getByRole('listitem', { name: `Deal ${DEAL}`, exact: true });
  await expect(row).toContainText('$48,000.00');
  await expect(row).toContainText('Proposal · closes 2027-03-31');
  await expect(row).toContainText('Not waiting on any hypothesis.');

  // Start a call: the only open deal is the default; Alt+1 then Alt+5.
  await page.getByRole('heading', { name: 'Ask about' }).click();
  await page.keyboard.press('c');
  await expect(page).toHaveURL(/#\/calls\//);
  const callId = page.url().split('#/calls/')[1];
  await expect(page.getByRole('textbox', { name: 'Call notes' })).toBeFocused();
  await expect(page.getByLabel('New evidence links to')).toHaveValue(/.+/);
  await expect(page.getByLabel('New evidence links to').locator('option:checked')).toContainText(DEAL);
  const q1 = page.getByRole('complementary', { name: 'Questions' }).getByRole('group').filter({ has: page.getByRole('toolbar', { name: 'Answer' }) }).nth(0);
  await page.keyboard.press('Alt+1');
  await page.keyboard.press('Alt+5');
  await expect(q1.getByRole('button', { name: /Blocks the deal/ })).toHaveAttribute('aria-pressed', 'true');
  await expect(q1.getByLabel('Deal')).toHaveText(`Deal: ${DEAL}`);
  await expectSaved(page);
  // Alt+6 replaces it, Alt+6 again clears it, Alt+5 sets it back.
  await page.keyboard.press('Alt+6');
  await expect(q1.getByRole('button', { name: /Renewal at risk/ })).toHaveAttribute('aria-pressed', 'true');
  await expect(q1.getByRole('button', { name: /Blocks the deal/ })).toHaveAttribute('aria-pressed', 'false');
  await page.keyboard.press('Alt+6');
  await expect(q1.getByRole('toolbar', { name: 'Impact on revenue' }).getByRole('button', { pressed: true })).toHaveCount(0);
  await page.keyboard.press('Alt+5');
  await expectSaved(page);

  const view = ((await goCall<any>(page, 'Calls', 'View', callId)) as { ok: any }).ok;
  const deal = view.deals.find((d: any) => d.name === DEAL);
  expect(view.default_deal_id).toBe(deal.id);
  expect(view.evidence).toHaveLength(1);
  expect(view.evidence[0]).toMatchObject({ signal: 'supports', impact: 'blocker', opportunity_id: deal.id });

  // Back on the brief the deal waits on the hypothesis.
  await page.goto(`/#/accounts/${acct.id}`);
  await expect(page.getByRole('list', { name: `Hypotheses deal ${DEAL} is waiting on`, exact: true })).toContainText(acct.statement);

  // A second open deal: nothing is linked by default, the rep must choose.
  await deals.getByRole('button', { name: 'Add deal' }).click();
  await deals.getByRole('form', { name: 'New deal' }).getByLabel('Name').fill(`${DEAL} renewal`);
  await deals.getByRole('form', { name: 'New deal' }).getByRole('button', { name: 'Save deal' }).click();
  await expect(deals.getByRole('listitem', { name: `Deal ${DEAL} renewal` })).toBeVisible();
  const second = ((await goCall<any>(page, 'Calls', 'View', callId)) as { ok: any }).ok;
  expect(second.default_deal_id).toBe('');

  // Closing the first as lost (with its reason) takes it off the open list.
  await row.getByRole('button', { name: `Edit deal ${DEAL}`, exact: true }).click();
  const edit = deals.getByRole('form', { name: 'Edit deal' });
  await expect(edit.getByLabel('Name')).toHaveValue(DEAL);
  await edit.getByLabel('Status').selectOption('lost');
  await edit.getByLabel('Lost reason').fill('Chose a competitor with SSO');
  await edit.getByRole('button', { name: 'Save deal' }).click();
  await expect(row).toHaveCount(0);
  await expect(deals.getByRole('listitem', { name: `Deal ${DEAL} renewal` })).toBeVisible();
});
