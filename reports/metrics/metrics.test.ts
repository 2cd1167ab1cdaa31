import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { business, openEventsDb, WEEKDAY_9_TO_17, type EventsDb, type TestEvent } from '../testing/eventsDb';
import { computeMetricGroupings, computeMetrics, type MetricRow } from './computeMetrics';
import { compileBadgeInputs, FIGURE_METRICS } from './conversationMetricsSql';

// Hand-made event sets; every expected number is worked out in the comments from the definitions, not by
// the code under test. Period: Mon 2026-03-02 .. Sun 2026-03-08 (UTC). k = 1 (no suppression)
// except where suppression is the point.
const PERIOD = { from: '2026-03-02', to: '2026-03-08' };

let db: EventsDb;
const received = (business: string, conversation: string, customer: string, at: string, extra: Partial<TestEvent> = {}): TestEvent =>
  ({ business, type: 'message.received', conversation, customer, at, ...extra });
const sent = (business: string, conversation: string, customer: string, at: string, sender: string, extra: Partial<TestEvent> = {}): TestEvent =>
  ({ business, type: 'message.sent', conversation, customer, at, sender, category: 'service', ...extra });

const ACME: TestEvent[] = [
  // c1: bot answers after 2 min; the automation ack at +5 s does not count. FRT 120 s, in hours (Mon 10:00 UTC).
  received('acme', 'c1', 'u1', '2026-03-02T10:00:00Z'),
  sent('acme', 'c1', 'u1', '2026-03-02T10:00:05Z', 'automation'),
  sent('acme', 'c1', 'u1', '2026-03-02T10:02:00Z', 'bot'),
  sent('acme', 'c1', 'u1', '2026-03-02T10:30:00Z', 'agent'),
  // c2: automation at +1 s, agent at +1 h. FRT 3600 s, all in hours.
  received('acme', 'c2', 'u2', '2026-03-02T10:00:00Z'),
  sent('acme', 'c2', 'u2', '2026-03-02T10:00:01Z', 'automation'),
  sent('acme', 'c2', 'u2', '2026-03-02T11:00:00Z', 'agent'),
  // c3: only automation replies: unanswered.
  received('acme', 'c3', 'u3', '2026-03-03T16:00:00Z'),
  sent('acme', 'c3', 'u3', '2026-03-03T16:00:02Z', 'automation'),
  // c4: Fri 16:30 -> Mon 09:30 (after the period). Calendar 65 h = 234000 s; business hours
  // Fri 16:30-17:00 + Mon 09:00-09:30 = 3600 s; not within 24 h.
  received('acme', 'c4', 'u4', '2026-03-06T16:30:00Z'),
  sent('acme', 'c4', 'u4', '2026-03-09T09:30:00Z', 'agent'),
  // c5: business-initiated (its first message.* is a message.sent): not customer-initiated.
  sent('acme', 'c5', 'u5', '2026-03-04T12:00:00Z', 'agent', { category: 'marketing' }),
  received('acme', 'c5', 'u5', '2026-03-04T12:05:00Z'),
  sent('acme', 'c5', 'u5', '2026-03-04T12:06:00Z', 'agent'),
  // c6: Saturday, bot after 10 min: calendar 600 s, business hours 0 s (weekend).
  received('acme', 'c6', 'u6', '2026-03-07T10:00:00Z'),
  sent('acme', 'c6', 'u6', '2026-03-07T10:10:00Z', 'bot'),
  // c7: started before the period (Feb 27): not a customer-initiated conversation of this
  // period, but it has message events in it, so it is one of the period's conversations.
  received('acme', 'c7', 'u1', '2026-02-27T10:00:00Z'),
  sent('acme', 'c7', 'u1', '2026-02-27T10:01:00Z', 'agent'),
  received('acme', 'c7', 'u1', '2026-03-02T12:00:00Z'),
  // c8: entirely after the period: nothing of it counts.
  received('acme', 'c8', 'u8', '2026-03-09T08:00:00Z'),
  // c9: messages before and after the period, none in it: not one of its conversations.
  received('acme', 'c9', 'u1', '2026-02-25T10:00:00Z'),
  received('acme', 'c9', 'u1', '2026-03-10T10:00:00Z'),
];

// Badge boundary: FRTs 60, 900, 3000 s, all answered within 24 h: rate 1.0 >= 0.9 and median
// exactly 900 s <= 900 -> very responsive. The same at New York hours for the time-zone plumbing.
const FASTCO: TestEvent[] = [
  received('fastco', 'f1', 'v1', '2026-03-05T10:00:00Z'), sent('fastco', 'f1', 'v1', '2026-03-05T10:01:00Z', 'agent'),
  received('fastco', 'f2', 'v2', '2026-03-05T11:00:00Z'), sent('fastco', 'f2', 'v2', '2026-03-05T11:15:00Z', 'bot'),
  received('fastco', 'f3', 'v3', '2026-03-05T12:00:00Z'), sent('fastco', 'f3', 'v3', '2026-03-05T12:50:00Z', 'agent'),
];

// New York, Mon-Fri 09:00-17:00 local. Fri 2026-03-06 16:00 EST (21:00Z) -> Mon 2026-03-09
// 10:00 EDT (14:00Z; DST began Sun 2026-03-08). Calendar 21:00Z Fri -> 14:00Z Mon = 65 h =
// 234000 s; business hours Fri 16-17 + Mon 9-10 local = 7200 s.
const NYCO: TestEvent[] = [
  received('nyco', 'n1', 'w1', '2026-03-06T21:00:00Z'), sent('nyco', 'n1', 'w1', '2026-03-09T14:00:00Z', 'agent'),
];

// Rates. whatsapp: u1, u2 get service messages, u3 marketing; messenger: u4 marketing.
const RATES: TestEvent[] = [
  sent('rates', 'r1', 'u1', '2026-03-02T09:00:00Z', 'agent', { message: 'm1' }),
  { business: 'rates', type: 'message.delivered', customer: 'u1', conversation: 'r1', message: 'm1', at: '2026-03-02T09:00:02Z' },
  { business: 'rates', type: 'message.delivered', customer: 'u1', conversation: 'r1', message: 'm1', at: '2026-03-02T09:00:03Z' },
  { business: 'rates', type: 'message.read', customer: 'u1', conversation: 'r1', message: 'm1', at: '2026-03-02T09:05:00Z' },
  sent('rates', 'r1', 'u1', '2026-03-02T09:10:00Z', 'agent', { message: 'm2' }),
  { business: 'rates', type: 'message.delivered', customer: 'u1', conversation: 'r1', message: 'm2', at: '2026-03-02T09:10:02Z' },
  sent('rates', 'r2', 'u2', '2026-03-03T09:00:00Z', 'bot', { message: 'm3' }),
  // read without a delivered event: read implies delivered.
  { business: 'rates', type: 'message.read', customer: 'u2', conversation: 'r2', message: 'm3', at: '2026-03-03T09:01:00Z' },
  sent('rates', 'r3', 'u3', '2026-03-04T09:00:00Z', 'automation', { message: 'm4', category: 'marketing' }),
  { business: 'rates', type: 'message.failed', customer: 'u3', conversation: 'r3', message: 'm4', at: '2026-03-04T09:00:01Z' },
  // messenger, u4: a marketing send without a message id (its own message, never delivered),
  // and m6, delivered only after the period (the status belongs to the message: counts).
  sent('rates', 'r4', 'u4', '2026-03-05T09:00:00Z', 'agent', { channel: 'messenger', category: 'marketing' }),
  sent('rates', 'r4', 'u4', '2026-03-08T23:59:59Z', 'agent', { channel: 'messenger', message: 'm6' }),
  { business: 'rates', type: 'message.delivered', channel: 'messenger', customer: 'u4', conversation: 'r4', message: 'm6', at: '2026-03-09T00:00:05Z' },
  // m0 was sent before the period; its delivery in the period does not make it a sent message of the period.
  sent('rates', 'r0', 'u5', '2026-02-20T09:00:00Z', 'agent', { message: 'm0', category: 'marketing' }),
  { business: 'rates', type: 'message.delivered', customer: 'u5', conversation: 'r0', message: 'm0', at: '2026-03-02T00:00:01Z' },
  // blocks: u1 (messaged) and u6 (not messaged in the period); u1 twice.
  { business: 'rates', type: 'customer.blocked', customer: 'u1', at: '2026-03-03T10:00:00Z' },
  { business: 'rates', type: 'customer.blocked', customer: 'u1', at: '2026-03-04T10:00:00Z' },
  { business: 'rates', type: 'customer.blocked', customer: 'u6', at: '2026-03-04T10:00:00Z' },
  // mutes: u2 in the period; u3 before it (does not count).
  { business: 'rates', type: 'customer.muted', customer: 'u2', at: '2026-03-05T10:00:00Z' },
  { business: 'rates', type: 'customer.muted', customer: 'u3', at: '2026-02-25T10:00:00Z' },
  // opt-outs: u3 (got marketing in the period); u5 got marketing only before the period and
  // does not opt out; u2 opts out after the period.
  { business: 'rates', type: 'customer.opted_out', customer: 'u3', at: '2026-03-04T10:00:00Z' },
  { business: 'rates', type: 'customer.opted_out', customer: 'u2', at: '2026-03-10T10:00:00Z' },
];

const REGISTRY = [
  business('acme'),
  business('fastco'),
  business('nyco', { timezone: 'America/New_York', businessHours: WEEKDAY_9_TO_17 }),
  business('rates'),
];

beforeAll(async () => {
  db = await openEventsDb();
  await db.insert([...ACME, ...FASTCO, ...NYCO, ...RATES]);
});
afterAll(() => db.close());

async function rowOf(id: string, extra: { channel?: 'whatsapp' | 'messenger' } = {}, k = 1): Promise<MetricRow> {
  const groups = await computeMetrics(db.source(REGISTRY), REGISTRY, { period: PERIOD, business: id, ...extra }, k);
  expect(groups).toHaveLength(1);
  return groups[0]!.metrics;
}

describe('conversation metrics', () => {
  it('counts conversations, customer-initiated ones, FRT with bot vs automation replies and unanswered ones', async () => {
    const row = await rowOf('acme');
    // c1..c7 have message.* events in the period; c8 and c9 do not.
    expect(row.conversations).toBe(7);
    // c1, c2, c3, c4, c6 (c5 business-initiated, c7 started earlier).
    expect(row.customer_initiated).toBe(5);
    // Answered: 120, 600, 3600, 234000. Median: h = 1.5 -> 600 + 0.5 * 3000 = 2100.
    expect(row.frt_median_s).toBeCloseTo(2100, 6);
    // p90: h = 2.7 -> 3600 + 0.7 * (234000 - 3600) = 164880.
    expect(row.frt_p90_s).toBeCloseTo(164880, 6);
    // Business hours: 120, 3600, 3600, 0 -> sorted 0, 120, 3600, 3600. Median 120 + 0.5 * 3480 = 1860; p90 3600.
    expect(row.frt_bh_median_s).toBeCloseTo(1860, 6);
    expect(row.frt_bh_p90_s).toBeCloseTo(3600, 6);
    // Within 24 h: c1, c2, c6 of 5.
    expect(row.response_rate_24h).toBeCloseTo(0.6, 10);
    expect(row.very_responsive).toBe(false);
    expect(row.suppressed).toEqual([]);
  });

  it('applies the very-responsive rule at its boundary (median exactly 15 min)', async () => {
    const row = await rowOf('fastco');
    expect(row.customer_initiated).toBe(3);
    expect(row.frt_median_s).toBe(900);
    expect(row.response_rate_24h).toBe(1);
    expect(row.very_responsive).toBe(true);
    // The badge looks at the 7 days ending at `to`: a period ending 2026-03-11 (window 03-05..03-11) still sees 03-05.
    const later = await computeMetrics(db.source(REGISTRY), REGISTRY, { period: { from: '2026-03-11', to: '2026-03-11' }, business: 'fastco' }, 1);
    expect(later[0]!.metrics.customer_initiated).toBe(0);
    expect(later[0]!.metrics.very_responsive).toBe(true);
    // Ending 2026-03-12 (window 03-06..03-12): no conversation, no badge.
    const gone = await computeMetrics(db.source(REGISTRY), REGISTRY, { period: { from: '2026-03-12', to: '2026-03-12' }, business: 'fastco' }, 1);
    expect(gone[0]!.metrics.very_responsive).toBe(false);
  });

  it('counts business hours in the business time zone across a weekend and a DST change', async () => {
    const row = await rowOf('nyco');
    expect(row.frt_median_s).toBe(234000);
    expect(row.frt_bh_median_s).toBe(7200);
    expect(row.response_rate_24h).toBe(0);
  });

  it('gives null times and rates, and zero counts, when nothing happened', async () => {
    const [group] = await computeMetrics(db.source(REGISTRY), REGISTRY, { period: { from: '2026-01-01', to: '2026-01-02' }, business: 'acme' }, 10);
    expect(group!.metrics).toEqual({
      conversations: 0, customer_initiated: 0, frt_median_s: null, frt_p90_s: null, frt_bh_median_s: null, frt_bh_p90_s: null,
      response_rate_24h: null, very_responsive: false, block_rate: null, mute_rate: null, report_rate: null, negative_feedback_rate: null,
      opt_out_rate: null,
      delivery_rate: null, read_rate: null, limited_rate: null, suppressed: [],
    });
  });
});

describe('customer and message rates', () => {
  it('divides by the right denominators', async () => {
    const row = await rowOf('rates');
    // Messaged customers in the period: u1, u2, u3, u4 = 4.
    // Blocked in the period: u1, u6 = 2 -> 0.5 (u6 was not messaged: the rate divides the blocked by the messaged as written).
    expect(row.block_rate).toBe(0.5);
    // Muted in the period: u2 -> 1/4.
    expect(row.mute_rate).toBe(0.25);
    expect(row.report_rate).toBe(0);
    // Blocked, muted or reported, each customer once: u1 (blocked), u2 (muted), u6 (blocked, not messaged) = 3 -> 3/4.
    expect(row.negative_feedback_rate).toBe(0.75);
    // Opt-out denominator: customers sent MARKETING in the period: u3, u4 = 2 (not the 4 messaged). Opted out: u3 -> 1/2.
    expect(row.opt_out_rate).toBe(0.5);
    // Sent messages: m1, m2, m3, m4, the id-less one, m6 = 6. Delivered or read: m1, m2, m3, m6 = 4. Read: m1, m3 = 2.
    expect(row.delivery_rate).toBeCloseTo(4 / 6, 12);
    expect(row.read_rate).toBeCloseTo(2 / 6, 12);
  });

  it('filters by channel', async () => {
    // whatsapp: messaged u1, u2, u3; marketing u3; messages m1..m4 (3 delivered, 2 read).
    const wa = await rowOf('rates', { channel: 'whatsapp' });
    expect(wa.opt_out_rate).toBe(1);
    expect(wa.delivery_rate).toBe(0.75);
    expect(wa.read_rate).toBe(0.5);
    // messenger: u4 only; two messages, m6 delivered.
    const ms = await rowOf('rates', { channel: 'messenger' });
    expect(ms.delivery_rate).toBe(0.5);
    expect(ms.read_rate).toBe(0);
    expect(ms.opt_out_rate).toBe(0);
  });

  it('groups by channel and by day/week with empty buckets present', async () => {
    const byChannel = await computeMetrics(db.source(REGISTRY), REGISTRY, { period: PERIOD, business: 'rates', byChannel: true }, 1);
    expect(byChannel.map((g) => g.channel)).toEqual(['whatsapp', 'messenger']);
    expect(byChannel[1]!.metrics.delivery_rate).toBe(0.5);
    const days = await computeMetrics(db.source(REGISTRY), REGISTRY, { period: PERIOD, business: 'rates', granularity: 'day' }, 1);
    expect(days.map((g) => g.bucket!.from)).toEqual(['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06', '2026-03-07', '2026-03-08']);
    // Monday: m1 (delivered, read), m2 (delivered) -> 1 and 0.5; Saturday: nothing sent -> null.
    expect(days[0]!.metrics.delivery_rate).toBe(1);
    expect(days[0]!.metrics.read_rate).toBe(0.5);
    expect(days[5]!.metrics.delivery_rate).toBeNull();
    // Sunday: m6 only, delivered after midnight.
    expect(days[6]!.metrics.delivery_rate).toBe(1);
    // Weeks: 2026-03-04 (Wed) .. 2026-03-10 (Tue) spans two ISO weeks, clipped.
    const weeks = await computeMetrics(db.source(REGISTRY), REGISTRY, { period: { from: '2026-03-04', to: '2026-03-10' }, business: 'rates', granularity: 'week' }, 1);
    expect(weeks.map((g) => [g.bucket!.from, g.bucket!.to])).toEqual([['2026-03-04', '2026-03-08'], ['2026-03-09', '2026-03-10']]);
    // First week: m4 (failed), id-less, m6 (delivered): 1/3.
    expect(weeks[0]!.metrics.delivery_rate).toBeCloseTo(1 / 3, 12);
  });

  it('computes several groupings at once with the numbers of each computed alone', async () => {
    // The business report asks for its totals, series and channels in one pass (GROUPING SETS);
    // each must equal the same grouping asked for on its own, suppression (k = 3) included.
    for (const id of ['acme', 'nyco', 'rates']) {
      for (const k of [1, 3]) {
        for (const granularity of ['day', 'week'] as const) {
          const base = { period: PERIOD, business: id };
          const together = await computeMetricGroupings(db.source(REGISTRY), REGISTRY, base, [{}, { granularity }, { byChannel: true }], k);
          const alone = [
            await computeMetrics(db.source(REGISTRY), REGISTRY, base, k),
            await computeMetrics(db.source(REGISTRY), REGISTRY, { ...base, granularity }, k),
            await computeMetrics(db.source(REGISTRY), REGISTRY, { ...base, byChannel: true }, k),
          ];
          expect(together).toEqual(alone);
        }
      }
    }
    const [totals] = await computeMetricGroupings(db.source(REGISTRY), REGISTRY, { period: PERIOD, business: 'acme' }, [{}, { byChannel: true }], 1);
    expect(totals![0]!.metrics.customer_initiated).toBe(5);
  });

  it('keeps each grouping of the badge query to its own windows', async () => {
    // Two groupings whose windows share key 0 but not their days. acme, Mon 03-02 only: c1 (120 s)
    // and c2 (3600 s): rate 1, median 1860 s. Fri 03-06 to Sat 03-07: c4 (234000 s, not within
    // 24 h) and c6 (600 s): rate 0.5, median 117300 s. Mixed up, each would read all four.
    const day = (date: string) => Date.parse(`${date}T00:00:00Z`);
    const monday = { key: 0, startMs: day('2026-03-02'), endMs: day('2026-03-03') };
    const weekend = { key: 0, startMs: day('2026-03-06'), endMs: day('2026-03-08') };
    const scope = { startMs: monday.startMs, endMs: weekend.endMs, business: 'acme', hours: [], hoursUntilMs: weekend.endMs, scheduled: [], hoursKey: 0 };
    const inputs = FIGURE_METRICS.filter((m) => m.id === 'response_rate_24h' || m.id === 'frt_median_s');
    const rows = await db.source(REGISTRY).query(compileBadgeInputs(scope, [{ byChannel: false, windows: [monday] }, { byChannel: false, windows: [weekend] }], inputs));
    const figures = rows.map((r) => ({ grouping: Number(r.grouping), rate: Number(r.response_rate_24h), median: Number(r.frt_median_s) }))
      .sort((a, b) => a.grouping - b.grouping);
    expect(figures).toEqual([{ grouping: 0, rate: 1, median: 1860 }, { grouping: 1, rate: 0.5, median: 117300 }]);
  });

  it('returns one row per registered business in the overview scope', async () => {
    const groups = await computeMetrics(db.source(REGISTRY), REGISTRY, { period: PERIOD }, 1);
    expect(groups.map((g) => g.business)).toEqual(['acme', 'fastco', 'nyco', 'rates']);
    expect(groups.find((g) => g.business === 'acme')!.metrics.customer_initiated).toBe(5);
  });
});

describe('business-hours FRT', () => {
  it('is the same to the last bit whatever day the opening hours are summed from', async () => {
    // One conversation, Mon 2026-03-02 10:00:00 UTC, answered by an agent 2.466 s later, inside
    // acme's opening hours: 2.466 s on both clocks. A period starting two months earlier sums the
    // opening hours from there; the business report's badge windows can also start the sum
    // earlier than the overview's, and the two must still show the same number.
    const own = await openEventsDb();
    try {
      await own.insert([received('acme', 'r1', 'w1', '2026-03-02T10:00:00Z'), sent('acme', 'r1', 'w1', '2026-03-02T10:00:02.466Z', 'agent')]);
      const registry = [business('acme')];
      const medianFrom = async (from: string) =>
        (await computeMetrics(own.source(registry), registry, { period: { from, to: '2026-03-08' }, business: 'acme' }, 1))[0]!.metrics.frt_bh_median_s;
      expect(await medianFrom('2026-03-02')).toBe(2.466);
      expect(await medianFrom('2026-01-05')).toBe(2.466);
    } finally {
      await own.close();
    }
  });

  it('times a reply dated beyond tomorrow (stored before the clock was set back) on the whole of its hours', async () => {
    // The opening hours are first looked up until tomorrow: the intake refuses events dated later.
    // This reply is in 2099 (stored directly). Started Mon 2099-03-02 16:00 UTC, answered Thu
    // 2099-03-05 10:00 UTC; acme opens 09-17 UTC on weekdays. Calendar: 66 h = 237600 s.
    // Business hours: Mon 16-17 (1 h) + Tue and Wed 09-17 (8 h each) + Thu 09-10 (1 h) = 18 h = 64800 s.
    const own = await openEventsDb();
    try {
      await own.insert([received('acme', 'late', 'w1', '2099-03-02T16:00:00Z'), sent('acme', 'late', 'w1', '2099-03-05T10:00:00Z', 'agent')]);
      const registry = [business('acme')];
      const [group] = await computeMetrics(own.source(registry), registry, { period: { from: '2099-03-02', to: '2099-03-02' }, business: 'acme' }, 1);
      expect(group!.metrics.frt_median_s).toBe(237600);
      expect(group!.metrics.frt_bh_median_s).toBe(64800);
    } finally {
      await own.close();
    }
  });
});
