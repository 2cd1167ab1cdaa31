import { daySql } from '../../db/activityDays';
import { CURRENT_CONVERSATION_FACTS } from '../../db/conversationFacts';
import { businessSecondsSql, openSecondsUpTo, openSegmentsSql, segmentHolding, type OpenInterval } from '../../db/openingHoursSql';
import { DAY_MS, isoOfMs, type PeriodBounds } from '../period';
import type { Channel } from '../vocabulary';
import { cohortSettledSql, sampledCustomersSql } from './cohortSample';
import { bucketSql, groupingColumns, sameGroup, type EventGrouping } from './compileSql';
import { CONVERSATION_METRICS, type ConversationMetric } from './definitions';
import { literal, Params, type SqlQuery } from './sqlText';

/**
 * The `conversations` metrics of ./definitions.ts, aggregated in SQL over `conversation_facts`
 * (one row per conversation, merged at write time: db/conversationFacts.ts), so a report reads
 * a few numbers per group instead of one row per conversation. Pure: text and parameters only.
 *
 * - A conversation is customer-initiated when its earliest message.* event is a
 *   message.received (started_at = first_at; a tie counts: the customer's message is there at
 *   the start), and belongs to the period its start falls in. Its first response is the
 *   earliest agent/bot message.sent (replied_at): for such a conversation every message.* event
 *   is at or after the start. A channel filter keeps conversations started on that channel.
 * - Business-hours FRT: the seconds of [start, reply) inside the business's opening intervals,
 *   which TypeScript computes per local day in the business's time zone (./businessHours.ts,
 *   exact across DST changes) and passes here with, for each interval, the open seconds of all
 *   intervals before it. The open seconds up to an instant are then one join (the last
 *   interval opening at or before it: db/openingHoursSql.ts), and a duration is the difference of
 *   two. A conversation whose business-hours FRT is stored under its business's current hours
 *   (db/conversationTiming.ts) takes the stored value, the same number, without the joins.
 *   A business without a registry entry has no hours: its business-hours FRT is null.
 */

export interface ConversationMetricsScope extends PeriodBounds {
  business?: string;
  channel?: Channel;
  /** Opening intervals covering every start and reply up to hoursUntilMs. */
  hours: readonly OpenInterval[];
  /**
   * The latest instant the hours reach. compileConversationMetrics returns its latest reply
   * (LATEST_REPLY_COLUMN): a later one was timed against hours that do not reach it.
   */
  hoursUntilMs: number;
  /** Businesses with a registry entry (their hours, possibly none, are in `hours`). */
  scheduled: readonly string[];
  /**
   * The registry's current hours key (db/conversationTiming.ts hoursKeyOf): a conversation timed
   * and stored under it is not joined to the hours again.
   */
  hoursKey: number;
}

export interface BadgeWindow {
  /** The group's bucket key, or 0 for a whole-period row. */
  key: number;
  startMs: number;
  endMs: number;
}

export type FigureMetric = Exclude<ConversationMetric, { kind: 'badge' }>;

/** Where a metric's value and cohort are in a result row. */
export const valueColumn = (metric: FigureMetric) => metric.id;
export const cohortColumn = (metric: FigureMetric) => `${metric.id}__cohort`;
/** The latest first response (ms since the epoch) of the conversations a metrics query timed. */
export const LATEST_REPLY_COLUMN = 'latest_reply_ms';

const ANSWERED = 'reply_us IS NOT NULL';

/**
 * The aggregates of these metrics' values, and each value as a column over their result. The
 * quantiles of one clock share one list-form quantile_cont: one sort per group for the median and
 * the p90 instead of one each. The cohorts (distinct customers) come from sampleAggregates: as
 * count(DISTINCT) aggregates beside the quantiles they took most of the query.
 */
function valueAggregates(metrics: readonly FigureMetric[]): { aggregates: string[]; values: string[] } {
  const quantiles = new Map<string, number[]>();
  const aggregates: string[] = [];
  const values = metrics.map((metric) => {
    switch (metric.kind) {
      case 'count':
        aggregates.push(`CAST(count(*) AS INTEGER) AS ${valueColumn(metric)}`);
        return valueColumn(metric);
      case 'rate':
        // count(*) FILTER, not count_if: count_if over only NULLs (nothing answered) is NULL, not 0.
        aggregates.push(`CAST(count(*) FILTER (WHERE frt_s <= ${Number(metric.answeredWithinS)}) AS DOUBLE) / nullif(count(*), 0) AS ${valueColumn(metric)}`);
        return valueColumn(metric);
      case 'quantile': {
        const column = metric.clock === 'calendar' ? 'frt_s' : 'frt_bh_s';
        const qs = quantiles.get(column) ?? [];
        quantiles.set(column, [...qs, Number(metric.q)]);
        return `${column}_quantiles[${qs.length + 1}] AS ${valueColumn(metric)}`;
      }
    }
  });
  for (const [column, qs] of quantiles) aggregates.push(`quantile_cont(${column}, [${qs.join(', ')}]) AS ${column}_quantiles`);
  return { aggregates, values };
}

/**
 * Per group: its distinct customers, and those with an answered conversation, for suppression
 * only (./cohortSample.ts). The groups the sample leaves open are counted from `counted`: a second
 * reading of the conversations without the opening hours, joined to those groups only. At 10M
 * events, 90 days, grouping every conversation's customer for exact counts took ~170 ms of the
 * overview; the samples take ~30 ms.
 */
function sampleAggregates(k: number): string[] {
  return [
    `${sampledCustomersSql(k)} AS sampled_customers`,
    `${sampledCustomersSql(k, ` FILTER (WHERE ${ANSWERED})`)} AS sampled_answered_customers`,
    'count(customer) AS customer_rows',
    `count(customer) FILTER (WHERE ${ANSWERED}) AS answered_customer_rows`,
  ];
}

function countedSql(source: string, keys: readonly string[], groupBy: string, k: number): string {
  const unsettled = (distinct: string, rows: string) => `NOT ${cohortSettledSql(distinct, rows, k)}`;
  // A row is in an unsettled group when it has the group's values in the columns the group uses.
  const inGroup = keys.map((c) => (c === 'business' ? 'r.business = u.business' : `(u.${c} IS NULL OR r.${c} = u.${c})`)).join(' AND ');
  return `counted AS (
  SELECT ${keys.join(', ')}, count(DISTINCT customer) AS customers, count(DISTINCT customer) FILTER (WHERE ${ANSWERED}) AS answered_customers
  FROM ${source} r SEMI JOIN (
    SELECT ${keys.join(', ')} FROM figures
    WHERE ${unsettled('sampled_customers', 'customer_rows')} OR ${unsettled('sampled_answered_customers', 'answered_customer_rows')}
  ) AS u ON ${inGroup}
  GROUP BY ${groupBy}
)`;
}

/** The cohort of one count: the sample's when it settles it, else the exact one. */
function cohortValue(sampled: string, rows: string, exact: string, k: number): string {
  return `CAST(CASE WHEN ${cohortSettledSql(`figures.${sampled}`, `figures.${rows}`, k)} THEN figures.${sampled} ELSE counted.${exact} END AS INTEGER)`;
}

/**
 * Each metric's cohort column: the customers of the answered conversations for a quantile (FRT
 * is computed from those), of all of them otherwise.
 */
const cohortColumns = (metrics: readonly FigureMetric[], k: number) => metrics.map((metric) => (metric.kind === 'quantile'
  ? `${cohortValue('sampled_answered_customers', 'answered_customer_rows', 'answered_customers', k)} AS ${cohortColumn(metric)}`
  : `${cohortValue('sampled_customers', 'customer_rows', 'customers', k)} AS ${cohortColumn(metric)}`));

/** The customer-initiated conversations started in [startMs, endMs), with their instants in µs. */
function conversationsSql(scope: ConversationMetricsScope, startMs: number, params: Params): string {
  const filters = [
    'started_at = first_at',
    `started_at >= CAST(${params.add(isoOfMs(startMs))} AS TIMESTAMPTZ)`,
    `started_at < CAST(${params.add(isoOfMs(scope.endMs))} AS TIMESTAMPTZ)`,
    ...(scope.business === undefined ? [] : [`business = ${params.add(scope.business)}`]),
    ...(scope.channel === undefined ? [] : [`channel = ${params.add(scope.channel)}`]),
  ];
  return `SELECT business, channel, customer, started_at,
         epoch_us(started_at) AS start_us, epoch_us(replied_at) AS reply_us, frt_bh_s AS stored_frt_bh_s, frt_bh_hours_key
  FROM ${CURRENT_CONVERSATION_FACTS} AS conversation_facts
  WHERE ${filters.join('\n    AND ')}`;
}

/**
 * The customer-initiated conversations started in [startMs, endMs), with their calendar response
 * time, and the business-hours one when `businessHours` (two joins to the opening hours, which
 * metrics on the calendar clock alone, like the badge's, do without).
 */
function timedConversations(scope: ConversationMetricsScope, startMs: number, params: Params, businessHours = true): string {
  const conv = `conv AS (\n  ${conversationsSql(scope, startMs, params)}\n)`;
  if (!businessHours) {
    return `${conv},
timed AS (
  SELECT business, channel, customer, started_at, reply_us, (reply_us - start_us) / 1e6 AS frt_s, NULL::DOUBLE AS frt_bh_s FROM conv
)`;
  }
  const scheduled = scope.scheduled.length === 0 ? 'false' : `c.business IN (${scope.scheduled.map(literal).join(', ')})`;
  if (!Number.isSafeInteger(scope.hoursKey)) throw new Error(`not an hours key: ${scope.hoursKey}`);
  // Answered conversations whose stored timing is missing or under other hours: only these are
  // joined to the opening hours (two joins each, the costliest part of the query when every
  // conversation took them). One integer comparison decides it: a test per business (an IN list
  // of keys or of businesses) became joins of its own, as costly as the ones it saved.
  const timedNow = `c.reply_us IS NOT NULL AND c.frt_bh_hours_key IS DISTINCT FROM ${scope.hoursKey}`;
  return `hours AS (
  ${openSegmentsSql(scope.hours, scope.hoursUntilMs, (value) => params.add(value))}
),
${conv},
at_start AS (
  SELECT c.*, ${openSecondsUpTo('h', 'c.start_us')} AS open_before_start
  FROM conv c LEFT JOIN hours h ON ${segmentHolding('h', 'c', 'c.start_us')}
  WHERE ${timedNow}
),
timed AS (
  SELECT c.business, c.channel, c.customer, c.started_at, c.reply_us,
         (c.reply_us - c.start_us) / 1e6 AS frt_s,
         c.stored_frt_bh_s AS frt_bh_s
  FROM conv c
  WHERE NOT (${timedNow})
  UNION ALL
  SELECT c.business, c.channel, c.customer, c.started_at, c.reply_us,
         (c.reply_us - c.start_us) / 1e6 AS frt_s,
         CASE WHEN ${scheduled} THEN ${businessSecondsSql(openSecondsUpTo('h', 'c.reply_us'), 'c.open_before_start')} END AS frt_bh_s
  FROM at_start c LEFT JOIN hours h ON ${segmentHolding('h', 'c', 'c.reply_us')}
)`;
}

export const FIGURE_METRICS = CONVERSATION_METRICS.filter((m): m is FigureMetric => m.kind !== 'badge');

/**
 * Every conversation metric but the badge, per business (and channel, and day/week): for each
 * of `groupings`, in one query. Several groupings are GROUPING SETS over the same timed
 * conversations (./compileSql.ts groupingColumns).
 */
export function compileConversationMetrics(
  scope: ConversationMetricsScope,
  k: number,
  groupings: readonly EventGrouping[],
  metrics: readonly FigureMetric[] = FIGURE_METRICS,
): SqlQuery {
  if (!Number.isInteger(k) || k < 1) throw new Error(`k must be a positive integer, got ${k}`);
  const params = new Params();
  const { keys, bucket: granularity, groupBy } = groupingColumns(groupings);
  const bucket = granularity ? `, ${bucketSql(granularity, 'started_at')} AS bucket` : '';
  const { aggregates, values } = valueAggregates(metrics);
  const latestReply = `CAST(max(reply_us) / 1000 AS DOUBLE) AS ${LATEST_REPLY_COLUMN}`;
  // The figures and the cohort samples are one aggregate over one reading of the timed
  // conversations: nothing needs them twice, so nothing is materialized (that took ~150 ms of CPU
  // for 815k rows at 10M events, 90 days).
  const sql = `WITH ${timedConversations(scope, scope.startMs, params)},
conv_customers AS (
  ${conversationsSql(scope, scope.startMs, params)}
),
figures AS (
  SELECT ${[...keys, ...aggregates, latestReply, ...sampleAggregates(k)].join(',\n         ')}
  FROM (SELECT *${bucket} FROM timed)
  GROUP BY ${groupBy()}
),
${countedSql(`(SELECT *${bucket} FROM conv_customers)`, keys, groupBy(), k)}
SELECT ${[...keys.map((c) => `figures.${c}`), ...values, ...cohortColumns(metrics, k), LATEST_REPLY_COLUMN].join(',\n       ')}
FROM figures LEFT JOIN counted ON ${sameGroup('figures', 'counted', keys)}`;
  return { sql, params: params.values };
}

/** One grouping's badge windows: per business (and channel), one row per window key. */
export interface BadgeGrouping {
  byChannel: boolean;
  windows: readonly BadgeWindow[];
}

/**
 * The badge's inputs over each window (the 7 days ending at a row's `to`), per business (and
 * channel), for every grouping in one query: one row per (grouping, group, window key), the
 * grouping's index in `grouping`. The conversations are read and timed once for all of them.
 * Values only: the badge is never suppressed.
 */
export function compileBadgeInputs(
  scope: ConversationMetricsScope, groupings: readonly BadgeGrouping[], metrics: readonly FigureMetric[],
): SqlQuery {
  const params = new Params();
  const earliest = Math.min(...groupings.flatMap((g) => g.windows.map((w) => w.startMs)));
  // Windows are whole UTC days: a conversation joins the windows of its start day by equality
  // (an inequality join of every conversation with every window took twice as long).
  const dayOf = (ms: number) => {
    if (ms % DAY_MS !== 0) throw new Error('badge windows are whole UTC days');
    return ms / DAY_MS;
  };
  const windowRows = groupings.flatMap((g, i) => g.windows.map((w) => `(${i}, ${Math.trunc(w.key)}, ${dayOf(w.startMs)}, ${dayOf(w.endMs)})`)).join(', ');
  const anyChannel = groupings.some((g) => g.byChannel);
  const { aggregates, values } = valueAggregates(metrics);
  const businessHours = metrics.some((m) => m.kind === 'quantile' && m.clock === 'business');
  const source = groupings.length > 1 ? 'timed_once' : 'timed';
  const branch = (g: BadgeGrouping, i: number) => {
    const groupBy = ['business', ...(g.byChannel ? ['channel'] : []), 'bucket'];
    const keys = [`${i} AS grouping`, 'business', ...(g.byChannel ? ['channel'] : anyChannel ? ['NULL AS channel'] : []), 'w.key AS bucket'];
    return `SELECT ${[...keys, ...aggregates].join(',\n         ')}
  FROM ${source} AS timed JOIN window_days w ON w.grouping = ${i} AND ${daySql('timed.started_at')} = w.day
  GROUP BY ${groupBy.join(', ')}`;
  };
  const sql = `WITH ${timedConversations(scope, earliest, params, businessHours)},${groupings.length > 1 ? '\ntimed_once AS MATERIALIZED (SELECT * FROM timed),' : ''}
window_days AS (SELECT grouping, key, unnest(range(first_day, end_day)) AS day FROM (VALUES ${windowRows}) AS v(grouping, key, first_day, end_day))
SELECT ${['grouping', 'business', ...(anyChannel ? ['channel'] : []), 'bucket', ...values].join(', ')}
FROM (
  ${groupings.map(branch).join('\n  UNION ALL\n  ')}
)`;
  return { sql, params: params.values };
}
