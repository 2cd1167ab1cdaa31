import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compactFacts } from '../../db/eventStore';
import { businessReport } from '../reports';
import { business, openEventsDb, type EventsDb } from '../testing/eventsDb';
import type { TestEvent as PlatformEvent } from '../testing/eventsDb';
import { computeMetricGroupings, computeMetrics, type MetricRow } from './computeMetrics';
import { pricingBreakdown } from './pricingBreakdown';
import { templateBreakdown } from './templateBreakdown';

// The platforms' 2026 formats through the real write path and DuckDB: failures Meta reports as
// its own cap on marketing messages (131049, 130472), failures with no send before them, the
// category a `delivered` status corrects, and the pricing type of each message. Every expected
// figure is worked out in the comments. Period Mon 2026-03-02 .. Sun 2026-03-08 (UTC); k = 1
// unless suppression is the point.
const PERIOD = { from: '2026-03-02', to: '2026-03-08' };

const at = (day: number, time = '10:00:00') => `2026-03-0${day}T${time}Z`;
const sent = (b: string, customer: string, message: string, category: string, extra: Partial<PlatformEvent> = {}): PlatformEvent =>
  ({ business: b, type: 'message.sent', customer, message, conversation: `c-${customer}`, sender: 'automation', category, at: at(3), ...extra });
const status = (b: string, type: string, customer: string, message: string, extra: Partial<PlatformEvent> = {}): PlatformEvent =>
  ({ business: b, type, customer, message, conversation: `c-${customer}`, at: at(3, '10:00:05'), ...extra });
const failed = (b: string, customer: string, message: string, errorCode: number, extra: Partial<PlatformEvent> = {}) =>
  status(b, 'message.failed', customer, message, { errorCode, ...extra });

// limits: five messages. m1 and m2 were held back by Meta's marketing caps, m3 failed for a
// reason of its own (131026: the number cannot receive WhatsApp), m4 delivered, m5 read.
const LIMITS: PlatformEvent[] = [
  sent('limits', 'u1', 'm1', 'marketing', { template: 'promo' }), failed('limits', 'u1', 'm1', 131049),
  sent('limits', 'u2', 'm2', 'marketing', { template: 'promo' }), failed('limits', 'u2', 'm2', 130472),
  sent('limits', 'u3', 'm3', 'marketing', { template: 'promo' }), failed('limits', 'u3', 'm3', 131026),
  sent('limits', 'u4', 'm4', 'marketing', { template: 'promo' }), status('limits', 'message.delivered', 'u4', 'm4'),
  sent('limits', 'u5', 'm5', 'service'), status('limits', 'message.read', 'u5', 'm5'),
];

// failonly: m1 sent and delivered (whatsapp, Tue); m2 failed with 131026 and m3 with 131049
// without any send reported (Wed, Thu): attempted all the same. m0 only failed before the period.
const FAIL_ONLY: PlatformEvent[] = [
  sent('failonly', 'u1', 'm1', 'utility'), status('failonly', 'message.delivered', 'u1', 'm1'),
  failed('failonly', 'u2', 'm2', 131026, { at: at(4) }),
  failed('failonly', 'u3', 'm3', 131049, { at: at(5) }),
  failed('failonly', 'u4', 'm0', 131026, { at: '2026-02-27T10:00:00Z' }),
];

// corrected: m1 was sent as service; its delivered status says Meta billed it as marketing
// (regular price). u1 then opts out. u2 gets a marketing_lite message (Marketing Messages Lite
// API), u3 only service. The opt-out rate is over customers sent marketing: u1 (by the status)
// and u2 (marketing_lite) -> 1/2.
const CORRECTED_SENDS: PlatformEvent[] = [
  sent('corrected', 'u1', 'm1', 'service'),
  sent('corrected', 'u2', 'm2', 'marketing_lite', { pricing: 'regular' }),
  sent('corrected', 'u3', 'm3', 'service', { pricing: 'free_customer_service' }),
];
const CORRECTED_LATER: PlatformEvent[] = [
  status('corrected', 'message.delivered', 'u1', 'm1', { category: 'marketing', pricing: 'regular' }),
  { business: 'corrected', type: 'customer.opted_out', customer: 'u1', at: at(4) },
];

const REGISTRY = [business('limits'), business('failonly'), business('corrected'), business('billing')];

let db: EventsDb;
beforeAll(async () => {
  db = await openEventsDb();
  await db.insert([...LIMITS, ...FAIL_ONLY, ...CORRECTED_SENDS]);
  // Folded into message_facts: the status correcting m1's category meets a stored fact, not a part.
  await compactFacts(db.connection);
  await db.insert(CORRECTED_LATER);
});
afterAll(() => db.close());

async function rowOf(id: string, extra: { channel?: 'whatsapp' } = {}, k = 1): Promise<MetricRow> {
  const [group] = await computeMetrics(db.source(REGISTRY), REGISTRY, { period: PERIOD, business: id, ...extra }, k);
  return group!.metrics;
}

describe('failures the platform chose: limited, not undelivered', () => {
  it('counts 131049 and 130472 in limited_rate and out of the delivery denominator; 131026 stays a failure', async () => {
    const row = await rowOf('limits');
    // Not limited: m3, m4, m5; delivered m4, m5 (read implies delivered) -> 2/3 (m3's 131026
    // counts against it; were m1 and m2 failures too, it would be 2/5); read m5 -> 1/3.
    expect(row.delivery_rate).toBeCloseTo(2 / 3, 12);
    expect(row.read_rate).toBeCloseTo(1 / 3, 12);
    // Attempted m1..m5; limited m1, m2 -> 2/5.
    expect(row.limited_rate).toBe(0.4);
    expect(row.suppressed).toEqual([]);
  });

  it('cuts the same rates by template', async () => {
    const rows = await templateBreakdown(db.source(REGISTRY), { ...PERIOD, business: 'limits' }, 1);
    // promo: m1..m4; limited m1, m2 -> 0.5; of m3, m4 delivered m4 -> 0.5, read none.
    expect(rows).toEqual([
      { category: 'marketing', template: 'promo', sent: 4, delivery_rate: 0.5, read_rate: 0, limited_rate: 0.5, suppressed: [] },
      { category: 'service', template: null, sent: 1, delivery_rate: 1, read_rate: 1, limited_rate: 0, suppressed: [] },
    ]);
  });

  it('suppresses a message rate whose messages went to fewer than k customers, whoever else was messaged', async () => {
    // k = 4: five customers had a send or a failure, but the delivery and read rates divide by the
    // messages of u3, u4 and u5 only (at most three customers); limited_rate's five are shown.
    const row = await rowOf('limits', {}, 4);
    expect(row.limited_rate).toBe(0.4);
    expect(row.delivery_rate).toBeNull();
    expect(row.read_rate).toBeNull();
    expect(row.suppressed).toEqual(expect.arrayContaining(['delivery_rate', 'read_rate']));
    expect(row.suppressed).not.toContain('limited_rate');
  });
});

describe('a message that only failed', () => {
  it('counts as attempted, in the period and day of its failure', async () => {
    const row = await rowOf('failonly');
    // Attempted m1, m2, m3 (m0 failed before the period); of m1, m2 (not limited) delivered m1
    // -> 1/2; limited m3 -> 1/3.
    expect(row.delivery_rate).toBe(0.5);
    expect(row.read_rate).toBe(0);
    expect(row.limited_rate).toBeCloseTo(1 / 3, 12);
    const days = await computeMetrics(db.source(REGISTRY), REGISTRY, { period: PERIOD, business: 'failonly', granularity: 'day' }, 1);
    expect(days.map((d) => [d.bucket!.from, d.metrics.delivery_rate, d.metrics.limited_rate]).slice(1, 4))
      .toEqual([['2026-03-03', 1, 0], ['2026-03-04', 0, 0], ['2026-03-05', null, 1]]);
  });

  it('is in no channel: the facts take the channel from the send', async () => {
    // On whatsapp only m1 is known: delivered, not limited.
    const wa = await rowOf('failonly', { channel: 'whatsapp' });
    expect([wa.delivery_rate, wa.limited_rate]).toEqual([1, 0]);
    // Totals and channels in one query: the channel-less messages stay in the totals only.
    const [totals, channels] = await computeMetricGroupings(
      db.source(REGISTRY), REGISTRY, { period: PERIOD, business: 'failonly' }, [{}, { byChannel: true }], 1,
    );
    expect([totals![0]!.metrics.delivery_rate, totals![0]!.metrics.limited_rate]).toEqual([0.5, expect.closeTo(1 / 3, 12)]);
    expect(channels!.map((c) => [c.channel, c.metrics.delivery_rate, c.metrics.limited_rate])).toEqual([['whatsapp', 1, 0]]);
  });
});

describe('the category a status reported', () => {
  it('makes a service send billed as marketing a marketing send, for the opt-out rate and the pricing table', async () => {
    const row = await rowOf('corrected');
    expect(row.opt_out_rate).toBe(0.5);
    const pricing = await pricingBreakdown(db.source(REGISTRY), { ...PERIOD, business: 'corrected' }, 1);
    expect(pricing).toEqual([
      { category: 'marketing', charged: 1, free_customer_service: 0, free_entry_point: 0, unknown: 0, suppressed: [] },
      { category: 'marketing_lite', charged: 1, free_customer_service: 0, free_entry_point: 0, unknown: 0, suppressed: [] },
      { category: 'service', charged: 0, free_customer_service: 1, free_entry_point: 0, unknown: 0, suppressed: [] },
    ]);
  });
});

describe('charged and free messages', () => {
  // billing, 12 customers, one message each: u1..u5 marketing, u6..u9 utility, u10..u12 service.
  const BILLING: PlatformEvent[] = [
    // marketing: charged when the send says so (u1), when the delivered status does (u2, u3);
    // not reported for u4; u5's was capped by Meta (attempted, never priced).
    sent('billing', 'u1', 'b1', 'marketing', { pricing: 'regular' }),
    sent('billing', 'u2', 'b2', 'marketing'), status('billing', 'message.delivered', 'u2', 'b2', { category: 'marketing', pricing: 'regular' }),
    sent('billing', 'u3', 'b3', 'marketing'), status('billing', 'message.read', 'u3', 'b3', { pricing: 'regular' }),
    sent('billing', 'u4', 'b4', 'marketing'), status('billing', 'message.delivered', 'u4', 'b4'),
    sent('billing', 'u5', 'b5', 'marketing'), failed('billing', 'u5', 'b5', 131049),
    // utility: one charged, two free in the customer service window, one free by an entry point.
    sent('billing', 'u6', 'b6', 'utility', { pricing: 'regular' }),
    sent('billing', 'u7', 'b7', 'utility', { pricing: 'free_customer_service' }),
    sent('billing', 'u8', 'b8', 'utility'), status('billing', 'message.delivered', 'u8', 'b8', { pricing: 'free_customer_service' }),
    sent('billing', 'u9', 'b9', 'utility', { pricing: 'free_entry_point' }),
    // service: two free, one (on messenger, no pricing there) not reported.
    sent('billing', 'u10', 'b10', 'service', { pricing: 'free_customer_service' }),
    sent('billing', 'u11', 'b11', 'service', { pricing: 'free_customer_service' }),
    sent('billing', 'u12', 'b12', 'service', { channel: 'messenger' }),
    // In no row: a failure without a send or a category, and a message sent before the period.
    failed('billing', 'u13', 'b13', 131026),
    sent('billing', 'u14', 'b14', 'marketing', { pricing: 'regular', at: '2026-02-20T10:00:00Z' }),
  ];
  beforeAll(() => db.insert(BILLING));

  it('counts per category what was charged, free in each window, and not reported', async () => {
    const rows = await pricingBreakdown(db.source(REGISTRY), { ...PERIOD, business: 'billing' }, 1);
    expect(rows).toEqual([
      { category: 'marketing', charged: 3, free_customer_service: 0, free_entry_point: 0, unknown: 2, suppressed: [] },
      { category: 'service', charged: 0, free_customer_service: 2, free_entry_point: 0, unknown: 1, suppressed: [] },
      { category: 'utility', charged: 1, free_customer_service: 2, free_entry_point: 1, unknown: 0, suppressed: [] },
    ]);
    // A channel filter keeps the messages sent on it.
    const messenger = await pricingBreakdown(db.source(REGISTRY), { ...PERIOD, business: 'billing', channel: 'messenger' }, 1);
    expect(messenger).toEqual([{ category: 'service', charged: 0, free_customer_service: 0, free_entry_point: 0, unknown: 1, suppressed: [] }]);
  });

  it('hides every figure of a category whose messages went to fewer than k customers', async () => {
    // k = 4: marketing (5 customers) and utility (4) are shown, service (3) is not.
    const rows = await pricingBreakdown(db.source(REGISTRY), { ...PERIOD, business: 'billing' }, 4);
    expect(rows.map((r) => [r.category, r.charged, r.suppressed])).toEqual([
      ['marketing', 3, []],
      ['service', null, ['charged', 'free_customer_service', 'free_entry_point', 'unknown']],
      ['utility', 1, []],
    ]);
    expect(rows[1]).toMatchObject({ free_customer_service: null, free_entry_point: null, unknown: null });
  });

  it('is served in the business report beside the templates', async () => {
    const report = await businessReport({ source: db.source(REGISTRY), k: 1 }, 'billing', { ...PERIOD, granularity: 'week' });
    expect(report!.pricing).toEqual(await pricingBreakdown(db.source(REGISTRY), { ...PERIOD, business: 'billing' }, 1));
    // Attempted b1..b13 (b13 only failed), limited b5 -> 1/13; of the other 12, delivered b2, b3 (read), b4, b8 -> 1/3.
    expect(report!.totals.limited_rate).toBeCloseTo(1 / 13, 12);
    expect(report!.totals.delivery_rate).toBeCloseTo(1 / 3, 12);
  });
});
