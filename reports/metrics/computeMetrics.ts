import type { BusinessRecord } from '../../db/registry';
import type { ReportSource } from '../db/reportSource';
import { bucketsOf, periodBounds, trailingWindow, type Bucket, type Granularity, type Period, type PeriodBounds } from '../period';
import { Suppressor } from '../suppression';
import { CHANNELS, type Channel } from '../vocabulary';
import { compileEventMetrics, readEventMetric, type CompiledEventMetrics } from './compileSql';
import { BusinessCalendar } from './businessHours';
import {
  cohortColumn, compileBadgeInputs, compileConversationMetrics, compileLatestReply, FIGURE_METRICS, valueColumn,
  type BadgeWindow, type ConversationMetricsScope, type FigureMetric,
} from './conversationMetricsSql';
import { CONVERSATION_METRICS, METRICS, type ConversationMetric, type MetricId } from './definitions';

/** The metrics of one row: SPEC 9's overview fields, with the small-cohort ones null and named. */
export type MetricValues = { [K in MetricId]: K extends 'very_responsive' ? boolean : number | null };
export type MetricRow = MetricValues & { suppressed: string[] };

export interface MetricRequest {
  period: Period;
  /** Only this business; undefined: every business given. */
  business?: string;
  /** Only this channel's events. */
  channel?: Channel;
  /** One group per channel seen in the period. */
  byChannel?: boolean;
  /** One group per day or ISO week of the period (weeks clipped to it), empty ones included. */
  granularity?: Granularity;
}

export interface MetricGroup {
  business: string;
  channel?: Channel;
  bucket?: Bucket;
  metrics: MetricRow;
}

const BADGE = CONVERSATION_METRICS.find((m) => m.kind === 'badge');
const WINDOW_DAYS = BADGE?.kind === 'badge' ? BADGE.windowDays : 7;

const groupKey = (business: string, channel: string | undefined, bucket: number | undefined) => `${business}\u0000${channel ?? ''}\u0000${bucket ?? ''}`;

/** How one list of groups is cut: per channel and/or per day or week, or the whole period. */
export type MetricGrouping = Pick<MetricRequest, 'byChannel' | 'granularity'>;

/**
 * Every metric of ./definitions.ts for each requested group, aggregated in SQL: the events
 * metrics (./compileSql.ts), the conversation metrics of the period and the badge's inputs over
 * each row's trailing window (./conversationMetricsSql.ts, over conversation_facts).
 */
export async function computeMetrics(
  source: ReportSource,
  businesses: readonly BusinessRecord[],
  request: MetricRequest,
  k: number,
): Promise<MetricGroup[]> {
  const [groups] = await computeMetricGroupings(source, businesses, request, [{ byChannel: request.byChannel, granularity: request.granularity }], k);
  return groups!;
}

/**
 * The same for several groupings of one scope at once (the business report's totals, series and
 * channels): the events and conversation metrics of all of them come from one query each
 * (GROUPING SETS), so the period's rows are read, joined to the opening hours and grouped by
 * customer once instead of once per grouping. The badge, over windows of its own, is one more
 * query for all of them.
 */
export async function computeMetricGroupings(
  source: ReportSource,
  businesses: readonly BusinessRecord[],
  request: Omit<MetricRequest, 'byChannel' | 'granularity'>,
  groupings: readonly MetricGrouping[],
  k: number,
): Promise<MetricGroup[][]> {
  const scoped = request.business === undefined ? businesses : businesses.filter((b) => b.id === request.business);
  const bounds = periodBounds(request.period);
  const sets = groupings.map((g) => ({ byChannel: g.byChannel, bucket: g.granularity }));
  const compiled = compileEventMetrics({ ...bounds, business: request.business, channel: request.channel }, sets);
  const bucketLists = groupings.map((g) => (g.granularity ? bucketsOf(request.period, g.granularity) : undefined));
  // The badge of a row ending on day T reads the conversations started in [T-6, T].
  const windows = bucketLists.map((buckets): BadgeWindow[] => (buckets ?? [undefined]).map((bucket) => {
    const window = periodBounds(trailingWindow((bucket ?? request.period).to, WINDOW_DAYS));
    return { key: bucket?.key ?? 0, ...window };
  }));
  // Independent queries, sent together: with more than one read connection they run at once.
  const conversations = conversationScopeOf(source, scoped, request, bounds, windows.flat()).then(async (scope) => {
    const badgeGroupings = groupings.map((grouping, i) => ({ byChannel: grouping.byChannel ?? false, windows: windows[i]! }));
    const [rows, badgeRows] = await Promise.all([
      source.query(compileConversationMetrics(scope, k, sets)),
      BADGE ? source.query(compileBadgeInputs(scope, badgeGroupings, badgeInputs)) : Promise.resolve([]),
    ]);
    return { rows, badges: groupings.map((_, i) => badgeRows.filter((r) => Number(r.grouping) === i)) };
  });
  const [eventRows, { rows: conversationRows, badges: badgeRowsByGrouping }] = await Promise.all([source.query(compiled), conversations]);
  const eventsByKey = rowsByGroup(eventRows);
  const conversationsByKey = rowsByGroup(conversationRows);

  const result: MetricGroup[][] = [];
  for (const [i, grouping] of groupings.entries()) {
    const badgesByKey = rowsByGroup(badgeRowsByGrouping[i]!);
    const buckets = bucketLists[i];
    const groups: MetricGroup[] = [];
    for (const business of scoped) {
      const seen = (rows: Record<string, unknown>[], channel: Channel) => rows.some((r) => r.business === business.id && r.channel === channel);
      const channels: (Channel | undefined)[] = grouping.byChannel
        ? CHANNELS.filter((c) => seen(conversationRows, c) || seen(eventRows, c))
        : [undefined];
      for (const channel of channels) {
        for (const bucket of buckets ?? [undefined]) {
          const metrics = metricRow(compiled, {
            events: eventsByKey.get(groupKey(business.id, channel, bucket?.key)),
            conversations: conversationsByKey.get(groupKey(business.id, channel, bucket?.key)),
            badge: badgesByKey.get(groupKey(business.id, channel, bucket?.key ?? 0)),
          }, k);
          groups.push({ business: business.id, ...(channel ? { channel } : {}), ...(bucket ? { bucket } : {}), metrics });
        }
      }
    }
    result.push(groups);
  }
  return result;
}

/**
 * Result rows by their group (business, channel, bucket key: each when the query has it; NULL
 * where a grouping set of several does not use the column).
 */
const rowsByGroup = (rows: Record<string, unknown>[]) => new Map(rows.map((r) => [
  groupKey(String(r.business), r.channel == null ? undefined : String(r.channel), r.bucket == null ? undefined : Number(r.bucket)),
  r,
]));

const badgeInputs = BADGE?.kind === 'badge' ? FIGURE_METRICS.filter((m) => m.id === BADGE.responseRate || m.id === BADGE.medianFrt) : [];

/** The scope of the conversation queries, with the opening hours covering every start and reply they read. */
async function conversationScopeOf(
  source: ReportSource,
  scoped: readonly BusinessRecord[],
  request: Omit<MetricRequest, 'byChannel' | 'granularity'>,
  bounds: PeriodBounds,
  windows: readonly BadgeWindow[],
): Promise<ConversationMetricsScope> {
  const earliestMs = Math.min(bounds.startMs, ...windows.map((w) => w.startMs));
  const [latest] = await source.query<{ latest_ms: number | null }>(compileLatestReply({ startMs: earliestMs, endMs: bounds.endMs, business: request.business }));
  const untilMs = Math.max(bounds.endMs, Number(latest?.latest_ms ?? 0));
  const hours = scoped.flatMap((b) =>
    new BusinessCalendar(b.timezone, b.businessHours).openIntervalsCovering(earliestMs, untilMs).map((i) => ({ business: b.id, ...i })));
  return {
    ...bounds, business: request.business, channel: request.channel,
    hours, hoursUntilMs: untilMs, scheduled: scoped.map((b) => b.id),
  };
}

export interface GroupRows {
  events?: Record<string, unknown>;
  conversations?: Record<string, unknown>;
  /** The badge's inputs over its window. */
  badge?: Record<string, unknown>;
}

const numberOrNull = (value: unknown) => (value === null || value === undefined ? null : Number(value));

/** A conversation metric's figure from its group's row; no row: no conversations. */
function conversationFigure(metric: FigureMetric, row: Record<string, unknown> | undefined) {
  const value = numberOrNull(row?.[valueColumn(metric)]);
  return { value: metric.kind === 'count' ? (value ?? 0) : value, cohort: Number(row?.[cohortColumn(metric)] ?? 0) };
}

/** The badge rule over its window's figures; false when an input is null. Never suppressed. */
function badgeValue(metric: Extract<ConversationMetric, { kind: 'badge' }>, row: Record<string, unknown> | undefined): boolean {
  const input = (id: string) => numberOrNull(row?.[id]);
  const rate = input(metric.responseRate);
  const median = input(metric.medianFrt);
  return rate !== null && median !== null && rate >= metric.minResponseRate && median <= metric.maxMedianFrtS;
}

/** One row: every metric in definition order, suppressed where its cohort is small. */
export function metricRow(compiled: CompiledEventMetrics, rows: GroupRows, k: number): MetricRow {
  const suppressor = new Suppressor(k);
  const row: Record<string, number | boolean | null> = {};
  for (const metric of METRICS) {
    if (metric.source === 'events') {
      const figure = readEventMetric(metric, compiled.columns[metric.id]!, rows.events);
      row[metric.id] = suppressor.figure(metric.id, figure.value, figure.cohort);
    } else if (metric.kind === 'badge') {
      row[metric.id] = badgeValue(metric, rows.badge);
    } else {
      const figure = conversationFigure(metric, rows.conversations);
      row[metric.id] = suppressor.figure(metric.id, figure.value, figure.cohort);
    }
  }
  return { ...(row as MetricValues), suppressed: suppressor.suppressed };
}
