import { test, expect } from './helpers';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { goCall, open } from './helpers';

test('importing a contacts CSV shows the bad row with its line', async ({ page }) => {
  await open(page, '#/settings');
  const accounts = ((await goCall<any[]>(page, 'Accounts', 'List', '')) as any).ok;
  const domain = accounts[0].domains[0];
  // The dialog stand-in (FIELDNOTES_E2E_DIALOG_DIR) answers with the newest file there.
  writeFileSync(
    join(process.env.E2E_DIR!, 'dialogs', 'contacts.csv'),
    `name,email,account_domain,title\nNora Quist,nora.quist@${domain},${domain},VP Finance\nBad Row,not-an-address,${domain},Clerk\n`,
  );

  await page.getByRole('button', { name: 'Import a file…' }).click();
  const preview = page.getByRole('region', { name: 'Import preview' });
  await expect(preview.getByLabel('What would happen')).toContainText('Would create 1');
  await preview.getByRole('button', { name: 'Import', exact: true }).click();
  const result = page.getByRole('region', { name: 'Import result' });
  await expect(result).toContainText('1 imported');
  await expect(result).toContainText('1 rejected');
  const errors = result.getByRole('list', { name: 'Rejected lines' });
  await expect(errors.getByRole('listitem')).toHaveCount(1);
  await expect(errors).toContainText('line 3');
  await expect(errors).toContainText('not-an-address');

  // The good row is searchable at once.
  await page.keyboard.press('Control+k');
  await page.getByRole('searchbox', { name: 'Search' }).fill('Nora Quist');
  await expect(page.getByRole('option').filter({ hasText: 'Nora Quist' })).toBeVisible();
});

test('settings show the data location and encryption', async ({ page }) => {
  await open(page, '#/settings');
  await expect(page.getByTestId('data-dir')).toContainText(process.env.E2E_DIR!);
  await expect(page.getByTestId('encryption')).toContainText('Encrypted at rest');
});

test('screens update when records change elsewhere (records:changed)', async ({ page }) => {
  await open(page, '#/accounts');
  await page.getByRole('searchbox', { name: 'Filter accounts' }).fill('Zephyr');
  await expect(page.getByText('No account matches')).toBeVisible();
  // An import that does not come from this screen, as a CLI import or sync would.
  const file = join(process.env.E2E_DIR!, 'accounts-elsewhere.csv');
  writeFileSync(file, 'name,domain,segment,stage,arr\nZephyr Robotics,zephyr-robotics.example.com,smb,prospect,0\n');
  const r = await goCall(page, 'Settings', 'ImportFile', file);
  expect(r).toMatchObject({ ok: { imported: 1 } });
  await expect(page.getByRole('link', { name: /Zephyr Robotics/ })).toBeVisible();
});
