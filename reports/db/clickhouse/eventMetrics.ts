import { bucketOfMicrosSql, kindsExpression, scopedEventsSql } from '../../../db/clickhouse/eventMetricsSql';
import {
  countColumns, groupingColumns, type CompiledEventMetrics, type CountColumn, type EventGrouping, type EventScope,
} from '../../metrics/compileSql';
import { EVENT_METRICS, type EventMetric } from '../../metrics/definitions';
import { kindsMask } from '../../metrics/kindsMask';
import type { SqlQuery } from '../../metrics/sqlText';
import { attemptedMessagesSql, messageFilterSql } from './attemptedMessages';

/**
 * compileEventMetrics (reports/metrics/compileSql.ts) on ClickHouse: the same result columns
 * (`columns`, `keys`), read from the events table instead of DuckDB's activity days and message
 * facts. Every value is inlined (18.16 has no query parameters): `params` is empty.
 *
 * Per grouping, one aggregate over three kinds of keyed rows joined by UNION ALL: per (group,
 * customer) and (group, conversation) the kinds of its events OR-ed together (as DuckDB's days
 * combined with bit_or), and one row per attempted message with a 0/1 flag per message count.
 * A group is one with a customer (every event has one), as DuckDB's LEFT JOINs onto its customer
 * counts make it. Several groupings are one branch each, joined by UNION ALL (18.16 has no
 * GROUPING SETS), with NULL in the columns a grouping does not use, as GROUPING SETS gives.
 */

/** One grouping's rows: business, then channel and bucket (NULL when `keys` has them and the grouping does not). */
function groupingBranch(scope: EventScope, grouping: EventGrouping, keys: readonly string[], counts: readonly CountColumn[], nullable: boolean): string {
  const groupBy = ['business', ...(grouping.byChannel ? ['group_channel'] : []), ...(grouping.bucket ? ['group_bucket'] : [])];
  const messageCounts = counts.filter((c) => c.count.distinct === 'message');
  const noFlags = messageCounts.map((c) => `toUInt8(0) AS flag_${c.name}`);
  const groupColumns = (channel: string, micros: string) => [
    'business',
    ...(grouping.byChannel ? [`${channel} AS group_channel`] : []),
    ...(grouping.bucket ? [`${bucketOfMicrosSql(grouping.bucket, micros)} AS group_bucket`] : []),
  ];

  // Only groupBitOr per key over these rows: a copy of an event changes nothing.
  const events = scopedEventsSql(scope, ['business', 'channel', 'occurred_us', 'customer', 'conversation', `${kindsExpression()} AS kinds`], { final: false });
  const keyed = (family: 'customer' | 'conversation', key: string, where: string) => `SELECT ${[...groupColumns('channel', 'occurred_us'),
    `'${family}' AS family`, 'toUInt32(groupBitOr(kinds)) AS kinds', ...noFlags].join(', ')}
      FROM (${events}) AS scoped_${family}${where}
      GROUP BY ${[...groupBy, key].join(', ')}`;
  const parts = [keyed('customer', 'customer', '')];
  if (counts.some((c) => c.count.distinct === 'conversation')) parts.push(keyed('conversation', 'conversation', '\n      WHERE conversation IS NOT NULL'));
  if (messageCounts.length > 0) {
    const flags = messageCounts.map((c) => `${messageFilterSql(c.count.where)} AS flag_${c.name}`);
    parts.push(`SELECT ${[...groupColumns('attempt_channel', 'attempted_us'), "'message' AS family", 'toUInt32(0) AS kinds', ...flags].join(', ')}
      FROM (${attemptedMessagesSql(scope)}) AS attempted`);
  }
  const figures = counts.map((c) => (c.count.distinct === 'message'
    ? `sum(flag_${c.name}) AS ${c.name}`
    : `countIf(family = '${c.count.distinct}' AND bitAnd(kinds, ${kindsMask(c.count.where)}) != 0) AS ${c.name}`));
  const key = (column: 'channel' | 'bucket', used: boolean, type: string) => {
    if (!keys.includes(column)) return [];
    if (!used) return [`CAST(NULL AS Nullable(${type})) AS ${column}`];
    // Branches joined by UNION ALL must agree on types: Nullable wherever another branch has NULL.
    return [nullable ? `toNullable(group_${column}) AS ${column}` : `group_${column} AS ${column}`];
  };
  return `SELECT ${['business', ...key('channel', Boolean(grouping.byChannel), 'String'), ...key('bucket', Boolean(grouping.bucket), 'Int64'), ...figures].join(',\n    ')}
  FROM (
    ${parts.join('\n    UNION ALL\n    ')}
  ) AS keyed
  GROUP BY ${groupBy.join(', ')}
  HAVING countIf(family = 'customer') > 0`;
}

export function clickhouseEventMetrics(
  scope: EventScope,
  groupings: readonly EventGrouping[] = [{}],
  metrics: readonly EventMetric[] = EVENT_METRICS,
): CompiledEventMetrics {
  const { keys } = groupingColumns(groupings);
  const { counts, columns } = countColumns(metrics, messageFilterSql);
  // Groupings with the same columns give the same rows: one branch each would repeat them.
  const distinct = [...new Map(groupings.map((g) => [`${Boolean(g.byChannel)}:${g.bucket ?? ''}`, g])).values()];
  const branches = distinct.map((g) => groupingBranch(scope, g, keys, counts, distinct.length > 1));
  const sql = `SELECT * FROM (
  ${branches.join('\n  UNION ALL\n  ')}
) AS grouped
ORDER BY ${keys.join(', ')}`;
  return { sql, params: [], columns, keys };
}

/**
 * The overview's rows per business, by which DuckDB's builder groups large businesses alone.
 * ClickHouse's builders plan nothing by it: no row, and no scan of the events for it.
 */
export function clickhouseRowsPerBusiness(_scope: EventScope): SqlQuery {
  return { sql: "SELECT '' AS business, toUInt64(0) AS rows WHERE 0", params: [] };
}
