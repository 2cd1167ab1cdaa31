import { CURRENT_CONVERSATION_FACTS } from '../../db/conversationFacts';
import { CURRENT_MESSAGE_FACTS } from '../../db/messageFacts';
import { daySql } from '../../db/activityDays';
import { isoOfMs, type Granularity, type PeriodBounds } from '../period';
import type { Channel } from '../vocabulary';
import { ATTEMPT_TYPES, cohortOf, CONVERSATION_MESSAGE_TYPES, EVENT_METRICS, type DistinctCount, type EventFilter, type EventMetric } from './definitions';
import { kindsMask } from './kindsMask';
import { groupedPerBusiness, rowsPerBusinessSql } from './perBusiness';
import { dayLiteral, daysInScopeSql, literalList, Params, type SqlQuery } from './sqlText';

/**
 * Compiles the `events` metrics of ./definitions.ts into one query, grouped by business (and
 * optionally channel and day/week). Pure: text and parameters only, no I/O, so it is tested
 * without a database.
 *
 * Every figure is a count of DISTINCT customers, conversations or messages matching a filter.
 * Customers and conversations are counted over the activity days written with the events
 * (db/activityDays.ts: per key and UTC day, the bits of the kinds of event it had), never over
 * the period's events (a GROUP BY on 64-character pseudonyms of every event took most of a 90-day
 * overview). Each family is two small steps:
 *   1. one GROUP BY (keys, x) over the family's days in the period, combining their kinds with
 *      bit_or: "what x did in this group";
 *   2. per group, `count_if(kinds & mask <> 0)` per figure: the groups of step 1 are distinct x,
 *      so this is exactly count(DISTINCT x) FILTER (WHERE the event filter), with no hash table
 *      per figure. Periods are whole UTC days, so "x had a matching event in the period" is
 *      "x had one on one of the period's days".
 * The customers family covers every event of the period and scope, so its groups are exactly the
 * groups the period has (the channels "seen" in it); the other families are LEFT JOINed onto it
 * and count 0 where they have nothing.
 *
 * Messages are not counted from the events: `message_facts` (db/messageFacts.ts) holds one row
 * per message, merged at write time, with the channel, sender and category of its earliest
 * send, the category a delivered/read status reported, whether such a status exists at any time
 * (the status belongs to the message, not to the day it arrived; a send without a platform id is
 * its own message that no status can match), and its earliest failure and whether one was the
 * platform's limit. The counted messages are the attempted ones (attemptedMessagesSql): a message
 * is of the period, channel and day/week of its send, or, without one, of its failure. One row
 * per message, so each count is a count_if over the period's rows.
 * No window function anywhere.
 */

export interface EventScope extends PeriodBounds {
  /** Only this business (the per-business report); undefined: every business (overview). */
  business?: string;
  /** The scope's customer_days rows per business (rowsPerBusinessSql), to group the larger ones alone (without `business`). */
  rowsByBusiness?: ReadonlyMap<string, number>;
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

/** A day number, or the Monday of its ISO week (1970-01-01 was a Thursday). */
export const bucketOfDaySql = (granularity: Granularity, day: string) =>
  (granularity === 'day' ? day : `(${day} - ((${day} + 3) % 7))`);

/** Day number (UTC days since the epoch) of a TIMESTAMPTZ column, or the Monday of its ISO week. */
export const bucketSql = (granularity: Granularity, column: string) => bucketOfDaySql(granularity, daySql(column));

/** The families counted over activity days (db/activityDays.ts); messages over message_facts. */
const EVENT_FAMILIES = ['customer', 'conversation'] as const;
const FAMILY_TABLES = { customer: 'customer_days', conversation: 'conversation_days' } as const;

/** Which message_facts column says a message had an attempt of each type. */
const ATTEMPT_COLUMNS: Readonly<Record<(typeof ATTEMPT_TYPES)[number], string>> = { 'message.sent': 'sent_at', 'message.failed': 'failed_at' };

/**
 * The category a message is billed in: the one a delivered/read status reported corrects the
 * send's (WhatsApp may price a message only with `delivered`). NULL for a message that only failed.
 */
export const EFFECTIVE_CATEGORY_SQL = 'coalesce(status_category, category)';

/**
 * A message count's filter over the columns of attemptedMessagesSql's rows, which are all
 * attempted (a send or a failure): naming both attempt types adds no condition.
 */
export function compileMessageFilter(where: EventFilter): string {
  const columns = where.types.map((type) => {
    const column = (ATTEMPT_COLUMNS as Record<string, string>)[type];
    if (column === undefined) throw new Error(`message counts are of attempted messages (message_facts): types among ${ATTEMPT_TYPES.join(', ')}`);
    return column;
  });
  const parts: string[] = [];
  if (new Set(columns).size === 1) parts.push(`${columns[0]} IS NOT NULL`);
  if (where.senders) parts.push(`sender IN (${literalList(where.senders)})`);
  if (where.categories) parts.push(`${EFFECTIVE_CATEGORY_SQL} IN (${literalList(where.categories)})`);
  if (where.status === 'delivered') parts.push('delivered');
  if (where.status === 'read') parts.push('read');
  // Never NULL in the facts (written false), but a NULL would drop a row from both sides.
  if (where.limited === true) parts.push('limited IS TRUE');
  if (where.limited === false) parts.push('limited IS NOT TRUE');
  return parts.length === 0 ? 'TRUE' : parts.join(' AND ');
}

/**
 * The channel of a message that only failed, in attemptedMessagesSql's rows: the facts take the
 * channel from the send. Not NULL, which marks a grouping set without a channel: its group joins
 * no channel's row, so such messages count in the all-channel figures only.
 */
const NO_CHANNEL = "'?'";

export interface AttemptedScope {
  /** Bound parameters ($n) of the period's first instant and the instant after it. */
  start: string;
  end: string;
  business?: string;
  channel?: string;
}

/**
 * The attempted messages of a period: the message_facts rows with a send in it, and those with
 * no send and their earliest failure in it (a message the platform refused before any send was
 * reported), each with `attempted_at`, the instant its period and bucket are taken from. Two
 * scans joined by UNION ALL rather than one filter on coalesce(sent_at, failed_at): each keeps
 * DuckDB's skipping of row groups by their sent_at (failed_at) range (30 days of 20M synthetic
 * facts, every business: ~110 ms, as with sends alone, against 250-550 ms for the coalesce).
 * With a channel filter, only messages with a send: a failure alone does not tell the channel.
 */
export function attemptedMessagesSql(scope: AttemptedScope): string {
  const inRange = (column: string) => `${column} >= CAST(${scope.start} AS TIMESTAMPTZ) AND ${column} < CAST(${scope.end} AS TIMESTAMPTZ)`;
  const business = scope.business === undefined ? [] : [`business = ${scope.business}`];
  const channel = scope.channel === undefined ? [] : [`channel = ${scope.channel}`];
  const sent = `SELECT *, sent_at AS attempted_at FROM ${CURRENT_MESSAGE_FACTS} AS sent
    WHERE ${[inRange('sent_at'), ...business, ...channel].join(' AND ')}`;
  if (scope.channel !== undefined) return `(${sent})`;
  const failedOnly = `SELECT * REPLACE (${NO_CHANNEL} AS channel), failed_at AS attempted_at FROM ${CURRENT_MESSAGE_FACTS} AS failed
    WHERE ${['sent_at IS NULL', inRange('failed_at'), ...business].join(' AND ')}`;
  return `(${sent}
    UNION ALL
    ${failedOnly})`;
}

/**
 * The grouping columns of several groupings at once: every column any of them uses, and each
 * grouping's own list. One grouping is a plain GROUP BY; several are GROUPING SETS, whose rows
 * carry NULL in the columns their grouping does not use (channel and bucket are never NULL in the
 * data, so a row's NULLs say which grouping it belongs to).
 */
export function groupingColumns(groupings: readonly EventGrouping[]): {
  keys: string[];
  /** The day/week granularity of the groupings that have one. */
  bucket: Granularity | undefined;
  /** The GROUP BY of the groupings plus `extra`; `business` replaces the business column ([] when one business is read at a time). */
  groupBy: (extra?: readonly string[], business?: readonly string[]) => string;
} {
  if (groupings.length === 0) throw new Error('at least one grouping');
  const buckets = new Set(groupings.map((g) => g.bucket).filter((b) => b !== undefined));
  if (buckets.size > 1) throw new Error('one bucket granularity per query');
  const columnsOf = (g: EventGrouping) => ['business', ...(g.byChannel ? ['channel'] : []), ...(g.bucket ? ['bucket'] : [])];
  const bucket = [...buckets][0];
  const keys = columnsOf({ byChannel: groupings.some((g) => g.byChannel), bucket });
  const sets = groupings.map(columnsOf);
  const columns = (set: readonly string[], extra: readonly string[], business: readonly string[]) =>
    [...business, ...set.filter((c) => c !== 'business'), ...extra].join(', ');
  const groupBy = (extra: readonly string[] = [], business: readonly string[] = ['business']) => (sets.length === 1
    ? columns(sets[0]!, extra, business)
    : `GROUPING SETS (${sets.map((set) => `(${columns(set, extra, business)})`).join(', ')})`);
  return { keys, bucket, groupBy };
}

/** A join condition matching rows of `a` and `b` on `keys`, NULL (a column not grouped by) matching NULL. */
export const sameGroup = (a: string, b: string, keys: readonly string[]) =>
  keys.map((k) => `${a}.${k} IS NOT DISTINCT FROM ${b}.${k}`).join(' AND ');

/** A distinct count behind the metrics and the column it is computed in. */
export interface CountColumn {
  name: string;
  count: DistinctCount;
}

/**
 * The distinct counts behind the metrics, each once: identical counts (e.g. "customers sent a
 * message" behind five rates) share one flag and one column. `messageFilter` is the engine's SQL
 * of a message count's filter, which tells message counts apart. Every engine's builder plans its
 * columns here, so the metrics read the same columns whatever computed them.
 */
export function countColumns(
  metrics: readonly EventMetric[],
  messageFilter: (where: EventFilter) => string,
): { counts: CountColumn[]; columns: Record<string, EventMetricColumns> } {
  const counts = new Map<string, CountColumn>();
  const alias = (count: DistinctCount) => {
    const key = count.distinct === 'message' ? `message:${messageFilter(count.where)}` : `${count.distinct}:${kindsMask(count.where)}`;
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
  return { counts: [...counts.values()], columns };
}

export function compileEventMetrics(
  scope: EventScope,
  groupings: readonly EventGrouping[] = [{}],
  metrics: readonly EventMetric[] = EVENT_METRICS,
): CompiledEventMetrics {
  const { keys, bucket, groupBy } = groupingColumns(groupings);
  const byChannel = keys.includes('channel');
  const params = new Params();
  const start = params.add(isoOfMs(scope.startMs));
  const end = params.add(isoOfMs(scope.endMs));
  const business = scope.business === undefined ? undefined : params.add(scope.business);
  const channel = scope.channel === undefined ? undefined : params.add(scope.channel);

  const { counts, columns } = countColumns(metrics, compileMessageFilter);

  // A time range plus the scope's business and channel.
  const inScope = (range: string) => [range, ...(business ? [`business = ${business}`] : []), ...(channel ? [`channel = ${channel}`] : [])].join(' AND ');
  const inPeriodBy = (column: string) => inScope(`${column} >= CAST(${start} AS TIMESTAMPTZ) AND ${column} < CAST(${end} AS TIMESTAMPTZ)`);
  const indent = (lines: string[], by: string) => lines.join(`,\n${by}`);

  const ctes: string[] = [];
  const joins: string[] = [];
  const selected: string[] = [];
  const inDays = inScope(`day >= ${dayLiteral(scope.startMs)} AND day < ${dayLiteral(scope.endMs)}`);
  const dayKeySelect = [...(byChannel ? ['channel'] : []), ...(bucket ? [`${bucketOfDaySql(bucket, 'day')} AS bucket`] : [])];
  for (const family of EVENT_FAMILIES) {
    const entries = counts.filter((e) => e.count.distinct === family);
    // The customers family is the base: it is built even without a figure, for the groups.
    if (entries.length === 0 && family !== 'customer') continue;
    const fromFacts = family === 'conversation' && keys.length === 1 && groupings.length === 1 && channel === undefined &&
      entries.every((e) => kindsMask(e.count.where) === MESSAGE_MASK);
    if (fromFacts) {
      ctes.push(conversationsWithMessagesSql(entries.map((e) => e.name), {
        startedIn: inPeriodBy('first_at'),
        startedBefore: inScope(`first_at < CAST(${start} AS TIMESTAMPTZ) AND (last_at IS NULL OR last_at >= CAST(${start} AS TIMESTAMPTZ))`),
        inDays,
      }));
    } else {
      const anyMask = entries.reduce((mask, e) => mask | kindsMask(e.count.where), 0);
      const counted = entries.map((e) => `CAST(count_if((kinds & ${kindsMask(e.count.where)}) <> 0) AS INTEGER) AS ${e.name}`);
      const kindsFilter = family === 'customer' ? [] : [`(kinds & ${anyMask}) <> 0`];
      ctes.push(`${family}_values AS (
  ${groupedPerBusiness(params, scope.rowsByBusiness, (b) => `SELECT ${[b.select, ...dayKeySelect].join(', ')}, ${family}, bit_or(kinds) AS kinds
  FROM ${FAMILY_TABLES[family]}
  WHERE ${[inDays, ...(b.filter ? [b.filter] : []), ...kindsFilter].join(' AND ')}
  GROUP BY ${groupBy([family], b.keys)}`, business)}
)`);
      ctes.push(`${family}_counts AS (
  SELECT ${keys.join(', ')}${counted.length ? `,\n         ${indent(counted, '         ')}` : ''}
  FROM ${family}_values
  GROUP BY ${keys.join(', ')}
)`);
    }
    if (family === 'customer') selected.push(...entries.map((e) => `customer_counts.${e.name}`));
    else {
      joins.push(`LEFT JOIN ${family}_counts ON ${sameGroup('customer_counts', `${family}_counts`, keys)}`);
      selected.push(...entries.map((e) => `coalesce(${family}_counts.${e.name}, 0) AS ${e.name}`));
    }
  }

  const messageEntries = counts.filter((e) => e.count.distinct === 'message');
  if (messageEntries.length > 0) {
    const messageKeys = ['business', ...(byChannel ? ['channel'] : []), ...(bucket ? [`${bucketSql(bucket, 'attempted_at')} AS bucket`] : [])];
    const counted = messageEntries.map((e) => `CAST(count_if(${compileMessageFilter(e.count.where)}) AS INTEGER) AS ${e.name}`);
    ctes.push(`message_counts AS (
  SELECT ${messageKeys.join(', ')},
         ${indent(counted, '         ')}
  FROM ${attemptedMessagesSql({ start, end, business, channel })} AS message_facts
  GROUP BY ${groupBy()}
)`);
    joins.push(`LEFT JOIN message_counts ON ${sameGroup('customer_counts', 'message_counts', keys)}`);
    selected.push(...messageEntries.map((e) => `coalesce(message_counts.${e.name}, 0) AS ${e.name}`));
  }

  const sql = `WITH ${ctes.join(',\n')}
SELECT ${[...keys.map((k) => `customer_counts.${k}`), ...selected].join(',\n       ')}
FROM customer_counts${joins.map((j) => `\n${j}`).join('')}
ORDER BY ${keys.join(', ')}`;
  return { sql, params: params.values, columns, keys };
}

/** The scope's customer_days rows per business, for compileEventMetrics' `rowsByBusiness`. */
export function compileRowsPerBusiness(scope: EventScope): SqlQuery {
  const params = new Params();
  return { sql: rowsPerBusinessSql(daysInScopeSql(scope, params)), params: params.values };
}

const MESSAGE_MASK = kindsMask({ types: CONVERSATION_MESSAGE_TYPES });

/**
 * The conversations with a message.* event in the period, per business, without grouping every
 * conversation-day of the period (at 10M events, 90 days: ~300 ms). A conversation's facts know
 * its first and last message (db/conversationFacts.ts), so it is either
 *   - one whose first message falls in the period: it has one there, counted from the facts; or
 *   - one that started before the period and whose last message (or an unknown last, NULL) is
 *     at or after its start: only those few can have a message in it, and their days say whether
 *     they do.
 * Nothing else can: a conversation that started after the period, or ended before it, has no
 * message in it. The two sets are disjoint, so the counts add up. Only without a channel filter
 * (the facts do not know every channel of a conversation's events): `where` holds the scope's
 * period and business filters for each part.
 */
function conversationsWithMessagesSql(
  names: readonly string[],
  where: { startedIn: string; startedBefore: string; inDays: string },
): string {
  const sums = names.map((name) => `CAST(sum(n) AS INTEGER) AS ${name}`).join(', ');
  return `conversation_counts AS (
  SELECT business, ${sums}
  FROM (
    SELECT business, count(*) AS n
    FROM ${CURRENT_CONVERSATION_FACTS} AS started
    WHERE ${where.startedIn}
    GROUP BY business
    UNION ALL
    SELECT business, count(DISTINCT conversation) AS n
    FROM conversation_days SEMI JOIN (
      SELECT business, conversation FROM ${CURRENT_CONVERSATION_FACTS} AS earlier WHERE ${where.startedBefore}
    ) AS straddling USING (business, conversation)
    WHERE ${where.inDays} AND (kinds & ${MESSAGE_MASK}) <> 0
    GROUP BY business
  )
  GROUP BY business
)`;
}

/**
 * A result row's figures for one events metric: value (rates: null on a zero denominator) and
 * cohort. A rate over messages has at most as many customers as messages: its cohort, the
 * customers sent a message in the period (cohortOf), is bounded by its denominator, so customers
 * whose every message is left out of it (e.g. all limited) cannot lift a figure from a few
 * customers above k.
 */
export function readEventMetric(metric: EventMetric, columns: EventMetricColumns, row: Record<string, unknown> | undefined): { value: number | null; cohort: number } {
  const num = (alias: string | undefined) => Number(alias && row ? (row[alias] ?? 0) : 0);
  const cohort = num(columns.cohort);
  if (metric.kind === 'count') return { value: num(columns.value), cohort };
  const denominator = num(columns.denominator);
  const bounded = metric.denominator.distinct === 'message' ? Math.min(cohort, denominator) : cohort;
  return { value: denominator === 0 ? null : num(columns.numerator) / denominator, cohort: bounded };
}
