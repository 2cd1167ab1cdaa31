import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import { appendRows } from './appenderValues';

// Facts tables (conversation_facts, message_facts) are merged at write time through a temp table
// of the same shape on the writer's connection: the batch's partial rows are appended to it, one
// INSERT ... ON CONFLICT merges them, and it is emptied, all inside the events' transaction.

const staged = new WeakMap<DuckDBConnection, Set<string>>();

/**
 * Creates the connection's temp staging table for `table` once. Called outside any transaction:
 * a temp table created inside one that rolls back would be gone while still counted as made.
 */
export async function prepareStaging(connection: DuckDBConnection, table: string): Promise<void> {
  let tables = staged.get(connection);
  if (!tables) staged.set(connection, (tables = new Set()));
  if (tables.has(table)) return;
  await connection.run(`CREATE TEMP TABLE IF NOT EXISTS ${table}_batch AS SELECT * FROM ${table} LIMIT 0`);
  tables.add(table);
}

/** Appends the rows to the staging table (see prepareStaging) and merges them into `table`. */
export async function mergeThroughStaging<T>(
  connection: DuckDBConnection,
  table: string,
  rows: readonly T[],
  appendRow: (appender: DuckDBAppender, row: T) => void,
  /** INSERT INTO {table} SELECT * FROM {staging} ON CONFLICT ... */
  merge: (staging: string) => string,
): Promise<void> {
  if (rows.length === 0) return;
  const staging = `${table}_batch`;
  await appendRows(connection, staging, rows, appendRow, 'temp');
  await connection.run(merge(staging));
  await connection.run(`DELETE FROM ${staging}`);
}
