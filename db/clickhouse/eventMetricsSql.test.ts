import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventCountsSql, eventMetricsSql, groupKeys, type EventMetricsScope } from './eventMetricsSql';
import { openChdb, type ChdbEngine } from './testing/chdbEngine';
import { COUNTS_UNDER_TEST } from './testing/countsUnderTest';
import { byGroup, duckDbFigures, type DuckDbFigures } from './testing/duckdbFigures';
import { HAND_EVENTS, HAND_EXPECTED_EVENTS, HAND_EXPECTED_METRICS, HAND_SCOPE } from './testing/handWorked';
import { SAMPLE_START_MS, sampleEvents } from './testing/sampleEvents';

const DAY_MS = 86_400_000;
const SAMPLE = sampleEvents(3000);
const PERIOD = { startMs: SAMPLE_START_MS, endMs: SAMPLE_START_MS + 21 * DAY_MS };

/** Scopes the reports ask for: the overview, one business, one channel, per channel, per day and per week. */
const SCOPES: readonly EventMetricsScope[] = [
  PERIOD,
  { ...PERIOD, business: 'acme' },
  { ...PERIOD, channel: 'messenger' },
  { ...PERIOD, byChannel: true },
  { ...PERIOD, business: 'globex', bucket: 'day' },
  { startMs: PERIOD.startMs + 3 * DAY_MS, endMs: PERIOD.endMs - 4 * DAY_MS, byChannel: true, bucket: 'week' },
];

const eventsByType = (rows: readonly Record<string, unknown>[]) => Object.fromEntries(rows.map((r) => [String(r.type), Number(r.events)]));

describe('eventMetricsSql', () => {
  it('inlines values through literal and refuses a period that is not whole UTC days', () => {
    const sql = eventMetricsSql({ ...HAND_SCOPE, business: "o'hara\\" }, COUNTS_UNDER_TEST);
    expect(sql).toContain("business = 'o\\'hara\\\\'");
    expect(sql).not.toMatch(/\bWITH\b|\bOVER\s*\(|GROUPING SETS|\{\w+:/);
    expect(() => eventMetricsSql({ startMs: HAND_SCOPE.startMs + 1, endMs: HAND_SCOPE.endMs }, COUNTS_UNDER_TEST)).toThrow(/midnight/);
    expect(() => eventMetricsSql(HAND_SCOPE, [{ name: 'x; DROP', distinct: 'customer', mask: 1 }])).toThrow(/column name/);
  });
});

describe('event metrics on ClickHouse 26.x (chdb)', () => {
  let chdb: ChdbEngine;
  let duckdb: DuckDbFigures;
  beforeAll(async () => {
    chdb = openChdb();
    expect(chdb.version()).toMatch(/^2\d\./);
    // Every sample event twice, the second time in other batches, as a retried commit would.
    chdb.insert(SAMPLE);
    chdb.insert(SAMPLE.slice(0, 1000));
    chdb.insert(SAMPLE.slice(1000));
    chdb.insert(HAND_EVENTS);
    chdb.insert(HAND_EVENTS.slice(2, 5));
    duckdb = await duckDbFigures([...SAMPLE, ...HAND_EVENTS]);
  });
  afterAll(() => {
    chdb?.close();
    duckdb?.close();
  });

  it('gives the hand-worked figures, each event once', () => {
    expect(chdb.query(eventMetricsSql(HAND_SCOPE, COUNTS_UNDER_TEST))).toEqual([{ business: 'handco', ...HAND_EXPECTED_METRICS }]);
    expect(eventsByType(chdb.query(eventCountsSql(HAND_SCOPE)))).toEqual(HAND_EXPECTED_EVENTS);
  });

  it("equals the DuckDB store's figures on the same events, for every scope", async () => {
    for (const scope of SCOPES) {
      const keys = groupKeys(scope);
      const expected = byGroup(await duckdb.eventMetrics(scope, COUNTS_UNDER_TEST), keys);
      expect(Object.keys(expected).length).toBeGreaterThan(0);
      expect(byGroup(chdb.query(eventMetricsSql(scope, COUNTS_UNDER_TEST)), keys)).toEqual(expected);
      expect(byGroup(chdb.query(eventCountsSql(scope)), [...keys, 'type'])).toEqual(byGroup(await duckdb.eventCounts(scope), [...keys, 'type']));
    }
  });
});
