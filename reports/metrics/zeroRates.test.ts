import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { business, openEventsDb, type EventsDb, type TestEvent } from '../testing/eventsDb';
import { computeMetricGroupings, computeMetrics } from './computeMetrics';
import { cohortColumn, compileBadgeInputs, compileConversationMetrics, FIGURE_METRICS, valueColumn } from './conversationMetricsSql';
import { CONVERSATION_METRICS } from './definitions';

// "Zero is zero": a rate over a non-zero denominator is a number, 0 included; null only when
// the denominator is 0. Period Mon 2026-03-02 .. Sun 2026-03-08 (UTC); k = 10 (the default
// MIN_COHORT), with 12 customers per business so nothing is suppressed.
const PERIOD = { from: '2026-03-02', to: '2026-03-08' };
const K = 10;
const REGISTRY = [business('quiet'), business('busy')];
const CUSTOMERS = Array.from({ length: 12 }, (_, i) => i + 1);

const received = (b: string, i: number, at: string): TestEvent =>
  ({ business: b, type: 'message.received', conversation: `${b}-c${i}`, customer: `${b}-u${i}`, at });
const sent = (b: string, i: number, at: string, sender = 'agent'): TestEvent =>
  ({ business: b, type: 'message.sent', conversation: `${b}-c${i}`, customer: `${b}-u${i}`, at, sender, category: 'service' });

// quiet: 12 customers write on Tue 03-03 10:00; nobody answers (an automation ack is no answer).
const QUIET: TestEvent[] = CUSTOMERS.flatMap((i) => [
  received('quiet', i, '2026-03-03T10:00:00Z'),
  ...(i === 1 ? [sent('quiet', i, '2026-03-03T10:00:01Z', 'automation')] : []),
]);

// busy: 12 customers write on Tue 03-03 10:00. c1..c9 answered after 60 s, c10 after 25 h (not
// within 24 h), c11 and c12 never: rate 9/12 = 0.75. FRTs: nine of 60 s and one of 90000 s.
const BUSY: TestEvent[] = CUSTOMERS.flatMap((i) => [
  received('busy', i, '2026-03-03T10:00:00Z'),
  ...(i <= 9 ? [sent('busy', i, '2026-03-03T10:01:00Z')] : i === 10 ? [sent('busy', i, '2026-03-04T11:00:00Z')] : []),
]);

// The conversation figures suppressed in a row (quiet's one automation ack, sent to a single
// customer, rightly suppresses the events rates over messaged customers).
const CONVERSATION_IDS = new Set<string>(CONVERSATION_METRICS.map((m) => m.id));
const suppressedConversationFigures = (suppressed: string[]) => suppressed.filter((id) => CONVERSATION_IDS.has(id));

let db: EventsDb;
beforeAll(async () => {
  db = await openEventsDb();
  await db.insert([...QUIET, ...BUSY]);
});
afterAll(() => db.close());

describe('zero is zero', () => {
  it('gives response_rate_24h 0, not null, when every customer-initiated conversation is unanswered', async () => {
    const groups = await computeMetrics(db.source(REGISTRY), REGISTRY, { period: PERIOD }, K);
    const quiet = groups.find((g) => g.business === 'quiet')!.metrics;
    expect(quiet.customer_initiated).toBe(12);
    expect(quiet.response_rate_24h).toBe(0);
    // No conversation answered: no FRT to take a quantile of, and no cohort to suppress.
    expect(quiet.frt_median_s).toBeNull();
    expect(quiet.frt_p90_s).toBeNull();
    expect(quiet.frt_bh_median_s).toBeNull();
    expect(quiet.very_responsive).toBe(false);
    expect(suppressedConversationFigures(quiet.suppressed)).toEqual([]);

    const busy = groups.find((g) => g.business === 'busy')!.metrics;
    expect(busy.customer_initiated).toBe(12);
    expect(busy.response_rate_24h).toBe(0.75);
    // Sorted FRTs: 60 x 9, 90000. Median 60; p90: h = 8.1 -> 60 + 0.1 * (90000 - 60) = 9054.
    expect(busy.frt_median_s).toBe(60);
    expect(busy.frt_p90_s).toBeCloseTo(9054, 6);
    expect(suppressedConversationFigures(busy.suppressed)).toEqual([]);
  });

  it('keeps 0 per business, channel and day, and null only where there is no conversation', async () => {
    const [totals, days, channels] = await computeMetricGroupings(
      db.source(REGISTRY), REGISTRY, { period: PERIOD, business: 'quiet' }, [{}, { granularity: 'day' }, { byChannel: true }], K,
    );
    expect(totals![0]!.metrics.response_rate_24h).toBe(0);
    expect(channels!.map((g) => [g.channel, g.metrics.response_rate_24h])).toEqual([['whatsapp', 0]]);
    // Tuesday has the 12 conversations; the other days have none: null there (denominator 0).
    expect(days!.map((g) => [g.bucket!.from, g.metrics.customer_initiated, g.metrics.response_rate_24h])).toEqual([
      ['2026-03-02', 0, null], ['2026-03-03', 12, 0], ['2026-03-04', 0, null], ['2026-03-05', 0, null],
      ['2026-03-06', 0, null], ['2026-03-07', 0, null], ['2026-03-08', 0, null],
    ]);
  });

  it('gives the SQL rows 0, not NULL: the rate, the badge\'s rate and the answered customers', async () => {
    const day = (date: string) => Date.parse(`${date}T00:00:00Z`);
    const window = { key: 0, startMs: day('2026-03-02'), endMs: day('2026-03-09') };
    const scope = { startMs: window.startMs, endMs: window.endMs, business: 'quiet', hours: [], hoursUntilMs: window.endMs, scheduled: [], hoursKey: 0 };
    const inputs = FIGURE_METRICS.filter((m) => m.id === 'response_rate_24h' || m.id === 'frt_median_s');
    const rows = await db.source(REGISTRY).query(compileBadgeInputs(scope, [{ byChannel: false, windows: [window] }], inputs));
    expect(rows.map((r) => [r.response_rate_24h, r.frt_median_s])).toEqual([[0, null]]);
    // The period's row: every customer counted, none answered (the FRT cohort is 0, not NULL).
    const [row, ...more] = await db.source(REGISTRY).query(compileConversationMetrics({ ...scope, scheduled: ['quiet'] }, K, [{}]));
    expect(more).toEqual([]);
    const figure = (id: string) => FIGURE_METRICS.find((m) => m.id === id)!;
    expect(row![valueColumn(figure('response_rate_24h'))]).toBe(0);
    expect(Number(row![cohortColumn(figure('response_rate_24h'))])).toBe(12);
    expect(row![cohortColumn(figure('frt_median_s'))]).toBe(0);
    expect(row![valueColumn(figure('frt_median_s'))]).toBeNull();
  });
});
