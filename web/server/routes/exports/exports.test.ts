import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../../../../ingest/demo/generateDemo';
import { inProcessClient, postDemo } from '../../seed/postDemo';
import { startTestRuntime, TEST_ADMIN_TOKEN, type TestRuntime } from '../../testing/testRuntime';
import { METRIC_IDS, METRICS } from '../../../../reports/metrics/definitions';
import type { BusinessReport, OverviewReport, ResidencyReport } from '../../../../reports/reports';
import { REGION_CLASSES } from '../../../../reports/residency/regionClass';
import { csvText, parseCsvExport, pdfText, readParquet, squash, utf8 } from '../../../../reports/testing/exportFiles';
import { formatCustomers, formatMetric, NO_DATA, suppressedText } from '../../../../reports/exports/pdf/figures';
import { PDF_METRIC_GROUPS } from '../../../../reports/exports/pdf/metricTables';
import { PRICING_HEADERS } from '../../../../reports/exports/pdf/businessPdf';
import { PRICING_FIGURES } from '../../../../reports/metrics/pricingBreakdown';

// The realistic demo data set through the real app, k = 10: some figures are published, others
// suppressed. Each export must hold exactly the numbers of the report API for the same filters.
const DAY = 86_400_000;
const today = Math.floor(Date.now() / DAY) * DAY;
const FROM = new Date(today - 28 * DAY).toISOString().slice(0, 10);
const TO = new Date(today - DAY).toISOString().slice(0, 10);
const Q = `from=${FROM}&to=${TO}`;

let rt: TestRuntime;
let business: string;

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const get = (path: string, headers: Record<string, string> = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` }) => Promise.resolve(rt.app.request(path, { headers }));

async function download(path: string, headers?: Record<string, string>) {
  const res = await get(path, headers);
  expect(res.status, `${path}: ${res.status}`).toBe(200);
  return { res, bytes: new Uint8Array(await res.arrayBuffer()) };
}

interface AuditEntry { at: string; actor: string; action: string; target: string | null; filters: Record<string, unknown>; row_count: number; sha256: string }

/** The latest entry of these actions (report reads the tests make to compare with are audited too). */
async function latestAudit(action = 'export.'): Promise<AuditEntry> {
  const body = (await (await get(`/v1/audit?limit=1&action=${action}`)).json()) as { entries: AuditEntry[] };
  return body.entries[0]!;
}

async function signIn(email: string, role: string): Promise<Record<string, string>> {
  const password = `${role}-password-123`;
  expect((await rt.admin('POST', '/v1/users', { email, password, role })).status).toBe(201);
  const res = await rt.app.request('/v1/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  expect(res.status).toBe(200);
  return { cookie: res.headers.get('set-cookie')!.split(';')[0]! };
}

/** True when the PDF's text holds a table row with these cells, in this order. */
const hasRow = (text: string, cells: string[]) => squash(text).includes(squash(cells.join('')));

type Figures = Record<string, unknown> & { suppressed: readonly string[] };
/** The rows of the three metric tables (pdf/metricTables.ts) for one row of the report. */
const metricRows = (label: string, row: Figures, k: number) =>
  PDF_METRIC_GROUPS.map(([, ids]) => [label, ...ids.map((id) => formatMetric(id, row[id] as number | boolean | null, row.suppressed.includes(id), k))]);

beforeAll(async () => {
  rt = await startTestRuntime();
  const demo = generateDemo({ seed: 11, events: 6000, days: 30, end: today - 1 });
  const summary = await postDemo(inProcessClient(rt.app), TEST_ADMIN_TOKEN, demo);
  expect(summary.rejected).toBe(0);
  business = demo.businesses[0]!.id;
});

afterAll(async () => {
  await rt.stop();
});

describe('overview exports', () => {
  let api: OverviewReport;
  beforeAll(async () => {
    api = (await (await get(`/v1/reports/overview?${Q}`)).json()) as OverviewReport;
    // The data set exercises both sides of suppression.
    expect(api.businesses.some((b) => b.suppressed.length > 0)).toBe(true);
    expect(api.businesses.some((b) => b.conversations !== null && b.conversations > 0)).toBe(true);
  });

  it('CSV: metadata block, then one row per business with the API\'s numbers and suppressed names', async () => {
    const { res, bytes } = await download(`/v1/exports/overview.csv?${Q}`);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="overview_${FROM}_${TO}.csv"`);
    const csv = parseCsvExport(utf8(bytes));
    expect(csv.meta).toMatchObject({ report: 'overview', from: FROM, to: TO, k: '10', channel: 'all', adequacy_as_of: '2026-01-26', adequacy_version: '2' });
    expect(csv.meta.generated_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(csv.header).toEqual(['business', 'name', 'verified', ...METRIC_IDS, 'residency_flag', 'suppressed']);
    expect(csv.rows).toEqual(api.businesses.map((b) => ({
      ...Object.fromEntries(['business', 'name', 'verified', ...METRIC_IDS, 'residency_flag'].map((c) => [c, csvText((b as Record<string, unknown>)[c])])),
      suppressed: b.suppressed.join(' '),
    })));

    const audit = await latestAudit();
    expect(audit).toMatchObject({ actor: 'admin', action: 'export.overview.csv', target: null, filters: { from: FROM, to: TO }, row_count: api.businesses.length, sha256: sha256(bytes) });
  });

  it('JSON: the API reply plus the adequacy date and generation time', async () => {
    const { bytes } = await download(`/v1/exports/overview.json?${Q}`);
    const json = JSON.parse(utf8(bytes)) as Record<string, unknown>;
    expect(json).toEqual({ report: 'overview', ...api, adequacy_as_of: '2026-01-26', adequacy_version: 2, generated_at: expect.any(String) });
    expect((await latestAudit()).sha256).toBe(sha256(bytes));
  });

  it('PDF: every business\'s formatted figures, withheld ones as "fewer than k customers"', async () => {
    const { res, bytes } = await download(`/v1/exports/overview.pdf?${Q}`);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const text = pdfText(bytes);
    expect(text).toContain(`${FROM} to ${TO}`);
    expect(text).toContain('k = 10');
    expect(text).toContain('as of 2026-01-26 (version 2)');
    expect(text).toMatch(/Generated\s+\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC/);
    expect(text).toMatch(/Page 1 of \d/);
    for (const b of api.businesses) {
      const rows = metricRows(b.name, b, api.k);
      // The residency flag closes the last table's row.
      rows.forEach((row, i) => {
        const cells = i === rows.length - 1 ? [...row, b.residency_flag ?? suppressedText(api.k)] : row;
        expect(hasRow(text, cells), `${b.business}: ${cells.join(' | ')}`).toBe(true);
      });
    }
    // Withheld figures are spelled out, on one line, never printed as 0.
    expect(text).toContain(suppressedText(10));
    expect(text).not.toMatch(/fewer than 10\s*\n/);
    expect(text).toContain(NO_DATA);
    const audit = await latestAudit();
    expect(audit).toMatchObject({ action: 'export.overview.pdf', sha256: sha256(bytes) });
  });

  it('Parquet: read back through DuckDB, the same rows, with the metadata in the file', async () => {
    const { bytes } = await download(`/v1/exports/overview.parquet?${Q}&channel=whatsapp`);
    const filtered = (await (await get(`/v1/reports/overview?${Q}&channel=whatsapp`)).json()) as OverviewReport;
    const parquet = await readParquet(bytes);
    expect(parquet.metadata).toMatchObject({ report: 'overview', from: FROM, to: TO, channel: 'whatsapp', k: '10', adequacy_as_of: '2026-01-26' });
    expect(parquet.rows.map((r) => ({ ...r, conversations: r.conversations === null ? null : Number(r.conversations), customer_initiated: r.customer_initiated === null ? null : Number(r.customer_initiated) })))
      .toEqual(filtered.businesses.map((b) => ({ ...b })));
    const audit = await latestAudit();
    expect(audit).toMatchObject({ action: 'export.overview.parquet', filters: { from: FROM, to: TO, channel: 'whatsapp' }, row_count: filtered.businesses.length, sha256: sha256(bytes) });
  });
});

describe('business exports', () => {
  let api: BusinessReport;
  beforeAll(async () => {
    api = (await (await get(`/v1/reports/businesses/${business}?${Q}&granularity=week`)).json()) as BusinessReport;
  });

  it('CSV: totals, weeks, channels, templates and pricing in one table', async () => {
    const { res, bytes } = await download(`/v1/exports/business/${business}.csv?${Q}&granularity=week`);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="business_${business}_${FROM}_${TO}.csv"`);
    const csv = parseCsvExport(utf8(bytes));
    expect(csv.meta).toMatchObject({ report: 'business', business, granularity: 'week', k: '10', adequacy_as_of: '2026-01-26' });
    const metrics = (row: Record<string, unknown>) => Object.fromEntries(METRIC_IDS.map((id) => [id, csvText(row[id])]));
    const noPricing = Object.fromEntries(PRICING_FIGURES.map((f) => [f, '']));
    const none = { category: '', template: '', sent: '', ...noPricing };
    const noMetrics = Object.fromEntries(METRIC_IDS.map((id) => [id, '']));
    expect(csv.rows).toEqual([
      { section: 'total', from: FROM, to: TO, channel: '', ...none, ...metrics(api.totals), residency_flag: api.totals.residency_flag, suppressed: api.totals.suppressed.join(' ') },
      ...api.series.map((p) => ({ section: 'week', from: p.from, to: p.to, channel: '', ...none, ...metrics(p), residency_flag: '', suppressed: p.suppressed.join(' ') })),
      ...api.channels.map((c) => ({ section: 'channel', from: FROM, to: TO, channel: c.channel, ...none, ...metrics(c), residency_flag: '', suppressed: c.suppressed.join(' ') })),
      ...api.templates.map((t) => ({
        section: 'template', from: FROM, to: TO, channel: '', category: t.category, template: csvText(t.template), sent: csvText(t.sent), ...noPricing,
        ...noMetrics, delivery_rate: csvText(t.delivery_rate), read_rate: csvText(t.read_rate), limited_rate: csvText(t.limited_rate),
        residency_flag: '', suppressed: t.suppressed.join(' '),
      })),
      ...api.pricing.map((p) => ({
        section: 'pricing', from: FROM, to: TO, channel: '', category: p.category, template: '', sent: '',
        ...Object.fromEntries(PRICING_FIGURES.map((f) => [f, csvText(p[f])])), ...noMetrics, residency_flag: '', suppressed: p.suppressed.join(' '),
      })),
    ]);
    expect(api.templates.length).toBeGreaterThan(0);
    expect(api.pricing.length).toBeGreaterThan(0);
    expect(await latestAudit()).toMatchObject({
      action: 'export.business.csv', target: business, filters: { business, from: FROM, to: TO, granularity: 'week' },
      row_count: 1 + api.series.length + api.channels.length + api.templates.length + api.pricing.length, sha256: sha256(bytes),
    });
  });

  it('JSON and PDF hold the same figures', async () => {
    const { bytes: json } = await download(`/v1/exports/business/${business}.json?${Q}&granularity=week`);
    expect(JSON.parse(utf8(json))).toEqual({ report: 'business', ...api, adequacy_as_of: '2026-01-26', adequacy_version: 2, generated_at: expect.any(String) });

    const { bytes: pdf } = await download(`/v1/exports/business/${business}.pdf?${Q}&granularity=week`);
    const text = pdfText(pdf);
    expect(text).toContain(`Business report: ${api.name}`);
    for (const m of METRICS) {
      const value = formatMetric(m.id, api.totals[m.id as (typeof METRIC_IDS)[number]], api.totals.suppressed.includes(m.id), api.k);
      expect(hasRow(text, [m.label.replace(/ \(s\)$/, ''), value]), `${m.id}: ${value}`).toBe(true);
    }
    expect(hasRow(text, ['Residency flag', api.totals.residency_flag ?? suppressedText(api.k)])).toBe(true);
    for (const c of api.channels) {
      for (const row of metricRows(c.channel, c, api.k)) expect(hasRow(text, row), row.join(' | ')).toBe(true);
    }
    for (const t of api.templates) {
      const figure = (id: 'sent' | 'delivery_rate' | 'read_rate' | 'limited_rate') => formatMetric(id, t[id], t.suppressed.includes(id), api.k);
      const row = [t.category, t.template ?? '(no template)', figure('sent'), figure('delivery_rate'), figure('read_rate'), figure('limited_rate')];
      expect(hasRow(text, row), row.join(' | ')).toBe(true);
    }
    expect(hasRow(text, ['Category', ...PRICING_FIGURES.map((f) => PRICING_HEADERS[f])])).toBe(true);
    for (const p of api.pricing) {
      const row = [p.category, ...PRICING_FIGURES.map((f) => formatMetric(f, p[f], p.suppressed.includes(f), api.k))];
      expect(hasRow(text, row), row.join(' | ')).toBe(true);
    }
    for (const p of api.series) {
      for (const row of metricRows(p.from === p.to ? p.from : `${p.from} to ${p.to}`, p, api.k)) expect(hasRow(text, row), row.join(' | ')).toBe(true);
    }
    expect((await latestAudit()).sha256).toBe(sha256(pdf));
  });

  it('answers 404 for an unknown business and 400 for a bad file name, and records nothing', async () => {
    const before = await latestAudit();
    expect((await get(`/v1/exports/business/nobody.csv?${Q}`)).status).toBe(404);
    expect((await get(`/v1/exports/business/${business}.parquet?${Q}`)).status).toBe(400);
    expect((await get(`/v1/exports/business/${business}.csv?from=${FROM}`)).status).toBe(400);
    expect(await latestAudit()).toEqual(before);
  });
});

describe('residency exports', () => {
  let api: ResidencyReport;
  beforeAll(async () => {
    api = (await (await get(`/v1/reports/residency?${Q}`)).json()) as ResidencyReport;
    expect(api.businesses.some((b) => b.suppressed.length > 0)).toBe(true);
  });

  it('CSV: a business record, then its location records, with suppressed figures named by their API path', async () => {
    const { res, bytes } = await download(`/v1/exports/residency.csv?${Q}`);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="residency_${FROM}_${TO}.csv"`);
    const csv = parseCsvExport(utf8(bytes));
    expect(csv.meta).toMatchObject({ report: 'residency', from: FROM, to: TO, k: '10', adequacy_as_of: '2026-01-26', adequacy_version: '2' });
    const expected = api.businesses.flatMap((b) => [
      {
        record: 'business', business: b.business, name: b.name, flag: csvText(b.flag), exposure: csvText(b.exposure),
        ...Object.fromEntries(REGION_CLASSES.map((c) => [`customers_by_class.${c}`, csvText(b.customers_by_class[c])])),
        suppressed: b.suppressed.filter((s) => !s.startsWith('locations.')).join(' '),
      },
      ...b.locations.map((l, i) => ({
        record: 'location', business: b.business, location: String(i), country: l.country, processor: l.processor, role: csvText(l.role),
        mechanism: l.mechanism, primary: String(l.primary), declared: String(l.declared), status: l.status, eea_customers: csvText(l.eea_customers),
        suppressed: b.suppressed.filter((s) => s.startsWith(`locations.${i}.`)).join(' '),
      })),
    ]);
    expect(csv.rows).toEqual(expected.map((e) => expect.objectContaining(e)));
    // Every suppressed name of the API appears in the file, as it is.
    const named = csv.rows.flatMap((r) => r.suppressed!.split(' ').filter(Boolean));
    expect(named.sort()).toEqual(api.businesses.flatMap((b) => b.suppressed).sort());
    expect(await latestAudit()).toMatchObject({
      action: 'export.residency.csv', filters: { from: FROM, to: TO }, row_count: csv.rows.length, sha256: sha256(bytes),
    });
  });

  it('JSON: the API reply plus the generation time', async () => {
    const { bytes } = await download(`/v1/exports/residency.json?${Q}`);
    expect(JSON.parse(utf8(bytes))).toEqual({ report: 'residency', ...api, generated_at: expect.any(String) });
  });

  it('PDF: per business its flag, exposure, customers by class and locations with mechanisms', async () => {
    const { bytes } = await download(`/v1/exports/residency.pdf?${Q}`);
    const text = pdfText(bytes);
    expect(text).toContain('Data residency and GDPR transfer report');
    expect(text).toContain('as of 2026-01-26 (version 2)');
    expect(text).toContain('(EU) 2023/1795');
    expect(text).toMatch(/Page 1 of \d/);
    const perBusiness = text.slice(text.indexOf('Per business'));
    const starts = api.businesses.map((b) => perBusiness.indexOf(`${b.name} (${b.business})`));
    expect(starts.every((s, i) => s > 0 && (i === 0 || s > starts[i - 1]!))).toBe(true);
    api.businesses.forEach((b, i) => {
      const section = perBusiness.slice(starts[i], starts[i + 1] ?? perBusiness.indexOf('Adequacy decisions in force'));
      const flags = [
        b.flag?.toUpperCase() ?? suppressedText(api.k),
        formatCustomers(b.exposure, b.suppressed.includes('exposure'), api.k),
        ...REGION_CLASSES.map((c) => formatCustomers(b.customers_by_class[c], b.suppressed.includes(`customers_by_class.${c}`), api.k)),
      ];
      expect(hasRow(section, flags), `${b.business}: ${flags.join(' | ')}`).toBe(true);
      b.locations.forEach((l, j) => {
        const cells = [
          `${l.country}${l.primary ? ' (primary)' : ''}`, l.processor, l.role ?? NO_DATA, l.mechanism, l.declared ? 'yes' : 'no', l.status,
          formatCustomers(l.eea_customers, b.suppressed.includes(`locations.${j}.eea_customers`), api.k),
        ];
        expect(hasRow(section, cells), `${b.business}: ${cells.join(' | ')}`).toBe(true);
      });
    });
    expect(text).toContain(suppressedText(10));
    expect(await latestAudit()).toMatchObject({ action: 'export.residency.pdf', sha256: sha256(bytes) });
  });
});

describe('the audit log', () => {
  it('records every residency report read with the SHA-256 of the body served', async () => {
    const res = await get(`/v1/reports/residency?${Q}`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    const body = JSON.parse(utf8(bytes)) as ResidencyReport;
    expect(await latestAudit('report.')).toMatchObject({
      actor: 'admin', action: 'report.residency', target: null, filters: { from: FROM, to: TO },
      row_count: body.businesses.reduce((n, b) => n + 1 + b.locations.length, 0), sha256: sha256(bytes),
    });
  });

  it('names the signed-in user; marketing may export engagement reports but not residency, nor read the log', async () => {
    const marketing = await signIn('mia@example.com', 'marketing');
    const { bytes } = await download(`/v1/exports/overview.csv?${Q}`, marketing);
    expect(await latestAudit()).toMatchObject({ actor: 'mia@example.com', action: 'export.overview.csv', sha256: sha256(bytes) });
    for (const path of [`/v1/exports/residency.csv?${Q}`, `/v1/exports/residency.pdf?${Q}`, `/v1/exports/residency.json?${Q}`, `/v1/reports/residency?${Q}`, '/v1/audit']) {
      const res = await get(path, marketing);
      expect(res.status, path).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    }
    expect((await get(`/v1/exports/overview.csv?${Q}`, {})).status).toBe(401);

    const dpo = await signIn('dana@example.com', 'dpo');
    const { bytes: pdf } = await download(`/v1/exports/residency.pdf?${Q}`, dpo);
    const entries = ((await (await get('/v1/audit?limit=2', dpo)).json()) as { entries: AuditEntry[] }).entries;
    expect(entries[0]).toMatchObject({ actor: 'dana@example.com', action: 'export.residency.pdf', sha256: sha256(pdf) });
  });

  it('lists entries newest first, filtered by date and limited', async () => {
    const { entries } = (await (await get('/v1/audit?limit=1000')).json()) as { entries: AuditEntry[] };
    expect(entries.length).toBeGreaterThan(10);
    expect(entries.map((e) => e.at)).toEqual([...entries.map((e) => e.at)].sort().reverse());
    expect(((await (await get('/v1/audit?limit=3')).json()) as { entries: unknown[] }).entries).toHaveLength(3);
    const todayDate = new Date(Date.now()).toISOString().slice(0, 10);
    expect(((await (await get(`/v1/audit?from=${todayDate}&to=${todayDate}&limit=1000`)).json()) as { entries: unknown[] }).entries.length).toBe(entries.length);
    expect(((await (await get('/v1/audit?to=2000-01-01')).json()) as { entries: unknown[] }).entries).toEqual([]);
    expect((await get('/v1/audit?limit=0')).status).toBe(400);
    expect((await get('/v1/audit?from=2026-02-30')).status).toBe(400);
    // Report parameters, business ids and staff only (and, for admin actions, field names, roles, rate card ids and versions
    // and key ids): nothing that could name a customer.
    const allowed = ['from', 'to', 'channel', 'granularity', 'business', 'changed', 'role', 'businesses', 'key_id', 'limit', 'card', 'version', 'currency', 'effective_from', 'rows'];
    for (const e of entries) expect(Object.keys(e.filters).filter((f) => !allowed.includes(f)), e.action).toEqual([]);
  });

  it('serves nothing, with 503, when the audit log cannot be written', async () => {
    await rt.deps.store.exclusive(async () => rt.deps.store.connection.run('ALTER TABLE audit_log RENAME TO audit_log_away'));
    try {
      const reads = [`/v1/reports/residency?${Q}`, `/v1/reports/overview?${Q}`, `/v1/reports/businesses/${business}?${Q}`];
      for (const path of [`/v1/exports/residency.pdf?${Q}`, `/v1/exports/overview.csv?${Q}`, ...reads]) {
        const res = await get(path);
        expect(res.status, path).toBe(503);
        expect(res.headers.get('content-disposition')).toBeNull();
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('audit_unavailable');
      }
      // What is not a report read is still served.
      expect((await get('/v1/metrics')).status).toBe(200);
    } finally {
      await rt.deps.store.exclusive(async () => rt.deps.store.connection.run('ALTER TABLE audit_log_away RENAME TO audit_log'));
    }
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await (await rt.app.request('/v1/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining([
      '/v1/exports/overview.csv', '/v1/exports/overview.parquet', '/v1/exports/residency.pdf', '/v1/exports/business/{file}', '/v1/audit',
    ]));
  });
});
