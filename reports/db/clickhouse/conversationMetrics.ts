import type { OpenInterval } from '../../../db/openingHoursSql';
import { bucketOfMicrosSql } from '../../../db/clickhouse/eventMetricsSql';
import { conversationFactsSql } from '../../../db/clickhouse/factsSql';
import { literal } from '../../../db/clickhouse/sqlLiteral';
import { groupingColumns, type EventGrouping } from '../../metrics/compileSql';
import {
  cohortColumn, FIGURE_METRICS, LATEST_REPLY_COLUMN, valueColumn, type ConversationMetricsScope, type FigureMetric,
} from '../../metrics/conversationMetricsSql';
import type { SqlQuery } from '../../metrics/sqlText';

/**
 * compileConversationMetrics (reports/metrics/conversationMetricsSql.ts) on ClickHouse: the
 * customer-initiated conversations started in the period, from the conversations' facts computed
 * from the events, with the same result columns. In the SQL 18.16 accepts:
 *
 * - Quantiles are DuckDB's quantile_cont, computed from the sorted answered times
 *   (arraySort(groupArray)) with DuckDB's arithmetic (quantileOf), so the figures are the same
 *   doubles. (quantileExactInclusive, which would interpolate so, is not in 18.16.)
 * - The business-hours clock: each business's opening intervals travel as three arrays (opens,
 *   closes, open seconds before), sorted by opening; the open seconds up to an instant are those
 *   before the last interval opening at or before it (arrayCount of the openings up to it) plus
 *   its part of that interval, as DuckDB's segment join computes them.
 * - Cohorts are exact distinct counts (uniqExact). DuckDB's are exact below k and otherwise some
 *   number of at least k (its sample): the suppression they decide is the same.
 */

/**
 * Per business, its intervals as SQL arrays; a business with none (or not scheduled) gets empty
 * ones. One constant array of arrays, picked by the business's position: its numbers are plain
 * literals under one CAST, because ClickHouse 18.16 analyses a function call per element (a
 * toInt64(...) each) in every subquery level, which took seconds for a 90-day report of a dozen
 * businesses, and a multiIf of arrays would build every business's array for every row.
 */
function hoursArrays(hours: readonly OpenInterval[]): { opens: string; closes: string; before: string } {
  const byBusiness = new Map<string, OpenInterval[]>();
  for (const h of hours) byBusiness.set(h.business, [...(byBusiness.get(h.business) ?? []), h]);
  const ids = `[${[...byBusiness.keys()].map((business) => literal(business)).join(', ')}]`;
  const pick = (type: 'Int64' | 'Float64', element: (h: OpenInterval) => number) => {
    if (byBusiness.size === 0) return `emptyArray${type}()`;
    const arrays = [...byBusiness.values()].map((list) => `[${list.map((h) => numberLiteral(element(h))).join(', ')}]`);
    return `arrayElement(CAST([${arrays.join(', ')}] AS Array(Array(${type}))), indexOf(${ids}, business))`;
  };
  return {
    opens: pick('Int64', (h) => Math.round(h.openMs) * 1000),
    closes: pick('Int64', (h) => Math.round(h.closeMs) * 1000),
    before: pick('Float64', (h) => Number(h.secondsBefore)),
  };
}

/** A finite number as a SQL literal (never an exponent form that could lose digits as text). */
function numberLiteral(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  return Number.isInteger(value) ? value.toFixed(0) : String(value);
}

/** Open seconds up to the instant `at` (a column of Int64 microseconds), its interval's index in `index`. */
const openUpTo = (at: string, index: string) =>
  `if(${index} = 0, toFloat64(0), arrayElement(seconds_before, ${index}) + (least(${at}, arrayElement(closes, ${index})) - arrayElement(opens, ${index})) / 1e6)`;

/** The customer-initiated conversations started in [startMs, endMs), timed: frt_s, and frt_bh_s for scheduled businesses. */
export function timedConversationsSql(scope: ConversationMetricsScope, startMs: number, businessHours = true): string {
  const filters = [
    'has_received = 1', 'started_us = first_us',
    `started_us >= ${startMs * 1000}`, `started_us < ${scope.endMs * 1000}`,
    ...(scope.channel === undefined ? [] : [`channel = ${literal(scope.channel)}`]),
  ];
  const conversations = `SELECT business, channel, customer, toInt64(started_us) AS start_us, has_reply, toInt64(replied_us) AS reply_us
    FROM (${conversationFactsSql({ business: scope.business, period: { startMs, endMs: scope.endMs } })}) AS facts
    WHERE ${filters.join(' AND ')}`;
  const frt = 'if(has_reply = 1, (reply_us - start_us) / 1e6, NULL)';
  if (!businessHours) return `SELECT *, ${frt} AS frt_s, CAST(NULL AS Nullable(Float64)) AS frt_bh_s FROM (${conversations}) AS conv`;
  const scheduled = scope.scheduled.length === 0 ? '0' : `business IN (${scope.scheduled.map((b) => literal(b)).join(', ')})`;
  const arrays = hoursArrays(scope.hours);
  // Rounded to the microsecond, as DuckDB's (see compileConversationMetrics), with DuckDB's
  // arithmetic: round(x * 1e6) / 1e6 (ClickHouse's round(x, 6) may differ in the last bit).
  return `SELECT business, channel, customer, start_us, has_reply, reply_us, ${frt} AS frt_s,
      if(has_reply = 1 AND ${scheduled}, round((${openUpTo('reply_us', 'at_reply')} - ${openUpTo('start_us', 'at_start')}) * 1e6) / 1e6, NULL) AS frt_bh_s
    FROM (
      SELECT *, arrayCount(x -> x <= start_us, opens) AS at_start, arrayCount(x -> x <= reply_us, opens) AS at_reply
      FROM (
        SELECT *, ${arrays.opens} AS opens, ${arrays.closes} AS closes, ${arrays.before} AS seconds_before
        FROM (${conversations}) AS conv
      ) AS with_hours
    ) AS placed`;
}

/**
 * DuckDB's quantile_cont of a sorted array at q: the value at position q * (n - 1), or between
 * its neighbours as lo * (1 - f) + hi * f (the form DuckDB 1.5 computes: lo + (hi - lo) * f
 * differs in the last bit); NULL when empty.
 */
function quantileOf(sorted: string, q: number): string {
  const position = `(length(${sorted}) - 1) * ${q}`;
  const lo = `arrayElement(${sorted}, toUInt64(floor(${position})) + 1)`;
  const hi = `arrayElement(${sorted}, toUInt64(ceil(${position})) + 1)`;
  const fraction = `(${position} - floor(${position}))`;
  return `if(length(${sorted}) = 0, NULL, if(floor(${position}) = ceil(${position}), ${lo}, ${lo} * (1 - ${fraction}) + ${hi} * ${fraction}))`;
}

/** The aggregates per group, and each metric's value over them. */
export function conversationFigures(metrics: readonly FigureMetric[]): { aggregates: string[]; values: string[] } {
  const sorted = new Set<string>();
  const values = metrics.map((metric) => {
    switch (metric.kind) {
      case 'count':
        return `conversations AS ${valueColumn(metric)}`;
      case 'rate':
        return `countIf_${metric.id} / conversations AS ${valueColumn(metric)}`;
      case 'quantile': {
        const column = metric.clock === 'calendar' ? 'frt_s' : 'frt_bh_s';
        sorted.add(column);
        return `${quantileOf(`${column}_sorted`, Number(metric.q))} AS ${valueColumn(metric)}`;
      }
    }
  });
  const aggregates = [
    'count() AS conversations',
    ...metrics.filter((m) => m.kind === 'rate').map((m) => `countIf(has_reply = 1 AND assumeNotNull(frt_s) <= ${Number(m.kind === 'rate' ? m.answeredWithinS : 0)}) AS countIf_${m.id}`),
    // -If over non-Nullable values only (18.16's -If over a Nullable column misreads empty groups).
    ...[...sorted].map((column) => `arraySort(groupArrayIf(assumeNotNull(${column}), isNotNull(${column}))) AS ${column}_sorted`),
    'uniqExact(customer) AS customers',
    'uniqExactIf(customer, has_reply = 1) AS answered_customers',
    `maxIf(reply_us, has_reply = 1) / 1000 AS ${LATEST_REPLY_COLUMN}`,
  ];
  return { aggregates, values };
}

export function clickhouseConversationMetrics(
  scope: ConversationMetricsScope,
  k: number,
  groupings: readonly EventGrouping[],
  metrics: readonly FigureMetric[] = FIGURE_METRICS,
): SqlQuery {
  if (!Number.isInteger(k) || k < 1) throw new Error(`k must be a positive integer, got ${k}`);
  const { keys } = groupingColumns(groupings);
  const distinct = [...new Map(groupings.map((g) => [`${Boolean(g.byChannel)}:${g.bucket ?? ''}`, g])).values()];
  const nullable = distinct.length > 1;
  const { aggregates, values } = conversationFigures(metrics);
  const cohorts = metrics.map((m) => `${m.kind === 'quantile' ? 'answered_customers' : 'customers'} AS ${cohortColumn(m)}`);
  const timed = timedConversationsSql(scope, scope.startMs);
  const branch = (g: EventGrouping) => {
    const key = (column: 'channel' | 'bucket', used: boolean, type: string) => {
      if (!keys.includes(column)) return [];
      if (!used) return [`CAST(NULL AS Nullable(${type})) AS ${column}`];
      return [nullable ? `toNullable(group_${column}) AS ${column}` : `group_${column} AS ${column}`];
    };
    const groupBy = ['business', ...(g.byChannel ? ['channel AS group_channel'] : []), ...(g.bucket ? [`${bucketOfMicrosSql(g.bucket, 'start_us')} AS group_bucket`] : [])];
    return `SELECT ${['business', ...key('channel', Boolean(g.byChannel), 'String'), ...key('bucket', Boolean(g.bucket), 'Int64'), ...values, ...cohorts, LATEST_REPLY_COLUMN].join(',\n    ')}
  FROM (
    SELECT ${[...groupBy, ...aggregates].join(', ')}
    FROM (${timed}) AS timed
    GROUP BY ${groupBy.map((c) => c.split(' AS ').pop()!).join(', ')}
  ) AS grouped`;
  };
  return { sql: `SELECT * FROM (\n  ${distinct.map(branch).join('\n  UNION ALL\n  ')}\n) AS groups`, params: [] };
}
