import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit } from '../../../../db/auditLog';
import type { OverviewReport, ResidencyReport } from '../../../../reports/reports';
import { parseCsvExport, pdfText, readParquet, utf8 } from '../../../../reports/testing/exportFiles';
import { startTestRuntime, type TestRuntime } from '../../testing/testRuntime';

// Two businesses with events of their own, and users scoped to one of them, through the real app:
// a scoped user's reports, exports and audit view hold only their business, and the other one is
// answered exactly like an id that was never registered.
const NOW = Date.parse('2026-03-10T12:00:00Z');
const Q = 'from=2026-03-02&to=2026-03-08';

let rt: TestRuntime;
type Headers = Record<string, string>;
let mia: Headers; // marketing, alpha only
let dana: Headers; // dpo, alpha only
let otto: Headers; // marketing, every business
let ada: Headers; // dpo, every business

let n = 0;
const eventsOf = (business: string, customers: string[]) => customers.flatMap((customer, i) => [
  { id: `${business}-${++n}`, business, type: 'message.received', channel: 'whatsapp', customer, conversation: `${business}-c${i}`, at: `2026-03-0${3 + (i % 4)}T10:00:00Z` },
  { id: `${business}-${++n}`, business, type: 'message.sent', channel: 'whatsapp', customer, conversation: `${business}-c${i}`, at: `2026-03-0${3 + (i % 4)}T10:02:00Z`, sender: 'agent', category: 'service', message: `${business}-m${i}` },
]);

async function signIn(email: string, role: string, businesses?: string[]): Promise<Headers> {
  const password = `${role}-password-123`;
  const created = await rt.admin('POST', '/v1/users', { email, password, role, ...(businesses ? { businesses } : {}) });
  expect(created.status, await created.clone().text()).toBe(201);
  const res = await rt.app.request('/v1/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  expect(res.status).toBe(200);
  return { cookie: res.headers.get('set-cookie')!.split(';')[0]! };
}

const get = (path: string, headers: Headers) => Promise.resolve(rt.app.request(path, { headers }));

async function ok(path: string, headers: Headers): Promise<Uint8Array> {
  const res = await get(path, headers);
  expect(res.status, `${path}: ${res.status}`).toBe(200);
  return new Uint8Array(await res.arrayBuffer());
}

const okJson = async <T>(path: string, headers: Headers) => JSON.parse(utf8(await ok(path, headers))) as T;

/** The reply to `path` with `id`, which must be the reply to the same path with an id never registered. */
async function expectLikeUnregistered(path: (id: string) => string, id: string, headers: Headers) {
  const hidden = await get(path(id), headers);
  const unknown = await get(path('nobody'), headers);
  expect(unknown.status).toBe(404);
  expect(hidden.status).toBe(404);
  expect(hidden.headers.get('content-type')).toBe(unknown.headers.get('content-type'));
  const unknownBody = (await unknown.text()).replaceAll('nobody', id);
  expect(await hidden.text()).toBe(unknownBody);
}

const businessesIn = (report: { businesses: { business: string }[] }) => report.businesses.map((b) => b.business);

beforeAll(async () => {
  rt = await startTestRuntime({ now: () => NOW, env: { MIN_COHORT: '1' } });
  for (const [id, customers] of [['alpha', ['+4915100000001', '+4915100000002']], ['beta', ['+4915100000003', '+4915100000004', '+4915100000005']]] as const) {
    await rt.registerBusiness(id);
    const res = await rt.postEvents(await rt.createKey(id), eventsOf(id, [...customers]));
    expect(await res.json()).toMatchObject({ rejected: [] });
  }
  mia = await signIn('mia@example.com', 'marketing', ['alpha']);
  dana = await signIn('dana@example.com', 'dpo', ['alpha']);
  otto = await signIn('otto@example.com', 'marketing');
  ada = await signIn('ada@example.com', 'dpo');
});
afterAll(() => rt.stop());

describe('a marketing user scoped to one business', () => {
  it('sees only that business in the overview, with the figures an unscoped user sees for it', async () => {
    const scoped = await okJson<OverviewReport>(`/v1/reports/overview?${Q}`, mia);
    const all = await okJson<OverviewReport>(`/v1/reports/overview?${Q}`, otto);
    expect(businessesIn(all)).toEqual(['alpha', 'beta']);
    expect(businessesIn(scoped)).toEqual(['alpha']);
    expect(scoped.businesses[0]).toEqual(all.businesses[0]);
    expect(scoped.businesses[0]).toMatchObject({ conversations: 2 });
  });

  it('reads its own business report, and gets for another business the reply of an unregistered id', async () => {
    expect(await okJson<{ business: string; totals: { conversations: number } }>(`/v1/reports/businesses/alpha?${Q}`, mia))
      .toMatchObject({ business: 'alpha', totals: { conversations: 2 } });
    await expectLikeUnregistered((id) => `/v1/reports/businesses/${id}?${Q}`, 'beta', mia);
    expect((await get(`/v1/reports/businesses/beta?${Q}`, otto)).status).toBe(200);
  });

  it('exports the overview with its business only, in every format', async () => {
    const csv = parseCsvExport(utf8(await ok(`/v1/exports/overview.csv?${Q}`, mia)));
    expect(csv.rows.map((r) => r.business)).toEqual(['alpha']);
    expect(businessesIn(await okJson<OverviewReport>(`/v1/exports/overview.json?${Q}`, mia))).toEqual(['alpha']);
    const pdf = pdfText(await ok(`/v1/exports/overview.pdf?${Q}`, mia));
    expect(pdf).toContain('Business alpha');
    expect(pdf).not.toContain('beta');
    const parquet = await readParquet(await ok(`/v1/exports/overview.parquet?${Q}`, mia));
    expect(parquet.rows.map((r) => r.business)).toEqual(['alpha']);
    // The same file for an unscoped user has both.
    expect(parseCsvExport(utf8(await ok(`/v1/exports/overview.csv?${Q}`, otto))).rows.map((r) => r.business)).toEqual(['alpha', 'beta']);
  });

  it('exports its own business, and gets for another business\'s file the reply of an unregistered id', async () => {
    expect(parseCsvExport(utf8(await ok(`/v1/exports/business/alpha.csv?${Q}`, mia))).meta).toMatchObject({ business: 'alpha' });
    for (const format of ['csv', 'json', 'pdf']) {
      await expectLikeUnregistered((id) => `/v1/exports/business/${id}.${format}?${Q}`, 'beta', mia);
    }
    expect((await get(`/v1/exports/business/beta.csv?${Q}`, otto)).status).toBe(200);
  });
});

describe('a dpo scoped to one business', () => {
  it('sees only that business in the residency report and its exports', async () => {
    expect(businessesIn(await okJson<ResidencyReport>(`/v1/reports/residency?${Q}`, ada))).toEqual(['alpha', 'beta']);
    expect(businessesIn(await okJson<ResidencyReport>(`/v1/reports/residency?${Q}`, dana))).toEqual(['alpha']);
    const csv = parseCsvExport(utf8(await ok(`/v1/exports/residency.csv?${Q}`, dana)));
    expect(new Set(csv.rows.map((r) => r.business))).toEqual(new Set(['alpha']));
    expect(businessesIn(await okJson<ResidencyReport>(`/v1/exports/residency.json?${Q}`, dana))).toEqual(['alpha']);
    expect(pdfText(await ok(`/v1/exports/residency.pdf?${Q}`, dana))).not.toContain('beta');
  });

  it('sees in the audit log the reads and exports about its business only, each naming the scope it covered', async () => {
    await ok(`/v1/exports/business/beta.json?${Q}`, otto);
    await ok(`/v1/exports/overview.csv?${Q}`, otto);
    await ok(`/v1/exports/business/alpha.json?${Q}`, mia);
    await ok(`/v1/exports/overview.json?${Q}`, mia);
    await ok(`/v1/reports/residency?${Q}`, dana);

    const everything = (await okJson<{ entries: AuditEntry[] }>('/v1/audit?limit=1000', ada)).entries;
    expect(everything.map(describeEntry)).toEqual(expect.arrayContaining([
      'otto@example.com export.business.json beta', 'otto@example.com export.overview.csv all',
      'mia@example.com export.business.json alpha', 'mia@example.com export.overview.json alpha',
      'dana@example.com report.residency alpha',
    ]));
    const visible = (await okJson<{ entries: AuditEntry[] }>('/v1/audit?limit=1000', dana)).entries;
    expect(visible.map(describeEntry)).toEqual(expect.arrayContaining([
      'mia@example.com export.business.json alpha', 'mia@example.com export.overview.json alpha', 'dana@example.com report.residency alpha',
    ]));
    expect(visible.map(describeEntry).filter((d) => !d.endsWith(' alpha'))).toEqual([]);
    expect(visible.length).toBeLessThan(everything.length);
    // Newest first, and the limit counts visible entries.
    expect(visible.map((e) => e.at)).toEqual([...visible.map((e) => e.at)].sort().reverse());
    expect((await okJson<{ entries: AuditEntry[] }>('/v1/audit?limit=2', dana)).entries.map((e) => e.id)).toEqual(visible.slice(0, 2).map((e) => e.id));
  });

  it('cannot request erasure in another business: refused as an unregistered one', async () => {
    const erase = (businesses: string[]) => rt.app.request('/v1/privacy/erasure', {
      method: 'POST',
      headers: { ...dana, 'content-type': 'application/json', origin: 'http://localhost' },
      body: JSON.stringify({ customer: '+4915100000003', businesses }),
    });
    const hidden = await erase(['beta']);
    const unknown = await erase(['nobody']);
    expect(unknown.status).toBe(400);
    expect(hidden.status).toBe(400);
    expect(await hidden.text()).toBe((await unknown.text()).replaceAll('nobody', 'beta'));
    // Nothing of beta was erased.
    const beta = await okJson<{ totals: { conversations: number } }>(`/v1/reports/businesses/beta?${Q}`, otto);
    expect(beta.totals.conversations).toBe(3);
  });
});

describe('a long audit log', () => {
  it('shows a scoped dpo every entry about its business, across pages and within one busy millisecond', async () => {
    const before = (await okJson<{ entries: AuditEntry[] }>('/v1/audit?limit=1000', dana)).entries;
    // More entries than one page read, all in the millisecond of the entries above (the clock is
    // fixed), alpha's spread among beta's; then three alpha entries a minute older.
    const append = (target: string, action: string, atMs: number) => appendAudit(rt.deps.store, { actor: 'admin', action, target, atMs });
    for (let i = 0; i < 1500; i++) await append(i % 300 === 0 ? 'alpha' : 'beta', 'test.busy', NOW);
    for (let i = 0; i < 3; i++) await append('alpha', 'test.older', NOW - 60_000);

    const after = (await okJson<{ entries: AuditEntry[] }>('/v1/audit?limit=1000', dana)).entries;
    expect(after).toHaveLength(before.length + 8);
    expect(new Set(after.map((e) => e.id)).size).toBe(after.length);
    expect(after.every((e) => describeEntry(e).endsWith(' alpha'))).toBe(true);
    expect(after.filter((e) => e.action === 'test.busy')).toHaveLength(5);
    expect(after.slice(-3).map((e) => e.action)).toEqual(['test.older', 'test.older', 'test.older']);
    const limited = (await okJson<{ entries: AuditEntry[] }>(`/v1/audit?limit=${before.length + 6}`, dana)).entries;
    expect(limited.map((e) => e.id)).toEqual(after.slice(0, before.length + 6).map((e) => e.id));
  });
});

interface AuditEntry { id: string; at: string; actor: string; action: string; target: string | null; filters: Record<string, unknown> }

/** "actor action businesses": the target, else the scope recorded, else "all". */
const describeEntry = (e: AuditEntry) =>
  `${e.actor} ${e.action} ${e.target ?? (Array.isArray(e.filters.scope) ? e.filters.scope.join(',') : 'all')}`;
