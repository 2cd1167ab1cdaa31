import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignReport } from '../../../../reports/campaigns/campaignReport';
import { startTestRuntime, TEST_ADMIN_TOKEN, type TestRuntime } from '../../testing/testRuntime';

// The campaigns report through the real app, k = 3: hand-made sends and reactions, read back as
// a marketer would. promo (4 recipients, DE and FR) drives an opt-out within 24 hours and a block
// within 7 days; receipt reaches exactly k customers and annoys none; tiny reaches k-1 and is left out.
const NOW = Date.parse('2026-03-10T12:00:00Z');
const Q = 'business=acme&from=2026-03-02&to=2026-03-08';
const PATH = `/v1/reports/campaigns?${Q}`;

let rt: TestRuntime;
let n = 0;
const event = (type: string, customer: string, at: string, extra: Record<string, unknown> = {}) =>
  ({ id: `c${++n}`, business: 'acme', type, channel: 'whatsapp', customer, at, ...extra });
const send = (customer: string, at: string, template: string, category: string, campaign?: string) =>
  event('message.sent', customer, at, { conversation: `conv-${customer}`, sender: 'automation', template, category, pricing: 'regular', message: `m${n + 1}`, ...(campaign ? { campaign } : {}) });

const DE = ['+4915100000001', '+4915100000002', '+4915100000003', '+4915100000004', '+4915100000005', '+4915100000006', '+4915100000007', '+4915100000008'];
const FR = '+33612345678';
const TRIAL = ['+4915100000009', '+4915100000010', '+4915100000011'];

const EVENTS = [
  // promo: two sends on 3 March (card version 1), two on 5 March (version 2; FR priced by `*`).
  send(DE[0]!, '2026-03-03T10:00:00Z', 'promo', 'marketing', 'spring'),
  send(DE[1]!, '2026-03-03T10:00:00Z', 'promo', 'marketing', 'spring'),
  send(DE[2]!, '2026-03-05T10:00:00Z', 'promo', 'marketing', 'spring'),
  send(FR, '2026-03-05T10:00:00Z', 'promo', 'marketing', 'spring'),
  event('customer.opted_out', DE[0]!, '2026-03-03T20:00:00Z'), // 10 hours after: both windows
  event('customer.blocked', DE[1]!, '2026-03-06T10:00:00Z'), // 3 days after: 7 days only
  event('customer.muted', DE[2]!, '2026-03-01T10:00:00Z'), // before any send: attributed to none
  // receipt: exactly k recipients; the one of 6 March has no price on version 2.
  send(DE[3]!, '2026-03-03T11:00:00Z', 'receipt', 'utility'),
  send(DE[4]!, '2026-03-04T11:00:00Z', 'receipt', 'utility'),
  send(DE[5]!, '2026-03-06T11:00:00Z', 'receipt', 'utility'),
  // tiny: k-1 recipients, one of whom blocks.
  send(DE[6]!, '2026-03-04T12:00:00Z', 'tiny', 'marketing', 'trial'),
  send(DE[7]!, '2026-03-04T12:00:00Z', 'tiny', 'marketing', 'trial'),
  event('customer.blocked', DE[7]!, '2026-03-04T13:00:00Z'),
  // tiny's campaign also sent trial_big to k customers: the campaign is shown, and trial_big's row
  // is left out with tiny's (the campaign minus trial_big would be tiny).
  ...TRIAL.map((phone) => send(phone, '2026-03-04T12:30:00Z', 'trial_big', 'marketing', 'trial')),
];

const report = async (path = PATH, headers: Record<string, string> = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` }) => {
  const res = await rt.app.request(path, { headers });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as CampaignReport;
};
const rowOf = (r: CampaignReport, template: string) => r.rows.find((row) => row.template === template)!;

async function signIn(email: string, role: string, businesses?: string[]): Promise<Record<string, string>> {
  const password = `${role}-password-123`;
  expect((await rt.admin('POST', '/v1/users', { email, password, role, ...(businesses ? { businesses } : {}) })).status).toBe(201);
  const res = await rt.app.request('/v1/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  return { cookie: res.headers.get('set-cookie')!.split(';')[0]! };
}

beforeAll(async () => {
  rt = await startTestRuntime({ now: () => NOW, env: { MIN_COHORT: '3' } });
  await rt.registerBusiness('acme');
  await rt.registerBusiness('beta');
  const res = await rt.postEvents(await rt.createKey('acme'), EVENTS);
  expect(((await res.json()) as { rejected: unknown[] }).rejected).toEqual([]);
});
afterAll(async () => {
  await rt.stop();
});

describe('GET /v1/reports/campaigns', () => {
  it('attributes reactions to the latest template send within 24 hours and 7 days, and ranks by them', async () => {
    const r = await report();
    expect(r).toMatchObject({ business: 'acme', k: 3, from: '2026-03-02', to: '2026-03-08', channel: null });
    expect(r.rows.map((row) => row.template)).toEqual(['promo', 'receipt']);
    expect(rowOf(r, 'promo')).toMatchObject({
      category: 'marketing', campaign: 'spring', sent: 4, recipients: 4, delivered: 0, read: 0, limited: 0, charged: 4,
      opted_out_24h: 1, opted_out_7d: 1, blocked_24h: 0, blocked_7d: 1, muted_24h: 0, muted_7d: 0, reported_7d: 0,
      opt_out_rate_24h: 0.25, block_rate_24h: 0, suppressed: [],
    });
    expect(rowOf(r, 'receipt')).toMatchObject({ category: 'utility', campaign: null, recipients: 3, blocked_7d: 0, opted_out_7d: 0, suppressed: [] });
  });

  it('leaves out a row sent to k-1 customers (its name would tell that much); a row of k is shown', async () => {
    const rows = (await report()).rows;
    expect(rows.map((row) => row.template)).not.toContain('tiny');
    expect(rows.map((row) => row.template)).toContain('receipt');
  });

  it('gives the same figures per campaign and per template and week; a row that a shown total would reveal is left out too', async () => {
    const r = await report();
    expect(r.campaigns.map((c) => [c.campaign, c.sent, c.recipients, c.opted_out_24h, c.blocked_7d, c.blocked_24h])).toEqual([
      // spring: (1 + 1) / 4 opt-outs and blocks per recipient; trial: tiny's block, 1 / 5; no campaign: receipt.
      ['spring', 4, 4, 1, 1, 0],
      ['trial', 5, 5, 0, 1, 1],
      [null, 3, 3, 0, 0, 0],
    ]);
    expect(r.rows.map((row) => row.template)).toEqual(['promo', 'receipt']);
    // One week, 2 to 8 March 2026 (Monday to Sunday); trial_big's week would reveal its row.
    expect(r.weeks.map((w) => [w.template, w.from, w.to, w.sent, w.recipients, w.opt_out_rate_24h])).toEqual([
      ['promo', '2026-03-02', '2026-03-08', 4, 4, 0.25],
      ['receipt', '2026-03-02', '2026-03-08', 3, 3, 0],
    ]);
    // A period starting mid-week clips its first week.
    const clipped = await report('/v1/reports/campaigns?business=acme&from=2026-03-03&to=2026-03-10');
    expect(clipped.weeks.map((w) => [w.template, w.from, w.to, w.sent])).toEqual([['promo', '2026-03-03', '2026-03-08', 4], ['receipt', '2026-03-03', '2026-03-08', 3]]);
  });

  it('has no cost without a rate card, and says why', async () => {
    const r = await report();
    expect(r.rate_card).toBeNull();
    expect(r.cost_note).toMatch(/No rate card applies/);
    expect(r.rows.map((row) => row.estimated_cost)).toEqual([null, null]);
    expect(r.campaigns.map((c) => c.estimated_cost)).toEqual([null, null, null]);
  });

  it('prices each charged message with the card version in force on its send date, and counts the unpriced ones', async () => {
    const put = async (card: unknown) => expect((await rt.admin('PUT', '/v1/rate-cards/default', card)).status).toBe(201);
    await put({ currency: 'EUR', effective_from: '2026-01-01', prices: [
      { category: 'marketing', country: 'DE', price: 0.1 }, { category: 'marketing', country: '*', price: 0.05 }, { category: 'utility', country: 'DE', price: 0.02 },
    ] });
    await put({ currency: 'EUR', effective_from: '2026-03-05', prices: [{ category: 'marketing', country: 'DE', price: 0.2 }, { category: 'marketing', country: '*', price: 0.07 }] });
    const r = await report();
    expect(r).toMatchObject({ rate_card: 'default', currency: 'EUR' });
    // promo: 0.10 + 0.10 (3 March, version 1) + 0.20 (DE) + 0.07 (FR, `*`) on 5 March, version 2.
    expect(rowOf(r, 'promo')).toMatchObject({ estimated_cost: 0.47, unpriced_charged: 0 });
    // receipt: 0.02 twice; version 2 has no utility price on 6 March.
    expect(rowOf(r, 'receipt')).toMatchObject({ estimated_cost: 0.04, unpriced_charged: 1 });
    expect(r.cost_note).toMatch(/^1 charged message of the rows shown found no price/);
    // The campaigns and weeks priced the same way: trial 5 x 0.10 on 4 March (version 1).
    expect(r.campaigns.map((c) => [c.campaign, c.estimated_cost, c.unpriced_charged])).toEqual([['spring', 0.47, 0], ['trial', 0.5, 0], [null, 0.04, 1]]);
    expect(r.weeks.map((w) => [w.template, w.estimated_cost])).toEqual([['promo', 0.47], ['receipt', 0.04]]);
  });

  it('answers a marketing user within their scope, and 404s an unknown or hidden business as the same', async () => {
    const everyone = await signIn('otto@example.com', 'marketing');
    const betaOnly = await signIn('bea@example.com', 'marketing', ['beta']);
    expect((await report(PATH, everyone)).rows).toHaveLength(2);
    const hidden = await rt.app.request(PATH, { headers: betaOnly });
    const unknown = await rt.app.request('/v1/reports/campaigns?business=nobody&from=2026-03-02&to=2026-03-08', { headers: betaOnly });
    expect([hidden.status, unknown.status]).toEqual([404, 404]);
    expect((await report('/v1/reports/campaigns?business=beta&from=2026-03-02&to=2026-03-08', betaOnly)).rows).toEqual([]);
    expect((await rt.app.request(PATH)).status).toBe(401);
    expect((await rt.app.request('/v1/reports/campaigns?business=acme&from=2026-03-08&to=2026-03-02', { headers: everyone })).status).toBe(400);
  });

  it('audits each read as report.campaigns with the business and the hash of the body served', async () => {
    const res = await rt.app.request(`${PATH}&channel=whatsapp`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    const body = await res.text();
    expect(res.status).toBe(200);
    // The clock is fixed, so entries are found by their filters rather than by their order.
    const { entries } = (await (await rt.admin('GET', '/v1/audit?action=report.campaigns&actor=admin')).json()) as { entries: { filters: Record<string, unknown> }[] };
    expect(entries.find((e) => e.filters.channel === 'whatsapp')).toMatchObject({
      action: 'report.campaigns', target: 'acme', actor: 'admin', row_count: 2,
      filters: { business: 'acme', from: '2026-03-02', to: '2026-03-08', channel: 'whatsapp' },
      sha256: createHash('sha256').update(body).digest('hex'),
    });
  });
});

