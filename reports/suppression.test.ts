import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeMetricGroupings, computeMetrics } from './metrics/computeMetrics';
import { complementarySuppression, isSmallCohort, Suppressor } from './suppression';
import { business, openEventsDb, type EventsDb, type TestEvent } from './testing/eventsDb';

describe('the suppression rule', () => {
  it('nulls figures from 1..k-1 customers, keeps 0 and k', () => {
    expect([0, 1, 9, 10, 11].map((n) => isSmallCohort(n, 10))).toEqual([false, true, true, false, false]);
    const s = new Suppressor(10);
    expect(s.figure('a', 0, 0)).toBe(0);
    expect(s.figure('b', 0.5, 9)).toBeNull();
    expect(s.figure('c.d', 3, 10)).toBe(3);
    expect(s.suppressed).toEqual(['b']);
  });
});

describe('complementary suppression', () => {
  const days = ['d0', 'd1', 'd2', 'd3'];
  const group = { total: 'total', parts: days };
  const shown = (values: Record<string, number>) => new Map(Object.entries(values));

  it('hides the smallest other non-zero part, the first of equal ones, when one part alone is hidden', () => {
    // total 20 = 4 (hidden) + 0 + 8 + 8: without d2, total - shown would give d0's 4.
    expect(complementarySuppression(shown({ total: 20, d1: 0, d2: 8, d3: 8 }), new Set(['d0']), [group])).toEqual(['d2']);
  });

  it('hides nothing when two parts or the total are hidden already', () => {
    expect(complementarySuppression(shown({ total: 20, d2: 8, d3: 8 }), new Set(['d0', 'd1']), [group])).toEqual([]);
    expect(complementarySuppression(shown({ d1: 3, d2: 8, d3: 8 }), new Set(['total', 'd0']), [group])).toEqual([]);
  });

  it('hides the total when no other part has anything, and that settles groups sharing it', () => {
    const channels = { total: 'total', parts: ['whatsapp', 'messenger'] };
    const values = shown({ total: 4, d1: 0, d2: 0, d3: 0, messenger: 3 });
    expect(complementarySuppression(values, new Set(['d0', 'whatsapp']), [group, channels])).toEqual(['total']);
  });

  it('repeats until no group has exactly one hidden part under a shown total', () => {
    // Hiding messenger for the channels hides the categories' total: that group needs nothing more.
    const channels = { total: 'total', parts: ['whatsapp', 'messenger'] };
    const categories = { total: 'messenger', parts: ['a', 'b'] };
    const values = shown({ total: 10, messenger: 6, a: 2, b: 4 });
    expect(complementarySuppression(values, new Set(['whatsapp']), [categories, channels])).toEqual(['messenger']);
    expect(complementarySuppression(values, new Set(['whatsapp', 'a']), [channels, categories])).toEqual(['messenger']);
    // y is a part of two groups: hiding it for the first leaves it alone in the second.
    const first = { total: 't', parts: ['x', 'y'] };
    const second = { total: 'u', parts: ['y', 'z', 'w'] };
    expect(complementarySuppression(shown({ t: 5, y: 3, u: 9, z: 4, w: 2 }), new Set(['x']), [first, second])).toEqual(['y', 'w']);
  });
});

// n customers, each with one customer-initiated conversation answered by an agent after 60 s
// and one message delivered; customer 0's conversation is unanswered when `oneUnanswered`.
function cohort(id: string, n: number, oneUnanswered = false): TestEvent[] {
  const events: TestEvent[] = [];
  for (let i = 0; i < n; i++) {
    const minute = String(i).padStart(2, '0');
    const at = `2026-03-03T10:${minute}:00Z`;
    events.push({ business: id, type: 'message.received', customer: `u${i}`, conversation: `c${i}`, at });
    if (oneUnanswered && i === 0) continue;
    events.push({ business: id, type: 'message.sent', sender: 'agent', category: 'service', customer: `u${i}`, conversation: `c${i}`, message: `m${i}`, at: `2026-03-03T11:${minute}:00Z` });
    events.push({ business: id, type: 'message.delivered', customer: `u${i}`, conversation: `c${i}`, message: `m${i}`, at: `2026-03-03T12:${minute}:00Z` });
  }
  return events;
}

// n regular customers with `each` customer-initiated conversations apiece (hour j, minute i),
// all answered by an agent after 60 s: more conversations than customers.
function regulars(id: string, n: number, each: number): TestEvent[] {
  const events: TestEvent[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < each; j++) {
      const hour = String(j).padStart(2, '0');
      const minute = String(i).padStart(2, '0');
      const conversation = `c${i}-${j}`;
      events.push({ business: id, type: 'message.received', customer: `u${i}`, conversation, at: `2026-03-04T${hour}:${minute}:00Z` });
      events.push({ business: id, type: 'message.sent', sender: 'agent', category: 'service', customer: `u${i}`, conversation, at: `2026-03-04T${hour}:${minute}:59Z` });
    }
  }
  return events;
}

const K = 10;
const REGISTRY = [business('nine'), business('ten'), business('tenone'), business('regulars9'), business('regulars10')];
let db: EventsDb;
beforeAll(async () => {
  db = await openEventsDb();
  await db.insert([...cohort('nine', 9), ...cohort('ten', 10), ...cohort('tenone', 10, true), ...regulars('regulars9', 9, 12), ...regulars('regulars10', 10, 12)]);
});
afterAll(() => db.close());

const rowOf = async (id: string) =>
  (await computeMetrics(db.source(REGISTRY), REGISTRY, { period: { from: '2026-03-02', to: '2026-03-08' }, business: id }, K))[0]!.metrics;

describe('suppression of metrics at k-1 and k', () => {
  it('at k-1 customers, every figure computed from them is null and named; the badge is not', async () => {
    const row = await rowOf('nine');
    expect(row.suppressed).toEqual([
      'conversations', 'customer_initiated', 'frt_median_s', 'frt_p90_s', 'frt_bh_median_s', 'frt_bh_p90_s', 'response_rate_24h',
      'block_rate', 'mute_rate', 'report_rate', 'negative_feedback_rate', 'delivery_rate', 'read_rate', 'limited_rate',
    ]);
    for (const name of row.suppressed) expect(row[name as keyof typeof row]).toBeNull();
    // No marketing message: the opt-out rate has no customers at all -> null, not suppressed.
    expect(row.opt_out_rate).toBeNull();
    // Every conversation answered in 1 h: rate 1 but median 3600 s > 900 -> false, shown anyway.
    expect(row.very_responsive).toBe(false);
  });

  it('at k customers nothing is suppressed', async () => {
    const row = await rowOf('ten');
    expect(row.suppressed).toEqual([]);
    expect(row.conversations).toBe(10);
    expect(row.customer_initiated).toBe(10);
    expect(row.frt_median_s).toBe(3600);
    expect(row.response_rate_24h).toBe(1);
    expect(row.delivery_rate).toBe(1);
    expect(row.block_rate).toBe(0);
  });

  it('counts FRT customers among the answered conversations only', async () => {
    // 10 customer-initiated conversations, 9 answered: the rate (10 customers) is shown, FRT (9) is not.
    const row = await rowOf('tenone');
    expect(row.response_rate_24h).toBeCloseTo(0.9, 12);
    expect(row.frt_median_s).toBeNull();
    expect(row.suppressed).toEqual(['frt_median_s', 'frt_p90_s', 'frt_bh_median_s', 'frt_bh_p90_s', 'block_rate', 'mute_rate', 'report_rate', 'negative_feedback_rate', 'delivery_rate', 'read_rate', 'limited_rate']);
  });

  it('counts customers, not conversations, when customers have many conversations each', async () => {
    // 108 conversations from 9 customers: suppressed; 120 from 10: shown. (More conversations
    // than the cohort query samples per group, so the exact count decides.)
    const nine = await rowOf('regulars9');
    expect(nine.customer_initiated).toBeNull();
    expect(nine.suppressed).toEqual(expect.arrayContaining(['customer_initiated', 'frt_median_s', 'response_rate_24h']));
    const ten = await rowOf('regulars10');
    expect(ten.suppressed).toEqual([]);
    expect(ten.customer_initiated).toBe(120);
    expect(ten.frt_median_s).toBe(59);
    // The same when the business report asks for totals, days and channels at once.
    const period = { from: '2026-03-02', to: '2026-03-08' };
    for (const id of ['regulars9', 'regulars10']) {
      const base = { period, business: id };
      const [totalsGroups, days, channels] = await computeMetricGroupings(db.source(REGISTRY), REGISTRY, base, [{}, { granularity: 'day' }, { byChannel: true }], K);
      expect(totalsGroups![0]).toEqual((await computeMetrics(db.source(REGISTRY), REGISTRY, base, K))[0]);
      expect(days).toEqual(await computeMetrics(db.source(REGISTRY), REGISTRY, { ...base, granularity: 'day' }, K));
      expect(channels).toEqual(await computeMetrics(db.source(REGISTRY), REGISTRY, { ...base, byChannel: true }, K));
      expect(days!.find((d) => d.bucket!.from === '2026-03-04')!.metrics.customer_initiated).toBe(id === 'regulars10' ? 120 : null);
    }
  });
});
