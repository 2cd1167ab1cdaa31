import { CATEGORY_BITS, SENDER_BITS, TYPE_BITS } from '../activityKinds';
import { occurredBetween } from './occurredBetween';
import { EVENTS_TABLE } from './schema';
import { literal } from './sqlLiteral';

/**
 * The first report SQL on ClickHouse (./schema.ts): the `events` metrics that are distinct counts
 * of customers or conversations (reports/metrics/compileSql.ts computes the same figures over
 * DuckDB's activity days), and the period's events per type. Pure functions: scope in, SQL text
 * out, every value inlined through ./sqlLiteral.ts, in the SQL both ClickHouse 18.16 and 26.x
 * accept (no CTE, no window function, no GROUPING SETS, every subquery aliased).
 *
 * Each event is read once: FROM events FINAL collapses the copies of an event that unmerged parts
 * still hold. (A distinct count would not change with an identical copy, but a copy is only
 * known to be identical once collapsed, and the per-type counts need it anyway.)
 *
 * A count is given as its activity-bit mask (db/activityKinds.ts; reports/metrics/kindsMask.ts
 * turns a metric's filter into one): "customers with a matching event" is "customers whose events'
 * kinds, OR-ed together, share a bit with the mask", as on DuckDB's customer_days. Per key and
 * group, one groupBitOr; per group, one countIf per figure.
 */

export interface EventMetricsScope {
  /** The period's first instant and the instant after it: UTC midnights, in epoch ms. */
  startMs: number;
  endMs: number;
  /** One business (the business report); undefined: every business (the overview). */
  business?: string;
  channel?: string;
  /** Group by channel too, and/or by UTC day or ISO week (the Monday's day number). */
  byChannel?: boolean;
  bucket?: 'day' | 'week';
}

export interface DistinctCountColumn {
  /** The result column's name (a plain identifier). */
  name: string;
  distinct: 'customer' | 'conversation';
  /** Activity bits (db/activityKinds.ts) any of which an event must have to count its key. */
  mask: number;
}

const DAY_US = 86_400_000_000;
const DAY_MS = 86_400_000;
const NAME = /^[a-z][a-z0-9_]{0,62}$/;

/** `kindsSql` (db/activityKinds.ts) of an events row, as ClickHouse SQL. */
export function kindsExpression(): string {
  const lookup = (column: string, bits: ReadonlyMap<string, number>) =>
    `transform(${column}, [${[...bits.keys()].map(literal).join(', ')}], [${[...bits.values()].map((b) => `toUInt32(${b})`).join(', ')}], toUInt32(0))`;
  const type = lookup('type', TYPE_BITS);
  const sender = `if(type = 'message.sent', ${lookup("ifNull(sender, '')", SENDER_BITS)}, toUInt32(0))`;
  const category = lookup("ifNull(category, '')", CATEGORY_BITS);
  return `bitOr(bitOr(${type}, ${sender}), ${category})`;
}

function checkScope(scope: EventMetricsScope): void {
  for (const bound of [scope.startMs, scope.endMs]) {
    if (!Number.isInteger(bound / DAY_MS)) throw new Error(`a period bound must be a UTC midnight: ${new Date(bound).toISOString()}`);
  }
  if (scope.endMs <= scope.startMs) throw new Error('the period must end after it starts');
}

/**
 * The scope's events with `columns` (expressions over the events table): each once (FINAL) by
 * default; `{ final: false }` for callers whose every aggregate gives the same with a copy of an
 * event read twice (groupBitOr per key, distinct counts), which spares FINAL's merge of the parts.
 */
export function scopedEventsSql(scope: EventMetricsScope, columns: readonly string[], options: { final?: boolean } = {}): string {
  checkScope(scope);
  const conditions = [
    ...occurredBetween(scope.startMs, scope.endMs),
    ...(scope.business === undefined ? [] : [`business = ${literal(scope.business)}`]),
    ...(scope.channel === undefined ? [] : [`channel = ${literal(scope.channel)}`]),
  ];
  return `SELECT ${columns.join(', ')}
    FROM ${EVENTS_TABLE}${options.final === false ? '' : ' FINAL'}
    WHERE ${conditions.join('\n      AND ')}`;
}

/** The grouping columns of a scope, in order: business, then channel and/or bucket. */
export function groupKeys(scope: EventMetricsScope): string[] {
  return ['business', ...(scope.byChannel ? ['channel'] : []), ...(scope.bucket ? ['bucket'] : [])];
}

/** The UTC day (days since 1970), or the Monday of its ISO week, of an instant column in microseconds. */
export function bucketOfMicrosSql(bucket: 'day' | 'week', micros: string): string {
  const day = `toInt64(intDiv(${micros}, ${DAY_US}))`;
  // A week is named by its Monday (1970-01-01 was a Thursday), as reports/metrics/compileSql.ts does.
  return bucket === 'day' ? day : `${day} - ((${day} + 3) % 7)`;
}

function bucketExpression(bucket: 'day' | 'week' | undefined): string[] {
  return bucket === undefined ? [] : [`${bucketOfMicrosSql(bucket, 'occurred_us')} AS bucket`];
}

/**
 * Per group (business, and channel / bucket when asked for), each count of distinct customers or
 * conversations with an event matching its mask. Groups are those with any event in the scope;
 * a count without a match there is 0.
 */
export function eventMetricsSql(scope: EventMetricsScope, counts: readonly DistinctCountColumn[]): string {
  if (counts.length === 0) throw new Error('at least one count');
  for (const count of counts) {
    if (!NAME.test(count.name)) throw new Error(`not a column name: ${JSON.stringify(count.name)}`);
    if (!Number.isInteger(count.mask) || count.mask <= 0) throw new Error(`${count.name}: a mask is a positive integer`);
  }
  const keys = groupKeys(scope);
  // Only groupBitOr per key over these rows: a copy of an event changes nothing.
  const events = scopedEventsSql(scope, [
    'business', 'channel', ...bucketExpression(scope.bucket), 'customer', 'conversation', `${kindsExpression()} AS kinds`,
  ], { final: false });
  // One row per (group, family, key) with its kinds combined: a key counts once per group.
  const keyed = (family: 'customer' | 'conversation', key: string, where: string) => `SELECT ${keys.join(', ')}, '${family}' AS family, ${key} AS key, groupBitOr(kinds) AS kinds
    FROM (${events}) AS scoped_${family}
    ${where}GROUP BY ${keys.join(', ')}, key`;
  const families = new Set(counts.map((c) => c.distinct));
  // The customers are always read: every event has one, so their groups are the scope's groups.
  const parts = [keyed('customer', 'customer', '')];
  if (families.has('conversation')) parts.push(keyed('conversation', 'assumeNotNull(conversation)', 'WHERE conversation IS NOT NULL\n    '));
  const figures = counts.map((c) => `countIf(family = '${c.distinct}' AND bitAnd(kinds, ${c.mask}) != 0) AS ${c.name}`);
  return `SELECT ${keys.join(', ')},
  ${figures.join(',\n  ')}
FROM (
  ${parts.join('\n  UNION ALL\n  ')}
) AS keyed
GROUP BY ${keys.join(', ')}
ORDER BY ${keys.join(', ')}`;
}

/** Per group and event type, the scope's events, each counted once. */
export function eventCountsSql(scope: EventMetricsScope): string {
  const keys = groupKeys(scope);
  const events = scopedEventsSql(scope, ['business', 'channel', ...bucketExpression(scope.bucket), 'type']);
  return `SELECT ${keys.join(', ')}, type, count() AS events
FROM (${events}) AS scoped
GROUP BY ${keys.join(', ')}, type
ORDER BY ${keys.join(', ')}, type`;
}
