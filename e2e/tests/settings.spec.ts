import { test, expect } from './helpers';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { goCall, open } from './helpers';

const dialogs = () => join(process.env.E2E_DIR!, 'dialogs');

test('export, back up and restore through the (stand-in) file dialogs', async ({ page }) => {
  await open(page, '#/settings');
  await page.getByRole('button', { name: 'Export NDJSON' }).click();
  await expect(page.getByRole('status').filter({ hasText: /Exported \d+ records/ })).toBeVisible();
  const ndjson = readdirSync(dialogs()).find((f) => f.endsWith('.ndjson'))!;
  expect(readFileSync(join(dialogs(), ndjson), 'utf8').split('\n')[0]).toContain('"type"');

  await page.getByRole('button', { name: 'Back up…' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Backup written to' })).toBeVisible();
  const backup = readdirSync(dialogs()).find((f) => f.endsWith('.backup'))!;
  expect(existsSync(join(dialogs(), backup))).toBe(true);

  const before = ((await goCall<any[]>(page, 'Accounts', 'List', '')) as any).ok.length;
  await page.getByRole('button', { name: 'Restore…' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'replaces everything' })).toBeVisible();
  await page.getByRole('button', { name: 'Choose a backup and restore' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Restored from' })).toBeVisible();
  const after = ((await goCall<any[]>(page, 'Accounts', 'List', '')) as any).ok.length;
  expect(after).toBe(before);
});
