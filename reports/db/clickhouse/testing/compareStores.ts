import { expect } from 'vitest';
import { commitEvents, type EventRow } from '../../../../db/eventStore';
import type { BusinessRecord } from '../../../../db/registry';
import { byGroup } from '../../../../db/clickhouse/testing/duckdbFigures';
import type { EventGrouping, EventScope } from '../../../metrics/compileSql';
import { openIntervalsOf } from '../../../metrics/businessHours';
import { FIGURE_METRICS, type ConversationMetricsScope } from '../../../metrics/conversationMetricsSql';
import { renderCsv } from '../../../exports/csv';
import type { ExportInput } from '../../../exports/exportKinds';
import { renderJson } from '../../../exports/json';
import { businessReport, overviewReport, residencyReport } from '../../../reports';
import { pricingBreakdown } from '../../../metrics/pricingBreakdown';
import { templateBreakdown } from '../../../metrics/templateBreakdown';
import { periodBounds, type Period } from '../../../period';
import { computeResidency, computeResidencyFlags } from '../../../residency/residency';
import { business, openEventsDb } from '../../../testing/eventsDb';
import type { ReportSource } from '../../reportSource';
import { CAMPAIGN_GROUPINGS } from '../../../campaigns/campaignSql';

/**
 * What the report tests of the ClickHouse store compare: every builder done on ClickHouse,
 * through the report functions where they exist (the figures a user sees) and as raw rows
 * otherwise, against the DuckDB store filled through its real write path with the same events.
 */

export const PERIOD: Period = { from: '2026-04-06', to: '2026-04-26' };
const WEEK: Period = { from: '2026-04-13', to: '2026-04-19' };

/** acme with locations behind its flag (an EEA country and a third one); globex with the default. */
export const REPORT_BUSINESSES: BusinessRecord[] = [
  business('acme', {}, [
    { country: 'DE', processor: 'Example Hosting GmbH', role: 'processor', mechanism: 'eea', primary: true },
    { country: 'US', processor: 'Example Cloud Inc', role: 'processor', mechanism: 'scc', primary: false },
  ]),
  // Opening hours in a zone with a DST change in the period's month (Europe/Berlin: 29 March).
  business('globex', { timezone: 'Europe/Berlin' }),
];

/** A DuckDB store with `rows` committed in two batches, as the writer would, and its report source. */
export async function openDuckdbStore(rows: readonly EventRow[]): Promise<{ source: ReportSource; close: () => void }> {
  const db = await openEventsDb();
  const half = Math.floor(rows.length / 2);
  await commitEvents(db.connection, rows.slice(0, half));
  await commitEvents(db.connection, rows.slice(half));
  return { source: db.source(REPORT_BUSINESSES), close: db.close };
}

const bounds = periodBounds(PERIOD);
export const EVENT_CASES: readonly { scope: EventScope; groupings: EventGrouping[] }[] = [
  { scope: bounds, groupings: [{}] },
  { scope: { ...bounds, rowsByBusiness: new Map([['acme', 1e9]]) }, groupings: [{}] },
  { scope: { ...bounds, business: 'acme' }, groupings: [{}, { bucket: 'week' }, { byChannel: true }] },
  { scope: { ...bounds, business: 'globex', channel: 'messenger' }, groupings: [{}, { bucket: 'day' }] },
  { scope: bounds, groupings: [{ byChannel: true, bucket: 'day' }] },
  { scope: periodBounds(WEEK), groupings: [{ byChannel: true }] },
];

const rowsOf = async (source: ReportSource, scope: EventScope, groupings: EventGrouping[]) => {
  const compiled = source.queries.eventMetrics(scope, groupings);
  return { compiled, rows: byGroup(await source.query(compiled), compiled.keys) };
};

export async function expectSameEventMetrics(duckdb: ReportSource, clickhouse: ReportSource): Promise<void> {
  for (const { scope, groupings } of EVENT_CASES) {
    const expected = await rowsOf(duckdb, scope, groupings);
    const actual = await rowsOf(clickhouse, scope, groupings);
    expect(Object.keys(expected.rows).length).toBeGreaterThan(0);
    expect(actual.compiled.columns).toEqual(expected.compiled.columns);
    expect(actual.compiled.keys).toEqual(expected.compiled.keys);
    expect(actual.rows).toEqual(expected.rows);
  }
}

export async function expectSameResidency(duckdb: ReportSource, clickhouse: ReportSource): Promise<void> {
  for (const request of [{ period: PERIOD }, { period: WEEK, business: 'acme' }, { period: PERIOD, channel: 'whatsapp' as const }].map((r) => ({ ...r, today: PERIOD.to }))) {
    for (const k of [1, 5]) {
      const expected = await computeResidency(duckdb, REPORT_BUSINESSES, request, k);
      expect(expected.some((r) => r.locations.some((l) => (l.eea_customers ?? 0) > 0))).toBe(true);
      expect(await computeResidency(clickhouse, REPORT_BUSINESSES, request, k)).toEqual(expected);
      expect(await computeResidencyFlags(clickhouse, REPORT_BUSINESSES, request, k)).toEqual(await computeResidencyFlags(duckdb, REPORT_BUSINESSES, request, k));
    }
  }
  // The processing keys without DuckDB's planning count (rows): ClickHouse counts events there.
  const keysOf = async (source: ReportSource) => (await source.query<Record<string, unknown>>(source.queries.processingKeys(bounds)))
    .map(({ business: b, country, region }) => ({ business: b, country, region }));
  expect(await keysOf(clickhouse)).toEqual(await keysOf(duckdb));
}

export async function expectSameBreakdowns(duckdb: ReportSource, clickhouse: ReportSource): Promise<void> {
  for (const scope of [{ ...PERIOD, business: 'acme' }, { ...PERIOD, business: 'globex', channel: 'instagram' as const }, { ...WEEK, business: 'acme' }]) {
    for (const k of [1, 3]) {
      const templates = await templateBreakdown(duckdb, scope, k);
      // More rows than a breakdown lists: the grouped rows are compared too.
      if (scope.business === 'acme') expect(templates.some((r) => r.template === '(other)')).toBe(true);
      expect(await templateBreakdown(clickhouse, scope, k)).toEqual(templates);
      const pricing = await pricingBreakdown(duckdb, scope, k);
      expect(pricing.length).toBeGreaterThan(1);
      expect(await pricingBreakdown(clickhouse, scope, k)).toEqual(pricing);
    }
  }
}

/** The campaigns report's rows, as numbers and texts (the engines type their counts differently). */
export async function expectSameCampaignRows(duckdb: ReportSource, clickhouse: ReportSource): Promise<void> {
  const plain = (rows: Record<string, unknown>[]) =>
    rows.map((row) => Object.fromEntries(Object.entries(row).map(([name, value]) => [name, typeof value === 'string' || value === null ? value : Number(value)])));
  const scopes = [{ ...PERIOD, business: 'acme' }, { ...PERIOD, business: 'globex', channel: 'whatsapp' as const }, { ...WEEK, business: 'acme' }];
  for (const scope of scopes.flatMap((s) => CAMPAIGN_GROUPINGS.map((grouping) => ({ ...s, grouping })))) {
    const expected = plain(await duckdb.query(duckdb.queries.campaignRows(scope)));
    // Rows with attributed reactions in both windows, so the comparison covers the attribution.
    if (scope.business === 'acme') expect(expected.some((row) => Number(row.blocked_7d) + Number(row.opted_out_7d) + Number(row.muted_7d) + Number(row.reported_7d) > 0)).toBe(true);
    expect(plain(await clickhouse.query(clickhouse.queries.campaignRows(scope)))).toEqual(expected);
  }
}

/** The campaigns report's charged messages by country and day, which sum to its rows' `charged`. */
export async function expectSameCampaignCharges(duckdb: ReportSource, clickhouse: ReportSource): Promise<void> {
  const plain = (rows: Record<string, unknown>[]) =>
    rows.map((row) => Object.fromEntries(Object.entries(row).map(([name, value]) => [name, typeof value === 'string' || value === null ? value : Number(value)])));
  for (const scope of [{ ...PERIOD, business: 'acme' }, { ...PERIOD, business: 'globex', channel: 'whatsapp' as const }, { ...WEEK, business: 'acme' }]) {
    const expected = plain(await duckdb.query(duckdb.queries.campaignCharges(scope)));
    const rows = plain(await duckdb.query(duckdb.queries.campaignRows(scope)));
    const chargedOf = (list: Record<string, unknown>[]) => list.reduce((n, row) => n + Number(row.charged), 0);
    if (scope.business === 'acme') expect(new Set(expected.map((row) => row.country)).size).toBeGreaterThan(1);
    expect(chargedOf(expected)).toBe(chargedOf(rows));
    expect(plain(await clickhouse.query(clickhouse.queries.campaignCharges(scope)))).toEqual(expected);
  }
}

/** A conversation scope as computeMetrics builds it: every business's opening intervals from `startMs` to well after the events. */
function conversationScope(period: Period, extra: Partial<ConversationMetricsScope> = {}): ConversationMetricsScope {
  const { startMs, endMs } = periodBounds(period);
  const untilMs = endMs + 10 * 86_400_000;
  const hours = REPORT_BUSINESSES.flatMap((b) => openIntervalsOf(b, startMs, untilMs));
  return { startMs, endMs, hours, hoursUntilMs: untilMs, scheduled: REPORT_BUSINESSES.map((b) => b.id), hoursKey: 0, ...extra };
}

/**
 * A conversation metrics row as a report reads it: DuckDB's cohorts are exact below k and some
 * number of at least k above (a sample), ClickHouse's exact: what decides suppression is equal.
 */
function readable(rows: Record<string, unknown>[], keys: readonly string[], k: number): Record<string, Record<string, unknown>> {
  return Object.fromEntries(rows.map((row) => [keys.map((key) => String(row[key] ?? null)).join('|'), Object.fromEntries(Object.entries(row)
    .filter(([name]) => !keys.includes(name))
    .map(([name, value]) => [name, name.endsWith('__cohort') ? Math.min(Number(value), k) : name === 'latest_reply_ms' ? Number(value ?? 0) : value]))]));
}

export async function expectSameConversationMetrics(duckdb: ReportSource, clickhouse: ReportSource): Promise<void> {
  const cases: { scope: ConversationMetricsScope; groupings: EventGrouping[] }[] = [
    { scope: conversationScope(PERIOD), groupings: [{}] },
    { scope: conversationScope(PERIOD, { business: 'globex' }), groupings: [{}, { bucket: 'week' }, { byChannel: true }] },
    { scope: conversationScope(PERIOD, { channel: 'whatsapp', scheduled: ['acme'] }), groupings: [{ bucket: 'day' }] },
    { scope: conversationScope(WEEK, { hours: [] }), groupings: [{ byChannel: true }] },
  ];
  for (const { scope, groupings } of cases) {
    for (const k of [1, 5, 40]) {
      const keys = groupingColumnsOf(groupings);
      const expected = readable(await duckdb.query(duckdb.queries.conversationMetrics(scope, k, groupings)), keys, k);
      expect(Object.keys(expected).length).toBeGreaterThan(0);
      expect(readable(await clickhouse.query(clickhouse.queries.conversationMetrics(scope, k, groupings)), keys, k)).toEqual(expected);
    }
  }
}

const groupingColumnsOf = (groupings: readonly EventGrouping[]) =>
  ['business', ...(groupings.some((g) => g.byChannel) ? ['channel'] : []), ...(groupings.some((g) => g.bucket) ? ['bucket'] : [])];

export async function expectSameBadgeInputs(duckdb: ReportSource, clickhouse: ReportSource): Promise<void> {
  const metrics = FIGURE_METRICS.filter((m) => m.id === 'response_rate_24h' || m.id === 'frt_median_s' || m.id === 'frt_bh_p90_s');
  const windows = (days: number[]) => days.map((day) => ({ key: day, startMs: bounds.startMs + (day - 6) * 86_400_000, endMs: bounds.startMs + (day + 1) * 86_400_000 }));
  const groupings = [{ byChannel: false, windows: [{ key: 0, startMs: bounds.endMs - 7 * 86_400_000, endMs: bounds.endMs }] }, { byChannel: true, windows: windows([3, 4, 10, 17]) }];
  for (const scope of [conversationScope(PERIOD), conversationScope(PERIOD, { business: 'acme', channel: 'messenger' })]) {
    const keyed = (rows: Record<string, unknown>[]) => Object.fromEntries(rows.map((r) => [`${r.grouping}|${r.business}|${r.channel ?? null}|${r.bucket}`, r]));
    const expected = keyed(await duckdb.query(duckdb.queries.badgeInputs(scope, groupings, metrics)));
    expect(Object.keys(expected).length).toBeGreaterThan(4);
    expect(keyed(await clickhouse.query(clickhouse.queries.badgeInputs(scope, groupings, metrics)))).toEqual(expected);
  }
}

const META = { generatedAt: '2026-05-01T00:00:00.000Z', adequacyAsOf: '2026-01-01', adequacyVersion: 1 };

/** The three reports, and their CSV and JSON exports, byte for byte (k = 8: the small daily groups have figures suppressed). */
export async function expectSameReports(duckdb: ReportSource, clickhouse: ReportSource): Promise<void> {
  const k = 8;
  const both = async (build: (source: ReportSource) => Promise<ExportInput>) => {
    const expected = await build(duckdb);
    const actual = await build(clickhouse);
    expect(actual).toEqual(expected);
    expect(renderCsv(actual, META)).toBe(renderCsv(expected, META));
    expect(renderJson(actual, META)).toBe(renderJson(expected, META));
    return expected;
  };
  const overview = await both(async (source) => ({ kind: 'overview', report: await overviewReport({ source, k }, PERIOD) }));
  expect(JSON.stringify(overview)).toContain('"frt_bh_median_s":');
  await both(async (source) => ({ kind: 'overview', report: await overviewReport({ source, k }, { ...WEEK, channel: 'instagram' }) }));
  await both(async (source) => ({ kind: 'business', report: (await businessReport({ source, k }, 'acme', { ...PERIOD, granularity: 'week' }))! }));
  const daily = await both(async (source) => ({ kind: 'business', report: (await businessReport({ source, k }, 'globex', { ...WEEK, granularity: 'day', channel: 'whatsapp' }))! }));
  // Small daily groups: some figures are suppressed, so equal suppression is compared too.
  expect(JSON.stringify(daily)).toMatch(/"suppressed":\["/);
  await both(async (source) => ({ kind: 'residency', report: await residencyReport({ source, k }, PERIOD, PERIOD.to) }));
}

