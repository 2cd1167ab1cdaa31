import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../testing/testRuntime';

// GET /v1/metrics through the real app: the catalogue every consumer renders its headers from.
const NOW = Date.parse('2026-11-20T12:00:00Z');
const Q = 'from=2026-11-16&to=2026-11-19';
let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime({ now: () => NOW, env: { MIN_COHORT: '1' } });
  await rt.registerBusiness('acme');
  const key = await rt.createKey('acme');
  await rt.postEvents(key, [{ id: 'e1', business: 'acme', type: 'message.received', channel: 'whatsapp', customer: '+4915123456789', conversation: 'c1', at: '2026-11-17T10:00:00Z' }]);
});
afterAll(async () => {
  await rt?.stop();
});

interface Entry { id: string; label: string; short_label: string; unit: string; group: string; description: string; formula: string }

describe('GET /v1/metrics', () => {
  it('lists every figure of the overview and business reports with its label, short label, unit, group and meaning', async () => {
    const res = await rt.admin('GET', '/v1/metrics');
    expect(res.status).toBe(200);
    const { metrics, groups } = (await res.json()) as { metrics: Entry[]; groups: { id: string; title: string }[] };
    for (const m of metrics) {
      expect(m.label.length * m.short_label.length * m.description.length * m.formula.length, m.id).toBeGreaterThan(0);
      expect(['count', 'seconds', 'rate', 'flag']).toContain(m.unit);
      expect(groups.map((g) => g.id)).toContain(m.group);
    }
    expect(new Set(metrics.map((m) => m.short_label)).size).toBe(metrics.length);
    // The ids are the reports' fields: the overview row and the business totals hold exactly them
    // beside their identity, flag and suppression fields.
    const overview = (await (await rt.admin('GET', `/v1/reports/overview?${Q}`)).json()) as { businesses: Record<string, unknown>[] };
    const business = (await (await rt.admin('GET', `/v1/reports/businesses/acme?${Q}`)).json()) as { totals: Record<string, unknown> };
    const ids = metrics.map((m) => m.id).sort();
    const figures = (row: Record<string, unknown>) => Object.keys(row).filter((k) => !['business', 'name', 'verified', 'residency_flag', 'suppressed'].includes(k)).sort();
    expect(figures(overview.businesses[0]!)).toEqual(ids);
    expect(figures(business.totals)).toEqual(ids);
    expect(metrics.find((m) => m.id === 'response_rate_24h')).toMatchObject({ short_label: 'Answered within 24 h', unit: 'rate' });
  });

  it('needs a signed-in user or the admin token', async () => {
    expect((await rt.app.request('/v1/metrics')).status).toBe(401);
  });
});
