import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignReport } from '../../../../reports/campaigns/campaignReport';
import { CAMPAIGN_FIGURES } from '../../../../reports/exports/campaignFigures';
import { csvCell } from '../../../../reports/exports/csvText';
import { campaignFigureText, RANKED_FIGURES, rowDetail } from '../../../../reports/exports/pdf/campaignsPdf';
import { csvText, parseCsvExport, pdfText, squash, utf8 } from '../../../../reports/testing/exportFiles';
import { startTestRuntime, TEST_ADMIN_TOKEN, type TestRuntime } from '../../testing/testRuntime';

// The campaigns exports through the real app, k = 3, on hand-made sends and reactions priced
// with an uploaded rate card: each file must hold exactly the campaigns report API's figures.
// The campaign tag "-winter" starts like a spreadsheet formula: the CSV must neutralise it.
const NOW = Date.parse('2026-03-20T12:00:00Z');
const Q = 'from=2026-03-02&to=2026-03-15';

let rt: TestRuntime;
let n = 0;
const event = (type: string, customer: string, at: string, extra: Record<string, unknown> = {}) =>
  ({ id: `e${++n}`, business: 'acme', type, channel: 'whatsapp', customer, at, ...extra });
const send = (customer: string, at: string, template: string, category: string, campaign?: string) =>
  event('message.sent', customer, at, { conversation: `conv-${customer}`, sender: 'automation', template, category, pricing: 'regular', message: `m${n + 1}`, ...(campaign ? { campaign } : {}) });
const phone = (i: number) => `+49151000000${String(i).padStart(2, '0')}`;

const EVENTS = [
  // promo, campaign spring: 4 recipients over two weeks, one opts out within 24 hours, one blocks within 7 days.
  ...[1, 2].map((i) => send(phone(i), '2026-03-03T10:00:00Z', 'promo', 'marketing', 'spring')),
  ...[3, 4].map((i) => send(phone(i), '2026-03-10T10:00:00Z', 'promo', 'marketing', 'spring')),
  event('customer.opted_out', phone(1), '2026-03-03T20:00:00Z'),
  event('customer.blocked', phone(3), '2026-03-13T10:00:00Z'),
  // sale, campaign -winter: 3 recipients, one blocks within 24 hours.
  ...[5, 6, 7].map((i) => send(phone(i), '2026-03-04T09:00:00Z', 'sale', 'marketing', '-winter')),
  event('customer.blocked', phone(5), '2026-03-04T11:00:00Z'),
  // receipt, no campaign: 3 recipients, nobody annoyed.
  ...[8, 9, 10].map((i) => send(phone(i), '2026-03-05T11:00:00Z', 'receipt', 'utility')),
];

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const ADMIN = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
const get = (path: string, headers: Record<string, string> = ADMIN) => Promise.resolve(rt.app.request(path, { headers }));

async function download(path: string, headers?: Record<string, string>) {
  const res = await get(path, headers);
  expect(res.status, `${path}: ${res.status}`).toBe(200);
  return { res, bytes: new Uint8Array(await res.arrayBuffer()) };
}

interface AuditEntry { actor: string; action: string; target: string | null; filters: Record<string, unknown>; row_count: number; sha256: string }
/** The export entries of an action (by prefix); the clock is fixed, so they are told apart by action, not order. */
async function exportAudit(action = 'export.'): Promise<AuditEntry[]> {
  return ((await (await get(`/v1/audit?action=${action}`)).json()) as { entries: AuditEntry[] }).entries;
}

async function signIn(email: string, businesses?: string[]): Promise<Record<string, string>> {
  const password = 'marketing-password-123';
  expect((await rt.admin('POST', '/v1/users', { email, password, role: 'marketing', ...(businesses ? { businesses } : {}) })).status).toBe(201);
  const res = await rt.app.request('/v1/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  return { cookie: res.headers.get('set-cookie')!.split(';')[0]! };
}

let api: CampaignReport;

beforeAll(async () => {
  rt = await startTestRuntime({ now: () => NOW, env: { MIN_COHORT: '3' } });
  await rt.registerBusiness('acme');
  await rt.registerBusiness('beta');
  const res = await rt.postEvents(await rt.createKey('acme'), EVENTS);
  expect(((await res.json()) as { rejected: unknown[] }).rejected).toEqual([]);
  // A card that prices marketing but not utility: the report has costs and a cost note.
  expect((await rt.admin('PUT', '/v1/rate-cards/default', {
    currency: 'EUR', effective_from: '2026-01-01', prices: [{ category: 'marketing', country: 'DE', price: 0.1234 }],
  })).status).toBe(201);
  api = (await (await get(`/v1/reports/campaigns?business=acme&${Q}`)).json()) as CampaignReport;
  expect(api.rows.map((r) => r.template)).toEqual(['promo', 'sale', 'receipt']);
  expect(api.currency).toBe('EUR');
  expect(api.cost_note).toMatch(/found no price/);
});
afterAll(async () => {
  await rt.stop();
});

describe('campaigns exports', () => {
  it('JSON: the report API\'s reply unchanged, audited with the business, rows and hash', async () => {
    const { res, bytes } = await download(`/v1/exports/campaigns/acme.json?${Q}`);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="campaigns_acme_2026-03-02_2026-03-15.json"');
    expect(JSON.parse(utf8(bytes))).toEqual({ report: 'campaigns', ...api, adequacy_as_of: '2026-01-26', adequacy_version: 2, generated_at: expect.any(String) });
    expect(await exportAudit('export.campaigns.json')).toMatchObject([{
      actor: 'admin', action: 'export.campaigns.json', target: 'acme', filters: { business: 'acme', from: '2026-03-02', to: '2026-03-15' },
      row_count: api.rows.length + api.campaigns.length + api.weeks.length, sha256: sha256(bytes),
    }]);
  });

  it('CSV: every row, campaign and week with the API\'s figures, the cost note and currency, formulas neutralised', async () => {
    const { res, bytes } = await download(`/v1/exports/campaigns/acme.csv?${Q}&channel=whatsapp`);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="campaigns_acme_2026-03-02_2026-03-15_whatsapp.csv"');
    const reply = (await (await get(`/v1/reports/campaigns?business=acme&${Q}&channel=whatsapp`)).json()) as CampaignReport;
    const csv = parseCsvExport(utf8(bytes));
    expect(csv.meta).toMatchObject({ report: 'campaigns', business: 'acme', channel: 'whatsapp', k: '3', rate_card: 'default', currency: 'EUR', cost_note: reply.cost_note });
    type Row = CampaignReport['rows'][number];
    const figures = (row: Omit<Row, 'template' | 'category' | 'campaign'>) => ({
      ...Object.fromEntries(CAMPAIGN_FIGURES.map((id) => [id, csvText(row[id])])),
      currency: row.estimated_cost === null ? '' : 'EUR', suppressed: row.suppressed.join(' '),
    });
    // csvCell: a tag starting with "-" is written "'-winter"; the parser returns the cell's text.
    const name = (value: string | null) => (value === null ? '' : csvCell(value));
    expect(csv.rows).toEqual([
      ...reply.rows.map((r) => ({ section: 'row', template: r.template, category: csvText(r.category), campaign: name(r.campaign), from: reply.from, to: reply.to, ...figures(r) })),
      ...reply.campaigns.map((c) => ({ section: 'campaign', template: '', category: '', campaign: name(c.campaign), from: reply.from, to: reply.to, ...figures(c) })),
      ...reply.weeks.map((w) => ({ section: 'week', template: w.template, category: '', campaign: '', from: w.from, to: w.to, ...figures(w) })),
    ]);
    const sale = csv.rows.find((r) => r.section === 'row' && r.template === 'sale')!;
    expect(sale).toMatchObject({ campaign: "'-winter", sent: '3', recipients: '3', blocked_24h: '1', block_rate_24h: String(1 / 3), estimated_cost: '0.3702', currency: 'EUR' });
    // No charged message of it priced: unknown, not free.
    expect(csv.rows.find((r) => r.template === 'receipt')).toMatchObject({ estimated_cost: '', currency: '', unpriced_charged: '3' });
    expect(await exportAudit('export.campaigns.csv')).toMatchObject([{ action: 'export.campaigns.csv', target: 'acme', filters: { channel: 'whatsapp' }, sha256: sha256(bytes) }]);
  });

  it('PDF: a PDF whose ranked table holds the top row\'s figures, with the cost note and the k rule', async () => {
    const { res, bytes } = await download(`/v1/exports/campaigns/acme.pdf?${Q}`);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(utf8(bytes.subarray(0, 5))).toBe('%PDF-');
    const text = squash(pdfText(bytes));
    const top = api.rows[0]!;
    // The template and its figures on one line, its category and campaign on the next.
    const cells = [top.template, ...RANKED_FIGURES.map(([id]) => campaignFigureText(id, top, api.k, api.currency))];
    expect(cells).toContain('25.0%');
    expect(cells).toContain('0.4936 EUR');
    expect(text).toContain(squash([...cells, rowDetail(top)].join('')));
    expect(rowDetail(top)).toBe('marketing, campaign spring');
    expect(text).toContain(squash(api.cost_note!));
    expect(text).toContain(squash('fewer than k = 3 distinct customers is left out'));
    expect(await exportAudit('export.campaigns.pdf')).toMatchObject([{ action: 'export.campaigns.pdf', target: 'acme', sha256: sha256(bytes) }]);
  });

  it('answers 404 for a business outside a scoped user\'s businesses exactly as for an unknown one, and records neither', async () => {
    const before = await exportAudit();
    const betaOnly = await signIn('bea@example.com', ['beta']);
    const hidden = await get(`/v1/exports/campaigns/acme.csv?${Q}`, betaOnly);
    const unknown = await get(`/v1/exports/campaigns/nobody.csv?${Q}`, betaOnly);
    expect([hidden.status, unknown.status]).toEqual([404, 404]);
    expect(await hidden.json()).toEqual(await unknown.json().then((body: { error: { message: string } }) => ({
      ...body, error: { ...body.error, message: body.error.message.replace('nobody', 'acme') },
    })));
    expect(await exportAudit()).toEqual(before);
    const { bytes } = await download(`/v1/exports/campaigns/beta.json?${Q}`, betaOnly);
    expect(JSON.parse(utf8(bytes))).toMatchObject({ business: 'beta', rows: [] });
    expect((await get(`/v1/exports/campaigns/acme.parquet?${Q}`)).status).toBe(400);
    expect((await get(`/v1/exports/campaigns/acme.csv?${Q}`, {})).status).toBe(401);
  });
});
