import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatFigure, RANKED_COLUMNS, rowKey, type CampaignReport } from '../src/lib/campaigns';
import { SUPPRESSED_LABEL } from '../src/lib/format';
import { presetRange } from '../src/lib/period';
import { csvText, parseCsvExport } from '../../reports/testing/exportFiles';
import { TEST_ADMIN_TOKEN } from '../server/testing/testRuntime';
import { launchChromium, SCREENSHOTS } from './browser';
import { PASSWORDS, startDashboardServer, type DashboardServer } from './dashboardServer';

// The Campaigns page in a real browser, on a business seeded through the API with campaign-tagged
// template sends above k (10) and reactions after them, and a rate card that prices marketing
// messages only (so the page has costs and a cost note).
const BUSINESS = 'campaign-shop';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let server: DashboardServer;
let browser: Browser;

/** `recipients` customers sent `template` `daysAgo` days ago; the first ones react as told, hours after. */
function sends(template: string, category: string, campaign: string | null, first: number, recipients: number, daysAgo: number,
  reactions: { type: string; hoursAfter: number }[]) {
  const at = Date.now() - daysAgo * DAY;
  const customer = (i: number) => `+4915170${String(first + i).padStart(6, '0')}`;
  const iso = (ms: number) => new Date(ms).toISOString();
  return [
    ...Array.from({ length: recipients }, (_, i) => ({
      id: `${template}-send-${i}`, business: BUSINESS, type: 'message.sent', channel: 'whatsapp', customer: customer(i), at: iso(at + i * 60_000),
      conversation: `${template}-${i}`, sender: 'automation', message: `${template}-m${i}`, template, category, pricing: 'regular',
      ...(campaign ? { campaign } : {}),
    })),
    ...reactions.map((r, i) => ({ id: `${template}-reaction-${i}`, business: BUSINESS, type: r.type, channel: 'whatsapp', customer: customer(i), at: iso(at + r.hoursAfter * HOUR) })),
  ];
}

async function seedCampaigns(): Promise<void> {
  const { rt } = server;
  await rt.registerBusiness(BUSINESS);
  const events = [
    ...sends('spring_promo', 'marketing', 'spring', 0, 14, 12, [
      { type: 'customer.opted_out', hoursAfter: 2 }, { type: 'customer.opted_out', hoursAfter: 5 }, { type: 'customer.blocked', hoursAfter: 3 },
    ]),
    ...sends('flash_sale', 'marketing', 'flash', 100, 12, 4, [{ type: 'customer.blocked', hoursAfter: 50 }]),
    ...sends('shipping_update', 'utility', null, 200, 11, 6, []),
  ];
  const res = await rt.postEvents(await rt.createKey(BUSINESS), events);
  const body = (await res.json()) as { rejected: unknown[] };
  if (body.rejected.length > 0) throw new Error(`campaign events rejected: ${JSON.stringify(body.rejected)}`);
  const card = await rt.admin('PUT', '/v1/rate-cards/default', {
    currency: 'EUR', effective_from: '2020-01-01', prices: [{ category: 'marketing', country: 'DE', price: 0.1131 }],
  });
  if (card.status !== 201) throw new Error(`rate card: ${card.status} ${await card.text()}`);
}

beforeAll(async () => {
  server = await startDashboardServer(500);
  await seedCampaigns();
  browser = await launchChromium();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function signedInPage(path: string): Promise<Page & { problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = Object.assign(await context.newPage(), { problems: [] as string[] });
  page.on('pageerror', (error) => page.problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/status of 40[13]/.test(message.text())) page.problems.push(message.text());
  });
  await page.goto(server.url + path);
  await page.waitForURL(/\/login/);
  await page.getByLabel('Email').fill('marketing@example.com');
  await page.getByLabel('Password').fill(PASSWORDS.marketing);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  return page;
}

async function api<T>(path: string): Promise<T> {
  const res = await fetch(server.url + path, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

const CHECKED = ['sent', 'recipients', 'opted_out_24h', 'block_rate_24h', 'estimated_cost'] as const;
const COLUMNS = RANKED_COLUMNS.filter((c) => (CHECKED as readonly string[]).includes(c.key));

/** A table's rows as shown: the row key, then the checked figures' text (without any change badge). */
function shownRows(page: Page, caption: string) {
  return page.$$eval(`table:has(caption:text("${caption}")) tbody tr`, (rows, keys) => rows.map((row) => [
    row.getAttribute('data-row'),
    ...keys.map((key) => row.querySelector(`td[data-figure="${key}"] .figure`)?.textContent?.trim()),
  ]), CHECKED as readonly string[]);
}

type Row = CampaignReport['rows'][number] | CampaignReport['campaigns'][number];
const expectedCells = (report: CampaignReport, key: string, row: Row) => [
  key, ...COLUMNS.map((c) => (row.suppressed.includes(c.key) ? SUPPRESSED_LABEL : formatFigure(c, row[c.key], report.currency))),
];

describe('the Campaigns page in a real browser', () => {
  it('drills from the business page and shows the API\'s figures, ranked, with the cost note; the CSV holds the same', async () => {
    const range = presetRange(30);
    const page = await signedInPage(`/businesses/${BUSINESS}?from=${range.from}&to=${range.to}`);
    await page.getByRole('link', { name: 'Campaigns →' }).click();
    await page.waitForURL((url) => url.pathname === `/businesses/${BUSINESS}/campaigns` && url.searchParams.get('from') === range.from);
    const report = await api<CampaignReport>(`/v1/reports/campaigns?business=${BUSINESS}&from=${range.from}&to=${range.to}`);
    // The seed: three templates above k, one with a campaign that drives opt-outs and blocks, costs for marketing only.
    expect(report.rows.map((r) => r.template)).toEqual(['spring_promo', 'flash_sale', 'shipping_update']);
    expect(report.rows[0]).toMatchObject({ campaign: 'spring', recipients: 14, opted_out_24h: 2, blocked_24h: 1 });
    expect(report.currency).toBe('EUR');
    expect(report.cost_note).not.toBeNull();

    const ranked = 'Templates ranked by attributed opt-outs and blocks per recipient';
    await expect.poll(() => shownRows(page, ranked)).toEqual(report.rows.map((r) => expectedCells(report, rowKey(r), r)));
    expect((await shownRows(page, ranked))[0]).toEqual(['spring_promo|marketing|spring', '14', '14', '2', '7.14 %', '1.5834 EUR']);
    // Compared with the preceding 30 days, in which nothing was sent: no change to show, and not "withheld".
    const compared = await api<{ rows: { change_suppressed: string[] }[] }>(`/v1/reports/campaigns?business=${BUSINESS}&from=${range.from}&to=${range.to}&compare=previous`);
    expect(compared.rows[0]!.change_suppressed).toContain('sent: no row in the previous period');
    await expect.poll(() => page.locator(`table:has(caption:text("${ranked}")) td[data-figure="sent"] [data-change="none"]`).count()).toBe(report.rows.length);
    // Wide tables scroll inside their frame; the page itself never scrolls sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    if (report.campaigns.length > 0) {
      const campaigns = 'Campaigns ranked by attributed opt-outs and blocks per recipient';
      await expect.poll(() => shownRows(page, campaigns)).toEqual(report.campaigns.map((c) => expectedCells(report, c.campaign ?? '', c)));
    }
    await expect.poll(() => page.getByTestId('cost-note').textContent()).toBe(report.cost_note);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'CSV' }).click()]);
    expect(download.suggestedFilename()).toBe(`campaigns_${BUSINESS}_${range.from}_${range.to}.csv`);
    const csv = parseCsvExport(readFileSync((await download.path())!).toString('utf8'));
    expect(csv.meta).toMatchObject({ report: 'campaigns', business: BUSINESS, from: range.from, to: range.to, currency: 'EUR', cost_note: report.cost_note });
    const csvRows = csv.rows.filter((r) => r.section === 'row');
    expect(csvRows.map((r) => [r.template, r.category, r.campaign])).toEqual(report.rows.map((r) => [r.template, csvText(r.category), csvText(r.campaign)]));
    report.rows.forEach((row, i) => {
      for (const key of CHECKED) expect(csvRows[i]![key], `${row.template} ${key}`).toBe(csvText(row[key]));
    });

    await page.getByRole('heading', { name: 'Weekly trend of the top templates' }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'campaigns.png'), fullPage: true });
    expect(page.problems).toEqual([]);
    await page.context().close();
  });
});
