import { hoursKeyOf } from '../../db/conversationTiming';
import type { BusinessRecord } from '../../db/registry';
import type { ReportSource } from '../db/reportSource';
import { bucketsOf, DAY_MS, periodBounds, trailingWindow, type Bucket, type Granularity, type Period, type PeriodBounds } from '../period';
import { Suppressor } from '../suppression';
import { CHANNELS, type Channel } from '../vocabulary';
import { readEventMetric, type CompiledEventMetrics, type EventGrouping } from './compileSql';
import { openIntervalsOf } from './businessHours';
import {
  cohortColumn, FIGURE_METRICS, LATEST_REPLY_COLUMN, valueColumn,
  type BadgeWindow, type ConversationMetricsScope, type FigureMetric,
} from './conversationMetricsSql';
import { CONVERSATION_METRICS, METRICS, type ConversationMetric, type MetricId } from './definitions';
import { rowsByBusinessOf } from './perBusiness';

/** The metrics of one row: the overview's fields, with the small-cohort ones null and named. */
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
  const eventScope = { ...bounds, business: request.business, channel: request.channel };
  const bucketLists = groupings.map((g) => (g.granularity ? bucketsOf(request.period, g.granularity) : undefined));
  // The badge of a row ending on day T reads the conversations started in [T-6, T].
  const windows = bucketLists.map((buckets): BadgeWindow[] => (buckets ?? [undefined]).map((bucket) => {
    const window = periodBounds(trailingWindow((bucket ?? request.period).to, WINDOW_DAYS));
    return { key: bucket?.key ?? 0, ...window };
  }));
  // With more than one read connection the queries run at once; the two heavy ones, events and
  // conversations, each on a connection of its own.
  const scope = conversationScopeOf(scoped, hoursKeyOf(businesses), request, bounds, windows.flat());
  const badgeGroupings = groupings.map((grouping, i) => ({ byChannel: grouping.byChannel ?? false, windows: windows[i]! }));
  // Over several businesses, the events query waits for the scope's rows per business (a few
  // ms), which decide how it groups customers (./perBusiness.ts); the conversations query goes
  // meanwhile. One business is grouped alone, whatever its rows. The small badge query waits too,
  // so that the events query is ahead of it for the next free connection.
  const counted = request.business === undefined ? source.query(source.queries.rowsPerBusiness(eventScope)) : Promise.resolve([]);
  const conversationsRead = conversationMetricRows(source, scope, scoped, k, sets);
  const eventsRead = counted.then(async (rows) => {
    const compiled = source.queries.eventMetrics({ ...eventScope, rowsByBusiness: rowsByBusinessOf(rows) }, sets);
    return { compiled, rows: await source.query(compiled) };
  });
  const badgeRead = counted.then(() => (BADGE ? source.query(source.queries.badgeInputs(scope, badgeGroupings, badgeInputs)) : []));
  const [{ compiled, rows: eventRows }, conversationRows, badgeRows] = await Promise.all([eventsRead, conversationsRead, badgeRead]);
  const badgeRowsByGrouping = groupings.map((_, i) => badgeRows.filter((r) => Number(r.grouping) === i));
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

/**
 * The scope of the conversation queries, with the opening hours from the earliest start they read
 * to tomorrow. The intake refuses events more than 5 minutes ahead of their receipt
 * (ingest/anonymise), so that covers every reply: no query for the latest one is needed before
 * the metrics' (it read all the facts again, and their parts, before anything else could start).
 */
function conversationScopeOf(
  scoped: readonly BusinessRecord[],
  hoursKey: number,
  request: Pick<MetricRequest, 'business' | 'channel'>,
  bounds: PeriodBounds,
  windows: readonly BadgeWindow[],
  untilMs = Math.max(bounds.endMs, Date.now() + DAY_MS),
): ConversationMetricsScope {
  const earliestMs = Math.min(bounds.startMs, ...windows.map((w) => w.startMs));
  const hours = scoped.flatMap((b) => openIntervalsOf(b, earliestMs, untilMs));
  return {
    ...bounds, business: request.business, channel: request.channel,
    hours, hoursUntilMs: untilMs, scheduled: scoped.map((b) => b.id),
    hoursKey,
  };
}

/**
 * The conversation metrics' rows. A reply later than the hours reach (stored some other way, or
 * the clock set back since) was timed wrongly on the business-hours clock: the query is run again
 * with hours reaching it, so the figures stay exact whatever the data.
 */
async function conversationMetricRows(
  source: ReportSource, scope: ConversationMetricsScope, scoped: readonly BusinessRecord[], k: number, sets: readonly EventGrouping[],
): Promise<Record<string, unknown>[]> {
  const rows = await source.query(source.queries.conversationMetrics(scope, k, sets));
  const latestMs = Math.max(...rows.map((r) => Number(r[LATEST_REPLY_COLUMN] ?? 0)));
  if (!(latestMs > scope.hoursUntilMs)) return rows;
  const reaching = conversationScopeOf(scoped, scope.hoursKey, scope, scope, [], Math.ceil(latestMs));
  return source.query(source.queries.conversationMetrics(reaching, k, sets));
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
