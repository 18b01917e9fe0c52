import { test, expect } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { goCall, open } from './helpers';

// A Salesforce accounts report as Salesforce writes it (labels, CRLF, a quoted
// newline, the footer rows) with a custom column the importer cannot know.
const report =
  [
    '"Account Name","Type","Website","Annual Revenue","Account ID","Kundensegment (custom)"',
    '"Tidewater Instruments","Customer - Direct","https://www.tidewater-instruments.example/login","$1,200,000.00","0015g00000TiDeW","Mid-Market"',
    '"Basalt & Birch","Prospect","basalt-birch.example","950000","0015g00000BaSaL","SMB"',
    '"Broken Row","Prospect","not a website at all","1","0015g00000BrOkE","SMB"',
    '""',
    '"Grand Totals (3 records)"',
    '""',
    '"Confidential Information - Do Not Distribute"',
    '"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."',
  ].join('\r\n') + '\r\n';

test('a Salesforce report with a custom column imports through the mapping preview', async ({ page }) => {
  await open(page, '#/settings');
  writeFileSync(join(process.env.E2E_DIR!, 'dialogs', 'accounts-report.csv'), report);

  await page.getByRole('button', { name: 'Import a file…' }).click();
  const preview = page.getByRole('region', { name: 'Import preview' });
  await expect(preview).toContainText('accounts from salesforce');
  // The vendor's columns are guessed; the custom one is not.
  await expect(preview.getByLabel('Field for column Website')).toHaveValue('domain');
  await expect(preview.getByLabel('Field for column Annual Revenue')).toHaveValue('arr');
  const custom = preview.getByLabel('Field for column Kundensegment (custom)');
  await expect(custom).toHaveValue('');
  await expect(preview).toContainText('Tidewater Instruments');
  await expect(preview.getByLabel('What would happen')).toContainText('Would create 2');
  await expect(preview.getByLabel('What would happen')).toContainText('skip 3 footer rows');
  await expect(preview.getByLabel('What would happen')).toContainText('reject 1 lines');

  // Nothing is written by the preview.
  let accounts = ((await goCall<any[]>(page, 'Accounts', 'List', '')) as any).ok as any[];
  expect(accounts.some((a) => a.name === 'Tidewater Instruments')).toBe(false);

  await custom.selectOption('segment');
  await expect(custom).toHaveValue('segment');
  await preview.getByRole('button', { name: 'Import', exact: true }).click();

  // The result shows where the user pressed Import, with the rejected line openable.
  const result = page.getByRole('region', { name: 'Import result' });
  await expect(result).toBeInViewport();
  await expect(result).toContainText('2 imported (2 created, 0 updated)');
  await expect(result).toContainText('3 footer rows skipped');
  await expect(result).toContainText('1 rejected');
  const rejected = result.getByRole('list', { name: 'Rejected lines' });
  await expect(rejected).toContainText('line 4');
  await rejected.getByText('line 4').click();
  await expect(rejected).toContainText('Broken Row | Prospect | not a website at all');

  accounts = ((await goCall<any[]>(page, 'Accounts', 'List', '')) as any).ok as any[];
  const tide = accounts.find((a) => a.name === 'Tidewater Instruments');
  expect(tide).toBeTruthy();
  expect(tide.domains).toEqual(['tidewater-instruments.example']);
  expect(tide.segment).toBe('Mid-Market');

  // The same header set next time: the mapping is remembered, and re-importing changes nothing.
  writeFileSync(join(process.env.E2E_DIR!, 'dialogs', 'accounts-report-again.csv'), report);
  await page.getByRole('button', { name: 'Import a file…' }).click();
  await expect(preview.getByLabel('Field for column Kundensegment (custom)')).toHaveValue('segment');
  await expect(preview.getByLabel('What would happen')).toContainText('Would create 0, update 0, leave 2 unchanged');
});
