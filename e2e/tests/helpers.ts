import { expect, type Page } from '@playwright/test';
import { appendFileSync, mkdirSync } from 'node:fs';

/** open loads a route and waits until the Go bindings are reachable. */
export async function open(page: Page, hash = '#/home') {
  await page.goto('/' + hash);
  await page.waitForFunction(() => (window as any).go?.bridge?.Home?.View !== undefined);
}

/** goCall runs a bound method directly; rejections come back as values. */
export async function goCall<T = unknown>(page: Page, area: string, method: string, ...args: unknown[]): Promise<{ ok: T } | { err: { code: string; message: string } }> {
  return page.evaluate(
    async ({ area, method, args }) => {
      const fn = (window as any).go.bridge[area][method];
      const timeout = new Promise((_, reject) => setTimeout(() => reject({ code: 'timeout', message: 'no answer in 5 s' }), 5000));
      try {
        return { ok: await Promise.race([fn(...args), timeout]) };
      } catch (e: any) {
        const raw = e instanceof Error ? e.message : e;
        try {
          return { err: typeof raw === 'string' ? JSON.parse(raw) : raw };
        } catch {
          return { err: { code: 'string', message: String(raw) } };
        }
      }
    },
    { area, method, args },
  );
}

/** metric records a measured figure for the report (test-results/metrics.ndjson). */
export function metric(name: string, value: number, unit = 'ms') {
  mkdirSync('test-results', { recursive: true });
  appendFileSync('test-results/metrics.ndjson', JSON.stringify({ name, value, unit }) + '\n');
  console.log(`metric ${name}: ${value} ${unit}`);
}

export async function expectSaved(page: Page) {
  await expect(page.getByRole('status', { name: 'Save state' })).toHaveText(/Saved/);
}
