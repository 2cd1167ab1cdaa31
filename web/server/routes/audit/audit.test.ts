import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../testing/testRuntime';

let rt: TestRuntime;
beforeEach(async () => {
  rt = await startTestRuntime();
  await rt.registerBusiness('acme');
});
afterEach(async () => rt.stop());

interface Entry { actor: string; action: string; target: string | null; filters: Record<string, unknown>; sha256: string | null }

const entries = async (query: string) =>
  ((await (await rt.admin('GET', `/v1/audit?${query}`)).json()) as { entries: Entry[] }).entries;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('the audit log of report reads', () => {
  it('records every overview and business report read with its filters and the hash of the body served', async () => {
    const overview = await rt.admin('GET', '/v1/reports/overview?from=2026-11-01&to=2026-11-30&channel=whatsapp');
    const business = await rt.admin('GET', '/v1/reports/businesses/acme?from=2026-11-01&to=2026-11-30&granularity=week');
    const overviewBody = await overview.text();
    const businessBody = await business.text();
    expect([overview.status, business.status]).toEqual([200, 200]);

    const reads = await entries('action=report.');
    expect(reads.map((e) => [e.action, e.target])).toEqual([['report.business', 'acme'], ['report.overview', null]]);
    expect(reads[0]).toMatchObject({ actor: 'admin', filters: { from: '2026-11-01', to: '2026-11-30', granularity: 'week' }, sha256: sha256(businessBody) });
    expect(reads[1]).toMatchObject({ filters: { from: '2026-11-01', to: '2026-11-30', channel: 'whatsapp' }, sha256: sha256(overviewBody) });
  });

  it('does not record a refused read, such as an unknown business', async () => {
    expect((await rt.admin('GET', '/v1/reports/businesses/nobody-here?from=2026-11-01&to=2026-11-30')).status).toBe(404);
    expect(await entries('action=report.')).toEqual([]);
  });

  it('filters the log by actor and by action prefix, matching the prefix literally', async () => {
    await rt.admin('GET', '/v1/reports/businesses/acme?from=2026-11-01&to=2026-11-30');
    expect((await entries('action=report.business')).length).toBe(1);
    expect((await entries('action=report_business')).length).toBe(0);
    expect((await entries('actor=admin&action=report.')).length).toBe(1);
    expect(await entries('actor=someone%40example.com')).toEqual([]);
    expect((await rt.admin('GET', '/v1/audit?action=DROP%20TABLE')).status).toBe(400);
  });
});
