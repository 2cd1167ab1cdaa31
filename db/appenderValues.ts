import { DuckDBTimestampTZValue, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';

// Nullable values for the DuckDB Appender, shared by the events and the identity links.

export const appendText = (appender: DuckDBAppender, value: string | null) =>
  value === null ? appender.appendNull() : appender.appendVarchar(value);

/** Microseconds since the epoch as TIMESTAMPTZ. */
export const appendTimestamp = (appender: DuckDBAppender, micros: number | null) =>
  micros === null ? appender.appendNull() : appender.appendTimestampTZ(new DuckDBTimestampTZValue(BigInt(micros)));

/** Appends rows to a table through one Appender, flushed and closed before this resolves. */
export async function appendRows<T>(
  connection: DuckDBConnection,
  table: string,
  rows: readonly T[],
  appendRow: (appender: DuckDBAppender, row: T) => void,
  /** 'temp' for a temp table; otherwise the database's own catalog (named after its file). */
  catalog?: 'temp',
): Promise<void> {
  if (rows.length === 0) return;
  const appender = await connection.createAppender(table, catalog && 'main', catalog);
  try {
    for (const row of rows) {
      appendRow(appender, row);
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}
