import { type Page } from '@playwright/test';
import { test, expect } from './helpers';
import { goCall, open } from './helpers';

/** freshContacts returns contacts in no study, not do-not-contact, not invited lately. */
async function freshContacts(page: Page): Promise<any[]> {
  const r = (await goCall<any[]>(page, 'Recruiting', 'Contacts', '')) as { ok: any[] };
  return r.ok.filter((c) => c.recruit_status === '' && !c.do_not_contact && !c.recent_invite && c.name);
}

test('nominate a contact, invite them and record their consent', async ({ page }) => {
  await open(page, '#/recruiting');
  const [c] = await freshContacts(page);
  const pipeline = page.getByRole('region', { name: 'Pipeline' });
  const studyTitle = await pipeline.getByRole('heading', { level: 1 }).textContent();

  await pipeline.getByRole('searchbox', { name: 'Find a contact to nominate' }).fill(c.email);
  await pipeline.getByRole('button', { name: `Nominate ${c.name}` }).click();
  const card = pipeline.getByRole('listitem', { name: c.name });
  await expect(card.getByTestId('recruit-status')).toHaveText('Nominated');

  await card.getByRole('button', { name: 'Invite' }).click();
  await expect(card.getByTestId('recruit-status')).toHaveText('Invited');

  await card.getByRole('button', { name: 'Record consent' }).click();
  const form = card.getByRole('form', { name: `Consent for ${c.name}` });
  await expect(form.getByLabel('Wording shown to them')).toHaveValue(new RegExp(studyTitle!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  await form.getByLabel('Channel').selectOption('email');
  await form.getByRole('button', { name: 'Save consent' }).click();

  await expect(card.getByTestId('recruit-status')).toHaveText('Consented');
  const log = card.getByRole('list', { name: 'Consent log' });
  await expect(log).toContainText('Consented via email');
  await expect(log).toContainText('I agree to take part');

  // The consent is stored with wording, time and channel.
  const after = (await goCall<any[]>(page, 'Recruiting', 'Contacts', c.email)) as { ok: any[] };
  const saved = after.ok.find((x) => x.id === c.id);
  expect(saved.recruit_status).toBe('consented');
  expect(saved.consent_log[0]).toMatchObject({ channel: 'email', given: true });
  expect(saved.consent_log[0].at).not.toBe('');
});

test('do_not_contact blocks every invite', async ({ page }) => {
  await open(page, '#/recruiting');
  const c = (await freshContacts(page))[1];
  const pipeline = page.getByRole('region', { name: 'Pipeline' });
  await pipeline.getByRole('searchbox', { name: 'Find a contact to nominate' }).fill(c.email);
  await pipeline.getByRole('button', { name: `Nominate ${c.name}` }).click();
  const card = pipeline.getByRole('listitem', { name: c.name });
  await expect(card.getByRole('button', { name: 'Invite' })).toBeEnabled();

  // Ticking asks first; cancelling leaves the box unticked.
  const box = card.getByRole('checkbox', { name: 'Do not contact' });
  await box.click();
  const confirm = card.getByRole('alertdialog', { name: `Confirm do not contact for ${c.name}` });
  await expect(confirm).toContainText('Only product or admin can clear this');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(box).not.toBeChecked();
  await box.click();
  await card.getByRole('alertdialog').getByRole('button', { name: 'Mark do not contact' }).click();
  await expect(box).toBeChecked();
  await expect(card.getByText('Opted out (do not contact)')).toBeVisible();
  // No decline that never happened: the pipeline status stays.
  await expect(card.getByTestId('recruit-status').first()).toHaveText('Nominated');
  await expect(pipeline.getByRole('list', { name: 'Pipeline counts' })).not.toContainText(/1\s*Declined/i);
  await expect(card.getByRole('button', { name: 'Invite' })).toBeDisabled();
  await expect(card.getByRole('button', { name: 'Record consent' })).toBeDisabled();

  // A rep's unticking is refused, and the card says so and why; the box stays ticked.
  await box.click();
  await expect(card.getByRole('alert')).toContainText('only product or admin can clear do not contact');
  await expect(box).toBeChecked();

  // The rule lives in Go, not only in the buttons: a direct call is refused.
  const invite = await goCall(page, 'Recruiting', 'Move', c.id, 'invited', true);
  expect(invite).toMatchObject({ err: { code: 'forbidden' } });
  expect((invite as any).err.message).toContain('do not contact');
  const again = await goCall(page, 'Recruiting', 'Nominate', c.id, (await goCall<any[]>(page, 'Recruiting', 'Studies') as any).ok[0].study.id);
  expect(again).toMatchObject({ err: { code: 'forbidden' } });

  // And the picker will not nominate them.
  await pipeline.getByRole('searchbox', { name: 'Find a contact to nominate' }).fill(c.email);
  await expect(pipeline.getByRole('button', { name: `Nominate ${c.name}` })).toBeDisabled();
});

test('re-inviting within 90 days asks first', async ({ page }) => {
  await open(page, '#/recruiting');
  const c = (await freshContacts(page))[2];
  const studies = ((await goCall<any[]>(page, 'Recruiting', 'Studies')) as any).ok;
  // Invited and declined earlier for the second study…
  await goCall(page, 'Recruiting', 'Nominate', c.id, studies[1].study.id);
  await goCall(page, 'Recruiting', 'Move', c.id, 'invited', false);
  await goCall(page, 'Recruiting', 'Move', c.id, 'declined', false);
  // …then nominated for the first one.
  await page.reload();
  const pipeline = page.getByRole('region', { name: 'Pipeline' });
  await pipeline.getByRole('searchbox', { name: 'Find a contact to nominate' }).fill(c.email);
  await pipeline.getByRole('button', { name: `Nominate ${c.name}` }).click();
  const card = pipeline.getByRole('listitem', { name: c.name });
  // The amber line is only a warning before a new invitation, not on the card.
  await expect(card).not.toContainText('less than 90 days ago');
  await card.getByRole('button', { name: 'Invite' }).click();
  const warning = pipeline.getByRole('alert');
  await expect(warning).toContainText('less than 90 days ago');
  await expect(card.getByTestId('recruit-status')).toHaveText('Nominated');
  await warning.getByRole('button', { name: 'Invite anyway' }).click();
  await expect(card.getByTestId('recruit-status')).toHaveText('Invited');
  await expect(pipeline).not.toContainText('less than 90 days ago');
  // Every other card in the study: no warning either.
  await expect(pipeline.getByRole('list', { name: 'Contacts in this study' })).not.toContainText('less than 90 days ago');
});
