import { test, expect } from './helpers';
import { expectSaved, goCall, metric, open } from './helpers';

const NOTES = 'Dana runs finance ops. Month-end close takes nine days because of manual matching. They would pay for automation if it cut the close in half.';
const QUOTE = 'Month-end close takes nine days because of manual matching';

test('a whole call with the keyboard survives a reload', async ({ page }) => {
  // Find an account whose brief has at least two questions to ask.
  await open(page, '#/accounts');
  const rows = (await goCall<any[]>(page, 'Accounts', 'List', '')) as { ok: any[] };
  let target = '';
  for (const a of rows.ok) {
    const b = (await goCall<any>(page, 'Accounts', 'Brief', a.id)) as { ok: any };
    if (b.ok.hypotheses.reduce((n: number, h: any) => n + h.questions.length, 0) >= 2) {
      target = a.name;
      break;
    }
  }
  expect(target, 'demo data has an account with two questions').not.toBe('');

  // Accounts list → brief → start the call, keyboard only.
  await page.getByRole('searchbox', { name: 'Filter accounts' }).fill(target);
  await expect(page.getByRole('link', { name: new RegExp(target) }).first()).toBeVisible();
  await page.getByRole('searchbox', { name: 'Filter accounts' }).press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: target })).toBeVisible();
  await page.getByRole('heading', { name: 'Ask about' }).click(); // focus out of any field
  await page.keyboard.press('c');
  await expect(page).toHaveURL(/#\/calls\//);
  const callUrl = page.url();

  const notes = page.getByRole('textbox', { name: 'Call notes' });
  await expect(notes).toBeFocused();
  await page.keyboard.type(NOTES, { delay: 5 });

  // Alt+1 on the first question, Alt+↓ then Alt+2 on the second.
  const questions = page.getByRole('complementary', { name: 'Questions' }).getByRole('group').filter({ has: page.getByRole('toolbar', { name: 'Answer' }) });
  const q1 = questions.nth(0);
  const q2 = questions.nth(1);
  await page.keyboard.press('Alt+1');
  await expect(q1.getByRole('button', { name: /Supports/ })).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.press('Alt+ArrowDown');
  await page.keyboard.press('Alt+2');
  await expect(q2.getByRole('button', { name: /Refutes/ })).toHaveAttribute('aria-pressed', 'true');
  await expect(notes).toBeFocused();

  // Select words in the notes, Alt+Q: they become the quote of question 2.
  await notes.evaluate((el: HTMLTextAreaElement, quote) => {
    const i = el.value.indexOf(quote);
    el.setSelectionRange(i, i + quote.length);
  }, QUOTE);
  await page.keyboard.press('Alt+q');
  await expect(q2.getByLabel('Quote')).toHaveText(`“${QUOTE}”`);

  // Alt+W: willingness to pay on question 2.
  await page.keyboard.press('Alt+w');
  const amount = q2.getByLabel('Amount');
  await expect(amount).toBeFocused();
  await page.keyboard.type('40');
  await page.keyboard.press('Enter'); // the unit is never defaulted (issue 16.3): the form asks for it
  await expect(q2.getByLabel('Unit')).toBeFocused();
  await q2.getByLabel('Unit').selectOption('seat_month');
  await page.keyboard.press('Enter');
  await expect(notes).toBeFocused();
  await expectSaved(page);

  // Keystroke → "Saved": type one character and time until Go has committed it.
  const latencies: number[] = [];
  for (let i = 0; i < 5; i++) {
    await page.keyboard.press('Control+End');
    const state = page.getByRole('status', { name: 'Save state' });
    const before = await state.getAttribute('data-saved-at');
    const t0 = Date.now();
    await page.keyboard.type(i === 0 ? ' ' : 'x');
    // a new durable save, not the transient "Saving…" (a loaded machine can miss it)
    await expect(state).not.toHaveAttribute('data-saved-at', before ?? '');
    await expectSaved(page);
    latencies.push(Date.now() - t0);
  }
  latencies.sort((a, b) => a - b);
  metric('keystroke_to_saved_median', latencies[2]);
  metric('keystroke_to_saved_max', latencies[4]);
  const inApp = Number(await page.getByRole('status', { name: 'Save state' }).getAttribute('data-latency'));
  metric('keystroke_to_saved_in_app', inApp);
  for (let i = 0; i < 5; i++) await page.keyboard.press('Backspace');
  await expectSaved(page);

  // The Go side alone: IPC + one fsynced Badger transaction per SaveNotes.
  const callId = callUrl.split('/').pop()!;
  const rtts = await page.evaluate(async ({ id, text }) => {
    const out: number[] = [];
    for (let i = 0; i < 21; i++) {
      const t0 = performance.now();
      await (window as any).go.bridge.Calls.SaveNotes(id, text + (i % 2 ? ' ' : ''));
      out.push(performance.now() - t0);
    }
    return out.sort((a, b) => a - b);
  }, { id: callId, text: NOTES });
  metric('save_notes_roundtrip_median', Math.round(rtts[10] * 10) / 10);
  metric('save_notes_roundtrip_p95', Math.round(rtts[19] * 10) / 10);
  await goCall(page, 'Calls', 'SaveNotes', callId, NOTES);

  // Reload: everything is there.
  await page.reload();
  await page.waitForFunction(() => (window as any).go?.bridge?.Home?.View !== undefined);
  expect(page.url()).toBe(callUrl);
  await expect(notes).toHaveValue(NOTES);
  await expect(q1.getByRole('button', { name: /Supports/ })).toHaveAttribute('aria-pressed', 'true');
  await expect(q2.getByRole('button', { name: /Refutes/ })).toHaveAttribute('aria-pressed', 'true');
  await expect(q2.getByLabel('Quote')).toHaveText(`“${QUOTE}”`);
  await expect(q2.getByLabel('Willingness to pay')).toContainText('40');
  await expect(q2.getByLabel('Willingness to pay')).toContainText('seat');

  // End the call and leave, still from the keyboard.
  await notes.focus();
  await page.keyboard.press('Alt+e');
  await expect(page.getByText('Ended', { exact: true })).toBeVisible();
  await page.keyboard.press('Escape');
  await page.keyboard.press('g');
  await page.keyboard.press('h');
  await expect(page).toHaveURL(/#\/home$/);
  await expect(page.getByRole('heading', { name: 'What product wants to learn now' })).toBeVisible();

  // Search (Ctrl+K) finds the quote and opens the call.
  await page.keyboard.press('Control+k');
  const search = page.getByRole('dialog', { name: 'Search' }).getByRole('searchbox', { name: 'Search' });
  await expect(search).toBeFocused();
  await search.fill('nine days manual matching');
  const hit = page.getByRole('option').filter({ hasText: 'Evidence' }).first();
  await expect(hit).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(callUrl);
  await expect(notes).toHaveValue(NOTES);
});

test('errors reach the UI as {code, message}', async ({ page }) => {
  await open(page);
  const r = await goCall(page, 'Calls', 'View', 'no-such-call');
  expect(r).toMatchObject({ err: { code: 'not_found' } });
  const bad = await goCall(page, 'Evidence', 'Save', { hypothesis_id: '', signal: 'yes' });
  expect(bad).toMatchObject({ err: { code: 'invalid' } });
});

test('the ? overlay lists the shortcuts and g-keys move between screens', async ({ page }) => {
  await open(page, '#/home');
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  await expect(help).toContainText('Selected notes become the quote');
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();
  for (const [key, hash] of [['r', 'recruiting'], ['y', 'hypotheses'], ['s', 'settings'], ['a', 'accounts']]) {
    await page.locator('body').press('g');
    await page.locator('body').press(key);
    await expect(page).toHaveURL(new RegExp(`#/${hash}`));
    if (key === 'a') await expect(page.getByRole('searchbox', { name: 'Filter accounts' })).toBeFocused();
  }
});

test('who is on the call is saved with it and their answers are attributed', async ({ page }) => {
  await open(page, '#/home');
  const rows = ((await goCall<any[]>(page, 'Accounts', 'List', '')) as any).ok;
  let account: any;
  for (const a of rows) {
    const b = ((await goCall<any>(page, 'Accounts', 'Brief', a.id)) as any).ok;
    if (b.contacts.length && b.hypotheses.length) {
      account = b;
      break;
    }
  }
  const call = ((await goCall<any>(page, 'Calls', 'Start', account.account.id, 'qbr')) as any).ok;
  await page.goto(`/#/calls/${call.id}`);
  const people = page.getByRole('group', { name: 'On the call' });
  const who = account.contacts[0].name;
  await people.getByRole('button', { name: new RegExp(who) }).click();
  await expect(people.getByRole('button', { name: new RegExp(who) })).toHaveAttribute('aria-pressed', 'true');
  await page.getByRole('textbox', { name: 'Call notes' }).focus();
  await page.keyboard.press('Alt+1');
  await expect(page.getByRole('status', { name: 'Save state' })).toHaveText(/Saved/);
  const view = ((await goCall<any>(page, 'Calls', 'View', call.id)) as any).ok;
  expect(view.call.contact_ids).toEqual([account.contacts[0].id]);
  expect(view.evidence[0].contact_id).toBe(account.contacts[0].id);
  await page.reload();
  await expect(page.getByRole('group', { name: 'On the call' }).getByRole('button', { name: new RegExp(who) })).toHaveAttribute('aria-pressed', 'true');
});

test("an answer's strength is rated and saved with it", async ({ page }) => {
  await open(page, '#/home');
  const rows = ((await goCall<any[]>(page, 'Accounts', 'List', '')) as any).ok;
  let account: any;
  for (const a of rows) {
    const b = ((await goCall<any>(page, 'Accounts', 'Brief', a.id)) as any).ok;
    if (b.hypotheses.length) {
      account = b;
      break;
    }
  }
  const call = ((await goCall<any>(page, 'Calls', 'Start', account.account.id, 'discovery')) as any).ok;
  await page.goto(`/#/calls/${call.id}`);
  await page.getByRole('textbox', { name: 'Call notes' }).focus();
  await page.keyboard.press('Alt+1');
  const strength = page.getByRole('toolbar', { name: 'Strength' }).first();
  await strength.getByRole('button', { name: 'Strong' }).click();
  await expect(page.getByRole('status', { name: 'Save state' })).toHaveText(/Saved/);
  const view = ((await goCall<any>(page, 'Calls', 'View', call.id)) as any).ok;
  expect(view.evidence[0].strength).toBe(3);
  await page.reload();
  await expect(page.getByRole('toolbar', { name: 'Strength' }).first().getByRole('button', { name: 'Strong' })).toHaveAttribute('aria-pressed', 'true');
});
