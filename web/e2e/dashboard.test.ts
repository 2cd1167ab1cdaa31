import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCount, formatRate, formatSeconds, SUPPRESSED_LABEL } from '../src/lib/format';
import { presetRange } from '../src/lib/period';
import { csvText, parseCsvExport } from '../../reports/testing/exportFiles';
import { TEST_ADMIN_TOKEN } from '../server/testing/testRuntime';
import { launchChromium, SCREENSHOTS } from './browser';
import { PASSWORDS, startDashboardServer, type DashboardServer } from './dashboardServer';

let server: DashboardServer;
let browser: Browser;

beforeAll(async () => {
  server = await startDashboardServer();
  browser = await launchChromium();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function signedInPage(email: string, password: string, path = '/', viewport = { width: 1280, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/status of 40[13]/.test(message.text())) problems.push(message.text());
  });
  (page as Page & { problems: string[] }).problems = problems;
  await page.goto(server.url + path);
  await page.waitForURL(/\/login/);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  return page;
}

async function api<T>(path: string): Promise<T> {
  const res = await fetch(server.url + path, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

interface OverviewRow { business: string; suppressed: string[]; [metric: string]: unknown }
const FORMAT: Record<string, (v: number | null) => string> = { count: formatCount, seconds: formatSeconds, rate: formatRate };

/** The overview's metric columns as the page shows them, each with the catalogue's format for its unit. */
async function overviewColumns(page: Page): Promise<[string, (v: number | null) => string][]> {
  const catalogue = await api<{ metrics: { id: string; unit: string }[] }>('/v1/metrics');
  await page.waitForSelector('thead th[data-metric]');
  const ids = await page.$$eval('thead th[data-metric]', (cells) => cells.map((c) => c.getAttribute('data-metric')!));
  expect(ids.slice(0, 4)).toEqual(['conversations', 'frt_median_s', 'frt_p90_s', 'response_rate_24h']);
  return ids.map((id) => [id, FORMAT[catalogue.metrics.find((m) => m.id === id)!.unit]!]);
}

const PRICING_KEYS = ['charged', 'free_customer_service', 'free_entry_point', 'unknown'] as const;
type PricingRow = { category: string; suppressed: string[] } & Record<(typeof PRICING_KEYS)[number], number | null>;

/** Every figure of the overview table, as shown, must be the API's figure for the same filters. */
async function expectOverviewMatchesApi(page: Page, query: string) {
  const report = await api<{ k: number; businesses: OverviewRow[] }>(`/v1/reports/overview?${query}`);
  expect(report.businesses.length).toBeGreaterThanOrEqual(12);
  const COLUMNS = await overviewColumns(page);
  await page.waitForFunction((n) => document.querySelectorAll('tbody tr[data-business]').length === n, report.businesses.length);
  await expect.poll(async () => {
    const shown = await page.$$eval('tbody tr[data-business]', (rows) =>
      Object.fromEntries(rows.map((row) => [
        row.getAttribute('data-business'),
        // The figure without its change against the previous period (checked on its own below).
        Object.fromEntries([...row.querySelectorAll('td[data-metric]')].map((td) => {
          const figure = td.cloneNode(true) as Element;
          figure.querySelectorAll('.change').forEach((change) => change.remove());
          return [td.getAttribute('data-metric'), figure.textContent?.trim()];
        })),
      ])),
    );
    const expected = Object.fromEntries(report.businesses.map((b) => [
      b.business,
      Object.fromEntries(COLUMNS.map(([key, format]) => [key, b.suppressed.includes(key) ? SUPPRESSED_LABEL : format(b[key] as number | null)])),
    ]));
    return JSON.stringify(shown) === JSON.stringify(expected) ? 'equal' : JSON.stringify({ shown, expected });
  }, { timeout: 15_000 }).toBe('equal');
  return report;
}

describe('the dashboard in a real browser', () => {
  it('shows marketing the overview with exactly the report API\'s numbers, following the period and channel filters', async () => {
    const page = await signedInPage('marketing@example.com', PASSWORDS.marketing);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    const thirty = presetRange(30);
    await expect.poll(() => new URL(page.url()).search).toBe('');
    const monthReport = await expectOverviewMatchesApi(page, `from=${thirty.from}&to=${thirty.to}`);

    await page.getByRole('button', { name: '7 days' }).click();
    const seven = presetRange(7);
    await page.waitForURL((url) => url.searchParams.get('from') === seven.from);
    const weekReport = await expectOverviewMatchesApi(page, `from=${seven.from}&to=${seven.to}`);
    const conversations = (r: { businesses: OverviewRow[] }) => r.businesses.map((b) => b.conversations);
    expect(conversations(weekReport)).not.toEqual(conversations(monthReport));

    await page.getByLabel('Channel').selectOption('whatsapp');
    await page.waitForURL((url) => url.searchParams.get('channel') === 'whatsapp');
    await expectOverviewMatchesApi(page, `from=${seven.from}&to=${seven.to}&channel=whatsapp`);

    await page.getByRole('button', { name: '30 days' }).click();
    await page.getByLabel('Channel').selectOption('');
    await expectOverviewMatchesApi(page, `from=${thirty.from}&to=${thirty.to}`);
    await page.getByRole('heading', { name: 'First response time per business' }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'overview.png'), fullPage: true });
    expect((page as Page & { problems: string[] }).problems).toEqual([]);
    await page.context().close();
  });

  it('shows each overview figure\'s change against the previous period as the API has it', async () => {
    const page = await signedInPage('marketing@example.com', PASSWORDS.marketing);
    const range = presetRange(30);
    type Compared = OverviewRow & { change: Record<string, number | null>; change_suppressed: string[] };
    const report = await api<{ businesses: Compared[]; compare: { from: string; to: string } }>(`/v1/reports/overview?from=${range.from}&to=${range.to}&compare=previous`);
    const columns = await overviewColumns(page);
    const expected = Object.fromEntries(report.businesses.map((b) => [b.business, Object.fromEntries(columns.map(([key]) => [
      // A withheld figure says so once: no change beside it.
      key, b.suppressed.includes(key) ? null : b.change_suppressed.some((s) => s.startsWith(`${key}: `)) ? 'withheld' : b.change[key] === null ? 'none' : String(b.change[key]),
    ]))]));
    await expect.poll(() => page.$$eval('tbody tr[data-business]', (rows) => Object.fromEntries(rows.map((row) => [
      row.getAttribute('data-business'),
      Object.fromEntries([...row.querySelectorAll('td[data-metric]')].map((td) => [td.getAttribute('data-metric'), td.querySelector('.change')?.getAttribute('data-change') ?? null])),
    ]))), { timeout: 15_000 }).toEqual(expected);
    // One figure as a reader sees it: the conversations' change, signed, in the count's format.
    const business = report.businesses.find((b) => typeof b.change.conversations === 'number' && b.change.conversations !== 0)!;
    expect(business, 'a business whose conversations changed').toBeDefined();
    const change = business.change.conversations!;
    const cell = page.locator(`tbody tr[data-business="${business.business}"] td[data-metric="conversations"] .change [aria-hidden="true"]`);
    await expect.poll(() => cell.textContent()).toBe(`${change > 0 ? '+' : '−'}${formatCount(Math.abs(change))}`);
    await page.getByText(`changes against ${report.compare.from} to ${report.compare.to}`).waitFor();
    await page.context().close();
  });

  it('downloads the overview as CSV holding the numbers on screen, and the DPO sees that download in the audit log', async () => {
    const page = await signedInPage('marketing@example.com', PASSWORDS.marketing);
    const range = presetRange(30);
    const report = await expectOverviewMatchesApi(page, `from=${range.from}&to=${range.to}`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'CSV' }).click()]);
    const bytes = readFileSync((await download.path())!);
    const csv = parseCsvExport(bytes.toString('utf8'));
    expect(csv.meta).toMatchObject({ from: range.from, to: range.to, k: String(report.k) });
    const columns = await overviewColumns(page);
    for (const business of report.businesses) {
      const row = csv.rows.find((r) => r.business === business.business)!;
      for (const [key] of columns) expect(row[key], `${business.business} ${key}`).toBe(business.suppressed.includes(key) ? '' : csvText(business[key]));
      expect(row.suppressed).toBe(business.suppressed.join(' '));
    }
    await page.context().close();

    const dpo = await signedInPage('dpo@example.com', PASSWORDS.dpo, '/privacy');
    const sha = createHash('sha256').update(bytes).digest('hex');
    await dpo.locator(`[data-testid="audit-log"] code[title="${sha}"]`).waitFor();
    await dpo.getByRole('heading', { name: 'Adequacy decisions used' }).waitFor();
    await dpo.getByText('(EU) 2026/179').waitFor();
    await dpo.context().close();
  });

  it('keeps marketing out of the privacy page and its API', async () => {
    const page = await signedInPage('marketing@example.com', PASSWORDS.marketing);
    await expect.poll(() => page.getByRole('link', { name: 'Privacy & residency' }).count()).toBe(0);
    await page.goto(`${server.url}/privacy`);
    await page.getByText('This page is for Data Protection Officers and administrators.').waitFor();
    const range = presetRange(30);
    const status = await page.evaluate(async (q) => (await fetch(`/v1/reports/residency?${q}`)).status, `from=${range.from}&to=${range.to}`);
    expect(status).toBe(403);
    await page.context().close();
  });

  it('shows a business over time, by day and by week', async () => {
    const page = await signedInPage('marketing@example.com', PASSWORDS.marketing);
    const first = page.locator('tbody tr[data-business] th a').first();
    const name = (await first.textContent())!.trim();
    await first.click();
    await page.getByRole('heading', { name: new RegExp(name) }).waitFor();
    await page.getByRole('heading', { name: 'First response time' }).waitFor();
    const id = new URL(page.url()).pathname.split('/').pop()!;
    const range = presetRange(30);
    const report = await api<{ series: unknown[] }>(`/v1/reports/businesses/${id}?from=${range.from}&to=${range.to}&granularity=day`);
    await expect.poll(() => page.locator('table:has(caption:text("By day")) tbody tr').count()).toBe(report.series.length);
    const breakdowns = await api<{ k: number; templates: unknown[]; pricing: PricingRow[] }>(`/v1/reports/businesses/${id}?from=${range.from}&to=${range.to}`);
    const templateRows = page.locator('table:has(caption:text("Delivery, read and limited by category and template")) tbody tr');
    await expect.poll(() => templateRows.count()).toBe(breakdowns.templates.length);
    // Charged and free messages: every figure as the API has it, withheld ones spelled out.
    expect(breakdowns.pricing.length).toBeGreaterThan(0);
    const pricingShown = () => page.$$eval('table:has(caption:text("Charged and free messages by category")) tbody tr', (rows) =>
      rows.map((row) => [row.querySelector('th')?.textContent?.trim(), ...[...row.querySelectorAll('td[data-metric]')].map((td) => {
        const figure = td.cloneNode(true) as Element;
        figure.querySelectorAll('.change').forEach((change) => change.remove());
        return figure.textContent?.trim();
      })]));
    await expect.poll(pricingShown).toEqual(breakdowns.pricing.map((p) => [
      p.category, ...PRICING_KEYS.map((key) => (p.suppressed.includes(key) ? SUPPRESSED_LABEL : formatCount(p[key]))),
    ]));
    await page.getByRole('button', { name: 'By week' }).click();
    const weekly = await api<{ series: unknown[] }>(`/v1/reports/businesses/${id}?from=${range.from}&to=${range.to}&granularity=week`);
    await expect.poll(() => page.locator('table:has(caption:text("By week")) tbody tr').count()).toBe(weekly.series.length);
    expect(weekly.series.length).toBeLessThan(report.series.length);
    await page.screenshot({ path: join(SCREENSHOTS, 'business.png'), fullPage: true });
    await page.context().close();
  });

  it('heads every metric column with the catalogue\'s short label, on the overview and a business page', async () => {
    const catalogue = await api<{ metrics: { id: string; short_label: string; unit: string }[] }>('/v1/metrics');
    const labelOf = new Map(catalogue.metrics.map((m) => [m.id, m.short_label]));
    const headers = (page: Page) => page.$$eval('thead th[data-metric]', (cells) => cells.map((c) => [c.getAttribute('data-metric')!, c.textContent!.trim()]));
    const page = await signedInPage('marketing@example.com', PASSWORDS.marketing);
    await page.waitForSelector('thead th[data-metric]');
    const overview = await headers(page);
    expect(overview.length).toBeGreaterThanOrEqual(8);
    for (const [id, text] of overview) expect(text, id).toBe(labelOf.get(id));
    await page.locator('tbody tr[data-business] th a').first().click();
    await page.getByRole('heading', { name: 'First response time' }).waitFor();
    await page.waitForSelector('table caption');
    // Other columns (sent messages, the pricing counts) are no metrics of the catalogue.
    const businessHeaders = async () => (await headers(page)).filter(([id]) => labelOf.has(id));
    // Series, channel and template tables: the metrics the page shows (polled: the overview's
    // table may still be on screen while the business page renders).
    await expect.poll(async () => new Set((await businessHeaders()).map(([id]) => id)))
      .toEqual(new Set(catalogue.metrics.filter((m) => m.unit !== 'flag').map((m) => m.id)));
    const business = await businessHeaders();
    for (const [id, text] of business) expect(text, id).toBe(labelOf.get(id));
  });

  it('shows a DPO each business\'s residency flag and locations as the API reports them', async () => {
    const page = await signedInPage('dpo@example.com', PASSWORDS.dpo);
    // The period chosen on the overview goes along to the privacy page.
    await page.getByRole('button', { name: '7 days' }).click();
    const seven = presetRange(7);
    await page.waitForURL((url) => url.searchParams.get('from') === seven.from);
    await page.getByRole('link', { name: 'Privacy & residency' }).click();
    await page.waitForURL((url) => url.pathname === '/privacy' && url.searchParams.get('from') === seven.from && url.searchParams.get('to') === seven.to);
    await page.getByRole('heading', { name: 'Flags' }).waitFor();
    // The whole demo period, so the small test dataset surely holds the exposed business's EEA customers.
    await page.getByRole('button', { name: '90 days' }).click();
    const range = presetRange(90);
    await page.waitForURL((url) => url.searchParams.get('from') === range.from);
    const report = await api<{
      adequacy_as_of: string;
      businesses: { business: string; flag: string; locations: { country: string | null; organisation: string | null; processor: string; review_overdue: boolean }[] }[];
    }>(`/v1/reports/residency?from=${range.from}&to=${range.to}`);
    const expected = Object.fromEntries(report.businesses.map((b) => [b.business, b.flag]));
    await expect.poll(() => page.$$eval('tbody tr[data-business]', (rows) =>
      Object.fromEntries(rows.map((r) => [r.getAttribute('data-business'), r.querySelector('.flag')?.textContent?.trim() ?? (r.querySelector('.suppressed') ? null : 'missing')])))).toEqual(expected);
    // The small test dataset has few EEA customers per business: some flags are shown, others
    // withheld with the few customers they rest on (and shown as such, checked above).
    expect(Object.values(expected)).toContain('ok');
    expect(Object.values(expected)).toContain(null);
    await page.getByText(report.adequacy_as_of).first().waitFor();
    // The demo's transfer reviews: the overdue ones (the API's) are marked, and a DPF location
    // carries the appeal's note with a link to its source.
    const overdue = report.businesses.flatMap((b) => b.locations.filter((l) => l.review_overdue).map((l) => `${l.country ?? l.organisation}/${l.processor}`));
    expect(overdue.length).toBeGreaterThan(0);
    expect(await page.$$eval('tr.overdue', (rows) => rows.map((r) => r.getAttribute('data-location')))).toEqual(overdue);
    expect(await page.locator('tr.overdue .review-overdue').first().isVisible()).toBe(true);
    const dpfNote = page.locator('li[data-note="eu-us-dpf-appeal"]').first();
    expect(await dpfNote.textContent()).toContain('C-703/25 P');
    expect(await dpfNote.getByRole('link', { name: 'source' }).getAttribute('href')).toBe('https://curia.europa.eu/juris/liste.jsf?num=C-703/25');
    await page.screenshot({ path: join(SCREENSHOTS, 'privacy.png'), fullPage: true });
    await page.context().close();
  });

  it('stays legible on a phone: the page never scrolls sideways, wide tables scroll inside their frame', async () => {
    for (const [path, email, password, shot] of [
      ['/', 'marketing@example.com', PASSWORDS.marketing, 'overview-phone.png'],
      ['/privacy', 'dpo@example.com', PASSWORDS.dpo, 'privacy-phone.png'],
    ] as const) {
      const page = await signedInPage(email, password, path, { width: 390, height: 844 });
      await page.locator('tbody tr[data-business]').first().waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: join(SCREENSHOTS, shot), fullPage: false });
      await page.context().close();
    }
  });

  it('signs the built-in admin in with the admin token', async () => {
    const page = await signedInPage('admin', TEST_ADMIN_TOKEN);
    await page.getByText('admin · admin').waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login/);
    await page.context().close();
  });
});
