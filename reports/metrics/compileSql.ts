import { DAY_US, isoOfMs, type Granularity, type PeriodBounds } from '../period';
import type { Channel } from '../vocabulary';
import { cohortOf, EVENT_METRICS, type DistinctCount, type EventFilter, type EventMetric } from './definitions';
import { literal, literalList, Params, type SqlQuery } from './sqlText';

/**
 * Compiles the `events` metrics of ./definitions.ts into one query over the period's events,
 * grouped by business (and optionally channel and day/week). Pure: text and parameters only, no
 * I/O, so it is tested without a database.
 *
 * Every figure is a count of DISTINCT customers, conversations or messages matching a filter.
 * Instead of one `count(DISTINCT x) FILTER (...)` per figure over all events (each builds its own
 * hash table of 64-character pseudonyms, and the delivery status had to be joined onto every
 * event first: 13-15 s for 90 days of 3M events), each family of counts (by `distinct` column) is
 * two small steps:
 *   1. one GROUP BY (keys, x) over the family's events, with one boolean flag per filter
 *      (`bool_or(filter)`): "x has at least one matching event in this group";
 *   2. per group, `count_if(flag)`: the groups of step 1 are distinct x, so this is exactly
 *      count(DISTINCT x) FILTER (WHERE filter), without a hash table per figure.
 * The families' counts are joined on the grouping keys. The customers family reads every event of
 * the period and scope, so its groups are exactly the groups the period has (the channels "seen"
 * in it); the other families are LEFT JOINed onto it and count 0 where they have nothing.
 *
 * Messages: `message` is the platform message id, or the event id for a sent message without one
 * (each such send is its own message: it counts in the delivery denominator and can never be
 * matched with a status). A sent message's status is whether a delivered/read event with its id
 * exists, for the same business, at any time and on any channel (the status belongs to the
 * message, not to the day it arrived). Without extra grouping keys (the overview), the sent
 * messages of the period and all status events of the business(es) are grouped by
 * (business, message) in ONE aggregation, so sent flags and status flags meet in the same group
 * with no join (an IN filter plus a LEFT JOIN of the status onto the events took 3.5 s). With a
 * channel or day/week key a message's status has no key of its own, so the status is grouped
 * separately (only for ids among the period's messages) and joined on (business, message) to the
 * period's messages, which are one business's when a per-business report asks for keys.
 * No window function anywhere.
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

/** Day number (UTC days since the epoch) of occurred_at, or the Monday of its ISO week. */
export function bucketSql(granularity: Granularity, column = 'occurred_at'): string {
  const day = `CAST(epoch_us(${column}) // ${DAY_US} AS INTEGER)`;
  return granularity === 'day' ? day : `(${day} - ((${day} + 3) % 7))`;
}

type Family = DistinctCount['distinct'];
const FAMILIES: readonly Family[] = ['customer', 'conversation', 'message'];
const STATUS_TYPES = ['message.delivered', 'message.read'] as const;
/** The value counted for each family, as an expression over `events`. */
const VALUE_SQL: Record<Family, string> = { customer: 'customer', conversation: 'conversation', message: 'coalesce(message, event_id)' };

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

  // Identical counts (e.g. "customers sent a message" behind five rates) are computed once: one
  // flag and one column each.
  const counts = new Map<string, { name: string; count: DistinctCount }>();
  const alias = (count: DistinctCount) => {
    const key = JSON.stringify([count.distinct, compileFilter(count.where)]);
    let entry = counts.get(key);
    if (!entry) {
      entry = { name: `m${counts.size}`, count };
      counts.set(key, entry);
    }
    return entry.name;
  };
  const columns: Record<string, EventMetricColumns> = {};
  for (const metric of metrics) {
    columns[metric.id] = metric.kind === 'count'
      ? { value: alias(metric.count), cohort: alias(cohortOf(metric)) }
      : { numerator: alias(metric.numerator), denominator: alias(metric.denominator), cohort: alias(cohortOf(metric)) };
  }

  const keys = ['business', ...(grouping.byChannel ? ['channel'] : []), ...(grouping.bucket ? ['bucket'] : [])];
  const extraKeys = keys.length > 1;
  const keySelect = ['business', ...(grouping.byChannel ? ['channel'] : []), ...(grouping.bucket ? [`${bucketSql(grouping.bucket)} AS bucket`] : [])];
  const inPeriod = [
    `occurred_at >= CAST(${start} AS TIMESTAMPTZ) AND occurred_at < CAST(${end} AS TIMESTAMPTZ)`,
    ...(business ? [`business = ${business}`] : []),
    ...(channel ? [`channel = ${channel}`] : []),
  ].join(' AND ');
  const indent = (lines: string[], by: string) => lines.join(`,\n${by}`);

  const ctes: string[] = [];
  const joins: string[] = [];
  const selected: string[] = [];
  for (const family of FAMILIES) {
    const entries = [...counts.values()].filter((e) => e.count.distinct === family);
    // The customers family is the base: it is built even without a figure, for the groups.
    if (entries.length === 0 && family !== 'customer') continue;
    const value = VALUE_SQL[family];
    // Status conditions are applied per message after step 1 (has_delivered/has_read are flags
    // of the message, not of an event); the rest of a filter is tested on each event, once per
    // distinct filter (the delivery and read numerators share the denominator's flag).
    const flagOf = new Map<string, string>();
    for (const e of entries) {
      const filter = compileFilter({ ...e.count.where, status: undefined });
      if (!flagOf.has(filter)) flagOf.set(filter, `f${flagOf.size}`);
    }
    const flags = [...flagOf].map(([filter, flag]) => `bool_or(${filter}) AS ${flag}`);
    const anyFilter = [...flagOf.keys()].map((filter) => `(${filter})`).join(' OR ');
    const counted = entries.map((e) => {
      const flag = flagOf.get(compileFilter({ ...e.count.where, status: undefined }))!;
      const status = e.count.where.status === 'delivered' ? ' AND has_delivered' : e.count.where.status === 'read' ? ' AND has_read' : '';
      return `CAST(count_if(${flag}${status} AND x IS NOT NULL) AS INTEGER) AS ${e.name}`;
    });
    const withStatus = family === 'message' && entries.some((e) => e.count.where.status);
    const statusFlags = [
      `bool_or(type IN (${literalList(STATUS_TYPES)}) AND message IS NOT NULL) AS has_delivered`,
      `bool_or(type = ${literal('message.read')} AND message IS NOT NULL) AS has_read`,
    ];

    if (family === 'message' && withStatus && !extraKeys) {
      // Sent messages of the period and every status event of the business(es), in one GROUP BY.
      const inPeriodFlags = [...flagOf].map(([filter, flag]) => `bool_or(${inPeriod} AND (${filter})) AS ${flag}`);
      ctes.push(`${family}_values AS (
  SELECT business, ${value} AS x,
         ${indent([...inPeriodFlags, ...statusFlags], '         ')}
  FROM events
  WHERE (${inPeriod} AND (${anyFilter}))
     OR (type IN (${literalList(STATUS_TYPES)}) AND message IS NOT NULL${business ? ` AND business = ${business}` : ''})
  GROUP BY business, ${value}
)`);
    } else {
      ctes.push(`${family}_values AS (
  SELECT ${keySelect.join(', ')}, ${value} AS x${flags.length ? `,\n         ${indent(flags, '         ')}` : ''}
  FROM events
  WHERE ${inPeriod}${family === 'customer' ? '' : ` AND (${anyFilter})`}
  GROUP BY ${keys.join(', ')}, ${value}
)`);
      if (withStatus) {
        ctes.push(`${family}_status AS (
  SELECT business, message AS x,
         ${indent(statusFlags, '         ')}
  FROM events
  WHERE type IN (${literalList(STATUS_TYPES)}) AND message IS NOT NULL${business ? ` AND business = ${business}` : ''}
    AND message IN (SELECT x FROM ${family}_values)
  GROUP BY business, message
)`);
      }
    }
    const from = withStatus && extraKeys
      ? `${family}_values LEFT JOIN ${family}_status USING (business, x)`
      : `${family}_values`;
    ctes.push(`${family}_counts AS (
  SELECT ${keys.join(', ')}${counted.length ? `,\n         ${indent(counted, '         ')}` : ''}
  FROM ${from}
  GROUP BY ${keys.join(', ')}
)`);
    if (family === 'customer') selected.push(...entries.map((e) => `customer_counts.${e.name}`));
    else {
      joins.push(`LEFT JOIN ${family}_counts USING (${keys.join(', ')})`);
      selected.push(...entries.map((e) => `coalesce(${family}_counts.${e.name}, 0) AS ${e.name}`));
    }
  }

  const sql = `WITH ${ctes.join(',\n')}
SELECT ${[...keys, ...selected].join(',\n       ')}
FROM customer_counts${joins.map((j) => `\n${j}`).join('')}
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
