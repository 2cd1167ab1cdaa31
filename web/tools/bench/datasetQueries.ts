import { chmodSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '../../../db/duckdb';
import { EVENTS_COLUMNS } from './postgresReportSql';

/** The business with the most events: the business report is timed on the heaviest one. */
export async function busiestBusiness(connection: DuckDBConnection): Promise<string> {
  const [row] = await queryRows<{ business: string }>(connection, 'SELECT business FROM events GROUP BY business ORDER BY count(*) DESC, business LIMIT 1');
  if (!row) throw new Error('no events loaded');
  return row.business;
}

/** The events table as CSV (no header), for PostgreSQL's COPY FROM; readable by its server. */
export async function exportEventsCsv(connection: DuckDBConnection, path: string): Promise<number> {
  const started = performance.now();
  process.stderr.write('exporting the events table to CSV for PostgreSQL ...\n');
  // PostgreSQL's columns, named: columns the events table gained since (pricing, source,
  // campaign) no report compared there reads.
  const columns = EVENTS_COLUMNS.map(([name]) => name).join(', ');
  await connection.run(`COPY (SELECT ${columns} FROM events) TO '${path.replaceAll("'", "''")}' (FORMAT csv, HEADER false)`);
  chmodSync(path, 0o644);
  return (performance.now() - started) / 1000;
}
