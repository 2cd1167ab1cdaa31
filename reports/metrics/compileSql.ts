import { DAY_US, isoOfMs, type Granularity, type PeriodBounds } from '../period';
import type { Channel } from '../vocabulary';
import { cohortOf, EVENT_METRICS, type DistinctCount, type EventFilter, type EventMetric } from './definitions';
import { literal, literalList, Params, type SqlQuery } from './sqlText';

/**
 * Compiles the `events` metrics of ./definitions.ts into ONE aggregate query over the period's
 * events, grouped by business (and optionally channel and day/week). Pure: text and parameters
 * only, no I/O, so it is tested without a database.
 *
 * Shape:
 *   ev     = the period's events, with `message` = the platform message id, or the event id for a
 *            sent message without one (each such send is its own message: it counts in the
 *            delivery denominator and can never be matched with a status)
 *   status = per message id of those businesses, whether a delivered/read event exists (any time)
 *   SELECT business[, channel][, bucket], count(DISTINCT x) FILTER (WHERE ...) AS mN, ...
 * One scan and one GROUP BY: no window function over all events. The join's ON clause holds
 * only the equalities: a type test there made DuckDB fall back from a hash join (120 s instead
 * of 0.3 s on 300k events), so "only sent messages carry a status" is a CASE instead.
 */

export interface EventScope extends PeriodBounds {
  /** Only this business (the per-business report); undefined: every business (overview). */
  business?: string;
  channel?: Channel;
}

export interface EventGrouping {
  byChannel?: boolean;
  bucket?: Granularity;
}

/** Where each metric's numbers are found in a result row (aliases of the SELECT list). */
export interface EventMetricColumns {
  /** For a count. */
  value?: string;
  /** For a rate. */
  numerator?: string;
  denominator?: string;
  /** Distinct customers the figure is computed from. */
  cohort: string;
}

export interface CompiledEventMetrics extends SqlQuery {
  columns: Record<string, EventMetricColumns>;
  /** The grouping columns, in order: business, then channel and/or bucket when asked for. */
  keys: string[];
}

export function compileFilter(where: EventFilter): string {
  const parts = [where.types.length === 1 ? `type = ${literal(where.types[0]!)}` : `type IN (${literalList(where.types)})`];
  if (where.senders) parts.push(`sender IN (${literalList(where.senders)})`);
  if (where.categories) parts.push(`category IN (${literalList(where.categories)})`);
  if (where.status === 'delivered') parts.push('has_delivered');
  if (where.status === 'read') parts.push('has_read');
  return parts.join(' AND ');
}

export function compileDistinctCount(count: DistinctCount): string {
  return `CAST(count(DISTINCT ${count.distinct}) FILTER (WHERE ${compileFilter(count.where)}) AS INTEGER)`;
}

/** Day number (UTC days since the epoch) of occurred_at, or the Monday of its ISO week. */
export function bucketSql(granularity: Granularity, column = 'occurred_at'): string {
  const day = `CAST(epoch_us(${column}) // ${DAY_US} AS INTEGER)`;
  return granularity === 'day' ? day : `(${day} - ((${day} + 3) % 7))`;
}

export function compileEventMetrics(
  scope: EventScope,
  grouping: EventGrouping = {},
  metrics: readonly EventMetric[] = EVENT_METRICS,
): CompiledEventMetrics {
  const params = new Params();
  const start = params.add(isoOfMs(scope.startMs));
  const end = params.add(isoOfMs(scope.endMs));
  const business = scope.business === undefined ? undefined : params.add(scope.business);
  const channel = scope.channel === undefined ? undefined : params.add(scope.channel);

  // Identical expressions (e.g. "customers sent a message" behind five rates) are computed once.
  const aliases = new Map<string, string>();
  const alias = (count: DistinctCount) => {
    const expression = compileDistinctCount(count);
    let name = aliases.get(expression);
    if (!name) {
      name = `m${aliases.size}`;
      aliases.set(expression, name);
    }
    return name;
  };
  const columns: Record<string, EventMetricColumns> = {};
  for (const metric of metrics) {
    columns[metric.id] = metric.kind === 'count'
      ? { value: alias(metric.count), cohort: alias(cohortOf(metric)) }
      : { numerator: alias(metric.numerator), denominator: alias(metric.denominator), cohort: alias(cohortOf(metric)) };
  }

  const keys = ['business', ...(grouping.byChannel ? ['channel'] : []), ...(grouping.bucket ? ['bucket'] : [])];
  const scopeSql = [
    ...(business ? [`business = ${business}`] : []),
    ...(channel ? [`channel = ${channel}`] : []),
  ];
  const sql = `WITH ev AS (
  SELECT business, channel, customer, type, sender, category, conversation,
         coalesce(message, event_id) AS message${grouping.bucket ? `,\n         ${bucketSql(grouping.bucket)} AS bucket` : ''}
  FROM events
  WHERE occurred_at >= CAST(${start} AS TIMESTAMPTZ) AND occurred_at < CAST(${end} AS TIMESTAMPTZ)${scopeSql.map((s) => `\n    AND ${s}`).join('')}
),
status AS (
  SELECT business, message,
         bool_or(type IN (${literalList(['message.delivered', 'message.read'])})) AS has_delivered,
         bool_or(type = ${literal('message.read')}) AS has_read
  FROM events
  WHERE type IN (${literalList(['message.delivered', 'message.read'])}) AND message IS NOT NULL${business ? `\n    AND business = ${business}` : ''}
    AND message IN (SELECT message FROM ev WHERE type = ${literal('message.sent')})
  GROUP BY business, message
),
facts AS (
  SELECT ev.*,
         CASE WHEN ev.type = ${literal('message.sent')} THEN status.has_delivered END AS has_delivered,
         CASE WHEN ev.type = ${literal('message.sent')} THEN status.has_read END AS has_read
  FROM ev LEFT JOIN status ON status.business = ev.business AND status.message = ev.message
)
SELECT ${keys.join(', ')},
       ${[...aliases].map(([expression, name]) => `${expression} AS ${name}`).join(',\n       ')}
FROM facts
GROUP BY ${keys.join(', ')}
ORDER BY ${keys.join(', ')}`;
  return { sql, params: params.values, columns, keys };
}

/** A result row's figures for one events metric: value (rates: null on a zero denominator) and cohort. */
export function readEventMetric(metric: EventMetric, columns: EventMetricColumns, row: Record<string, unknown> | undefined): { value: number | null; cohort: number } {
  const num = (alias: string | undefined) => Number(alias && row ? (row[alias] ?? 0) : 0);
  const cohort = num(columns.cohort);
  if (metric.kind === 'count') return { value: num(columns.value), cohort };
  const denominator = num(columns.denominator);
  return { value: denominator === 0 ? null : num(columns.numerator) / denominator, cohort };
}
