import type { DuckDBConnection } from '@duckdb/node-api';
import { queryPlainRows } from '../../db/duckdb';
import type { BusinessRecord } from '../../db/registry';
import type { SqlQuery } from '../metrics/sqlText';

/**
 * What the report functions read from: SQL over the events (read-only) and the registry. The
 * report API, the exports and the tests all build reports through this one interface, so the
 * screen and the files show the same numbers.
 */
export interface ReportSource {
  query<T = Record<string, unknown>>(query: SqlQuery): Promise<T[]>;
  businesses(): Promise<BusinessRecord[]>;
}

/**
 * Read queries on a dedicated DuckDB connection, one at a time (a connection runs one statement
 * at a time; the ingest writer and the admin store have connections of their own, so a long
 * report never holds up a write, and MVCC gives each query a consistent snapshot).
 */
export class ReadQueue {
  #tail: Promise<unknown> = Promise.resolve();

  constructor(readonly connection: DuckDBConnection) {}

  query<T>(query: SqlQuery): Promise<T[]> {
    const run = this.#tail.then(() => queryPlainRows<T>(this.connection, query.sql, query.params));
    this.#tail = run.catch(() => undefined);
    return run;
  }
}

export function reportSource(reads: ReadQueue, businesses: () => Promise<BusinessRecord[]>): ReportSource {
  return { query: (q) => reads.query(q), businesses };
}
