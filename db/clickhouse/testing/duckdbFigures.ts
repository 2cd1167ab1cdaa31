import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { openDatabase, queryPlainRows } from '../../duckdb';
import { commitEvents, type EventRow } from '../../eventStore';
import { migrate } from '../../migrate';
import { groupKeys, type DistinctCountColumn, type EventMetricsScope } from '../eventMetricsSql';

/**
 * The embedded store's figures for the same events, to compare ClickHouse's with: a migrated
 * in-memory DuckDB filled through the real write path (commitEvents: events and activity days),
 * read the way reports/metrics/compileSql.ts reads it (activity days combined with bit_or per
 * key, one count per figure), and the events per type from the events table.
 */
export interface DuckDbFigures {
  eventMetrics(scope: EventMetricsScope, counts: readonly DistinctCountColumn[]): Promise<Record<string, unknown>[]>;
  eventCounts(scope: EventMetricsScope): Promise<Record<string, unknown>[]>;
  close(): void;
}

const DAY_MS = 86_400_000;

function dayRange(scope: EventMetricsScope): string {
  return [`day >= ${scope.startMs / DAY_MS} AND day < ${scope.endMs / DAY_MS}`,
    ...(scope.business === undefined ? [] : [`business = '${scope.business}'`]),
    ...(scope.channel === undefined ? [] : [`channel = '${scope.channel}'`])].join(' AND ');
}

const bucketOf = (scope: EventMetricsScope, day: string) =>
  (scope.bucket === undefined ? [] : [`${scope.bucket === 'day' ? day : `(${day} - ((${day} + 3) % 7))`} AS bucket`]);

export async function duckDbFigures(rows: readonly EventRow[]): Promise<DuckDbFigures> {
  const instance: DuckDBInstance = await openDatabase(':memory:');
  const connection: DuckDBConnection = await instance.connect();
  await migrate(connection);
  await commitEvents(connection, rows);
  return {
    eventMetrics: (scope, counts) => {
      const keys = groupKeys(scope);
      const select = ['business', ...(scope.byChannel ? ['channel'] : []), ...bucketOf(scope, 'day')];
      const family = (name: string, table: string) => `SELECT ${select.join(', ')}, '${name}' AS family, ${name} AS key, bit_or(kinds) AS kinds
        FROM ${table} WHERE ${dayRange(scope)} GROUP BY ${keys.join(', ')}, key`;
      const figures = counts.map((c) => `CAST(count(*) FILTER (WHERE family = '${c.distinct}' AND (kinds & ${c.mask}) <> 0) AS INTEGER) AS ${c.name}`);
      return queryPlainRows(connection, `SELECT ${keys.join(', ')}, ${figures.join(', ')}
        FROM (${family('customer', 'customer_days')} UNION ALL ${family('conversation', 'conversation_days')}) AS keyed
        GROUP BY ${keys.join(', ')} ORDER BY ${keys.join(', ')}`);
    },
    eventCounts: (scope) => {
      const keys = groupKeys(scope);
      const day = 'CAST(epoch_us(occurred_at) // 86400000000 AS INTEGER)';
      const select = ['business', ...(scope.byChannel ? ['channel'] : []), ...bucketOf(scope, day)];
      return queryPlainRows(connection, `SELECT ${select.join(', ')}, type, CAST(count(*) AS INTEGER) AS events FROM events
        WHERE occurred_at >= to_timestamp(${scope.startMs / 1000}) AND occurred_at < to_timestamp(${scope.endMs / 1000})
        ${scope.business === undefined ? '' : `AND business = '${scope.business}'`} ${scope.channel === undefined ? '' : `AND channel = '${scope.channel}'`}
        GROUP BY ${keys.join(', ')}, type ORDER BY ${keys.join(', ')}, type`);
    },
    close: () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** Rows keyed by their grouping columns, figures as numbers: the same figures whatever the engine's types and order. */
export function byGroup(rows: readonly Record<string, unknown>[], keys: readonly string[]): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const row of rows) {
    const key = keys.map((k) => String(row[k])).join('|');
    const figures: Record<string, number> = {};
    for (const [name, value] of Object.entries(row)) if (!keys.includes(name)) figures[name] = Number(value);
    out[key] = figures;
  }
  return out;
}
