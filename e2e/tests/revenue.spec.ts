// Revenue per hypothesis on the PM's Insights (issue 11 §2) and issue 16 item
// 7, in Chromium against the real Go backend and a real fieldhub. The records
// (a published hypothesis, a prospect account with ARR 0, its open deal and
// evidence citing it) are pushed over the sync API as a rep's and a PM's
// notebooks would. The hub's revenue roll-up is another branch's work, so
// this hub sends every hypothesis's revenue empty: a loopback proxy in front
// of it passes every request through and seeds real-looking figures into the
// insights response of one hypothesis only. The other shows the hub's own
// (empty) revenue.
//
// Run: E2E_PORT=34202 xvfb-run -a npx playwright test tests/revenue.spec.ts (after `npm run build`
// in frontend/ and `make dev-build`).
import { test, expect, type Browser, type Page } from '@playwright/test';
import { createServer, request, type Server } from 'node:http';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { goCall } from './helpers';
import { addUser, fieldhubBin, freePort, startApp, startHub, stop, type HubUser, type Proc } from './product-helpers';

const tag = Date.now().toString(36);
const WITH_DEALS = `Ops teams pay for audit trails ${tag}`;
const NO_DEALS = `Admins want bulk edits ${tag}`;

const revenue = {
  open_pipeline: [
    { currency: 'EUR', amount: 48000, count: 2 },
    { currency: 'USD', amount: 12000, count: 1 },
  ],
  pipeline_by_stage: [
    { stage: 'Proposal', currency: 'EUR', amount: 40000, count: 1 },
    { stage: 'Discovery', currency: 'EUR', amount: 8000, count: 1 },
  ],
  arr_at_risk: [{ currency: 'EUR', amount: 30000, count: 1 }],
  expansion_arr: [],
  won_after_decision: [{ currency: 'EUR', amount: 20000, count: 1 }],
  lost_after_decision: [],
  time_to_revenue: { first_won_deal_id: 'd-won', first_won_at: '2026-11-30T12:00:00Z', from_decision_seconds: 3 * 86400, from_publish_seconds: 10 * 86400 },
};

let procs: Proc[] = [];
let proxy: Server | undefined;
let proxyURL = '';
let pm: HubUser;
let rep: HubUser;
let appURL = '';
const ids = { withDeals: '', noDeals: '' };

test.describe.configure({ mode: 'serial' });

function hlc(n: number) {
  return `${Date.now()}-${n.toString(16).padStart(4, '0')}`;
}

let nextID = 0;
function newID() {
  return `e2e${tag}${(nextID++).toString().padStart(4, '0')}`;
}

async function pushAs(hub: string, user: HubUser, clientID: string, muts: { type: string; id: string; fields: Record<string, unknown> }[]) {
  const body = { client_id: clientID, mutations: muts.map((m, i) => ({ mutation_id: i + 1, op: 'upsert', type: m.type, id: m.id, fields: m.fields, hlc: hlc(i) })) };
  const r = await fetch(`${hub}/v1/sync/push`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${user.token}`, 'Sync-Protocol': '1', 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const j = await r.json();
  expect(r.status, JSON.stringify(j)).toBe(200);
  for (const res of j.results) expect(res.status, JSON.stringify(res)).toBe('applied');
}

/** startProxy passes everything through to hub and seeds `revenue` into the insight of ids.withDeals. */
function startProxy(hub: string): Promise<string> {
  const up = new URL(hub);
  proxy = createServer((req, res) => {
    const seed = req.method === 'GET' && req.url?.startsWith('/v1/insights/hypotheses');
    const out = request({ host: up.hostname, port: up.port, path: req.url, method: req.method, headers: { ...req.headers, host: up.host } }, (upRes) => {
      if (!seed || upRes.statusCode !== 200) {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
        return;
      }
      const chunks: Buffer[] = [];
      upRes.on('data', (c: Buffer) => chunks.push(c));
      upRes.on('end', () => {
        const report = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        for (const h of report.hypotheses ?? []) if (h.hypothesis_id === ids.withDeals) h.revenue = revenue;
        const body = JSON.stringify(report);
        const headers = { ...upRes.headers, 'content-length': String(Buffer.byteLength(body)) };
        delete headers['content-encoding'];
        res.writeHead(200, headers);
        res.end(body);
      });
    });
    out.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(out);
  });
  return new Promise((ok) => proxy!.listen(0, '127.0.0.1', () => ok(`http://127.0.0.1:${(proxy!.address() as { port: number }).port}`)));
}

test.beforeAll(async () => {
  test.setTimeout(120_000);
  const dir = join(process.env.E2E_DIR ?? '/tmp', `revenue-${Date.now()}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const bin = fieldhubBin(dir);
  const hubData = join(dir, 'hub');
  pm = addUser(bin, hubData, 'pm@example.com', 'product');
  rep = addUser(bin, hubData, 'rep@example.com', 'field');
  const hub = await startHub(bin, hubData);
  procs.push(hub.proc);

  // A PM publishes two hypotheses; a rep records a prospect (ARR 0) with an
  // open deal, and evidence supporting the first that blocks the deal.
  ids.withDeals = newID();
  ids.noDeals = newID();
  const published = new Date(Date.now() - 3600_000).toISOString();
  const hyp = (statement: string) => ({ statement, status: 'active', rank: 1, published_at: published, questions: [{ id: 'q1', text: 'Would it help?', kind: 'signal' }] });
  await pushAs(hub.url, pm, `c_pm_${tag}`, [
    { type: 'hypothesis', id: ids.withDeals, fields: hyp(WITH_DEALS) },
    { type: 'hypothesis', id: ids.noDeals, fields: { ...hyp(NO_DEALS), rank: 2 } },
  ]);
  const acct = newID();
  const deal = newID();
  await pushAs(hub.url, rep, `c_rep_${tag}`, [
    { type: 'account', id: acct, fields: { name: `Prospect ${tag}`, stage: 'prospect', arr: 0 } },
    { type: 'opportunity', id: deal, fields: { name: 'First rollout', account_id: acct, amount: 40000, currency: 'EUR', stage: 'Proposal', status: 'open' } },
    { type: 'evidence', id: newID(), fields: { hypothesis_id: ids.withDeals, question_id: 'q1', account_id: acct, opportunity_id: deal, impact: 'blocker', signal: 'supports', captured_at: new Date().toISOString() } },
    { type: 'evidence', id: newID(), fields: { hypothesis_id: ids.noDeals, question_id: 'q1', account_id: acct, signal: 'refutes', captured_at: new Date().toISOString() } },
  ]);

  proxyURL = await startProxy(hub.url);
  const port = await freePort();
  procs.push(await startApp(join(dir, 'pm'), port, 'pm', false));
  appURL = `http://127.0.0.1:${port}`;
});

test.afterAll(async () => {
  await stop(procs);
  procs = [];
  await new Promise<void>((ok) => (proxy ? proxy.close(() => ok()) : ok()));
});

async function openPM(browser: Browser): Promise<Page> {
  const ctx = await browser.newContext({ baseURL: appURL, viewport: { width: 1440, height: 900 } });
  const page = await ctx.newPage();
  await page.goto('/#/home');
  await page.waitForFunction(() => (window as any).go?.bridge?.Product?.Me !== undefined);
  const r = await goCall(page, 'Sync', 'SaveSettings', { hub_url: proxyURL, token: pm.token, clear_token: false });
  expect(r, JSON.stringify(r)).toHaveProperty('ok');
  return page;
}

test('revenue beside time to signal; an empty revenue says so; prospects get no "0%" share', async ({ browser }) => {
  test.setTimeout(90_000);
  const page = await openPM(browser);
  await page.goto(`/#/insights/${ids.withDeals}`);
  await expect(page.getByRole('heading', { level: 1, name: WITH_DEALS })).toBeVisible({ timeout: 20_000 });

  const rev = page.getByRole('region', { name: 'Revenue' });
  await expect(rev.getByTestId('rev-pipeline')).toHaveText('€48,000.00 (2 deals) · $12,000.00 (1 deal)');
  await expect(rev.getByTestId('rev-risk')).toHaveText('€30,000.00 (1 deal)');
  await expect(rev.getByTestId('rev-expansion')).toHaveText('none');
  await expect(rev.getByTestId('rev-won')).toHaveText('€20,000.00 (1 deal)');
  await expect(rev.getByTestId('ttr-decision')).toHaveText('3 d');
  await expect(rev.getByTestId('ttr-publish')).toHaveText('10 d');
  await expect(rev.getByRole('table', { name: 'Open pipeline by stage' })).toContainText('Proposal1€40,000.00');
  // Beside time to signal: both regions on the page, time to signal first.
  await expect(page.getByRole('region', { name: 'Time to signal' })).toBeVisible();

  // Issue 16 item 7: Supports from a prospect (ARR 0) shows no "0%".
  const supportsShare = page.getByTestId('share-supports');
  await expect(supportsShare).toHaveText(/prospects, no ARR · open pipeline citing it: €48,000.00 \+ \$12,000.00/);
  await expect(page.getByRole('table').first()).not.toContainText('0%');
  await page.screenshot({ path: 'test-results/revenue-insights.png' });

  // The hub's own, empty revenue for the other hypothesis.
  await page.goto(`/#/insights/${ids.noDeals}`);
  await expect(page.getByRole('heading', { level: 1, name: NO_DEALS })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Revenue' })).toContainText('No deals cite it yet.');
  await expect(page.getByTestId('share-refutes')).toHaveText('prospects, no ARR · weigh them by their deals');
});
