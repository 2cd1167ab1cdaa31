import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import type { Browser, Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, SCREENSHOTS } from './browser';
import { PASSWORDS, startDashboardServer, type DashboardServer } from './dashboardServer';

// A DPO in a real browser: from the privacy page to one business's record of processing and its
// evidence pack, on the demo data set served by the real app.
let server: DashboardServer;
let browser: Browser;

beforeAll(async () => {
  server = await startDashboardServer(500);
  browser = await launchChromium();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function dpoPage(): Promise<Page & { problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = Object.assign(await context.newPage(), { problems: [] as string[] });
  page.on('pageerror', (error) => page.problems.push(error.message));
  await page.goto(`${server.url}/privacy`);
  await page.waitForURL(/\/login/);
  await page.getByLabel('Email').fill('dpo@example.com');
  await page.getByLabel('Password').fill(PASSWORDS.dpo);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname.startsWith('/privacy'));
  return page;
}

const bytesOf = async (download: Download) => new Uint8Array(readFileSync((await download.path())!));

describe('the DPO\'s file', () => {
  it('walks from the privacy page to a business\'s record of processing and downloads its evidence pack', async () => {
    const page = await dpoPage();
    await page.getByRole('heading', { name: 'Processing locations' }).waitFor();
    const card = page.locator('.locations section.card').first();
    const pdfLink = card.getByRole('link', { name: /^Record of processing of .+ \(PDF\)$/ });
    const name = /^Record of processing of (.+) \(PDF\)$/.exec((await pdfLink.getAttribute('aria-label'))!)![1]!;

    const [pdf] = await Promise.all([page.waitForEvent('download'), pdfLink.click()]);
    expect(pdf.suggestedFilename()).toMatch(/^records_[a-z0-9_-]+_\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.pdf$/);
    expect(Buffer.from((await bytesOf(pdf)).subarray(0, 5)).toString('latin1')).toBe('%PDF-');

    const [json] = await Promise.all([page.waitForEvent('download'), card.getByRole('link', { name: `Record of processing of ${name} (JSON)` }).click()]);
    const record = JSON.parse(Buffer.from(await bytesOf(json)).toString('utf8')) as { report: string; name: string; processing_locations: unknown[] };
    expect(record).toMatchObject({ report: 'records', name });
    expect(record.processing_locations.length).toBeGreaterThan(0);

    const [pack] = await Promise.all([page.waitForEvent('download'), card.getByRole('link', { name: `Evidence pack of ${name}` }).click()]);
    expect(pack.suggestedFilename()).toMatch(/^evidence_[a-z0-9_-]+_.*\.zip$/);
    const files = unzipSync(await bytesOf(pack));
    const manifest = JSON.parse(Buffer.from(files['manifest.json']!).toString('utf8')) as { files: { name: string; size: number }[] };
    expect(manifest.files.map((f) => f.name).sort()).toEqual(Object.keys(files).filter((n) => n !== 'manifest.json').sort());
    expect(manifest.files.some((f) => f.name.startsWith('records_') && f.name.endsWith('.pdf'))).toBe(true);

    await page.screenshot({ path: join(SCREENSHOTS, 'privacy-dpo-file.png'), fullPage: false });
    expect(page.problems).toEqual([]);
    await page.context().close();
  }, 120_000);
});
