import type { DuckDBConnection } from '@duckdb/node-api';
import { queryPlainRows } from '../../db/duckdb';
import type { BusinessRecord } from '../../db/registry';
import type { SqlQuery } from '../metrics/sqlText';
import { DUCKDB_REPORT_QUERIES } from './duckdbReportQueries';
import type { ReportQueries } from './reportQueries';

/**
 * What the report functions read from: SQL over the events (read-only) and the registry. The
 * report API, the exports and the tests all build reports through this one interface, so the
 * screen and the files show the same numbers.
 */
export interface ReportSource {
  query<T = Record<string, unknown>>(query: SqlQuery): Promise<T[]>;
  businesses(): Promise<BusinessRecord[]>;
  /** The store's query builders (its engine's SQL). */
  queries: ReportQueries;
}

/**
 * Read queries on dedicated DuckDB connections, each running one statement at a time (the ingest
 * writer and the admin store have connections of their own, so a long report never holds up a
 * write, and MVCC gives each query a consistent snapshot). Queries wait in one line and each
 * goes to the first connection free: a report sends its independent queries together, and with
 * two connections one's single-threaded phases (hash table builds, finalising quantiles, handing
 * rows to JavaScript) overlap the other's parallel scans. A query assigned to a connection when
 * sent would wait behind a long one there while the other connection sat idle (the business
 * report's three small queries behind its largest).
 */
export class ReadQueue {
  readonly #connections: readonly DuckDBConnection[];
  /** Free connections, by their index: the first one is preferred. */
  readonly #free: Set<number>;
  readonly #waiting: ((connection: DuckDBConnection) => Promise<void>)[] = [];
  readonly #onFailed: (error: unknown) => void;

  /** onFailed is told of every failed query (the caller still gets the error). */
  constructor(connections: readonly DuckDBConnection[], onFailed: (error: unknown) => void = () => undefined) {
    if (connections.length === 0) throw new Error('a read queue needs a connection');
    this.#connections = connections;
    this.#free = new Set(connections.keys());
    this.#onFailed = onFailed;
  }

  /** The first connection, for callers that need one outside the queue (the bench's scans). */
  get connection(): DuckDBConnection {
    return this.#connections[0]!;
  }

  query<T>(query: SqlQuery): Promise<T[]> {
    return new Promise<T[]>((resolve, reject) => {
      this.#waiting.push(async (connection) => {
        try {
          resolve(await queryPlainRows<T>(connection, query.sql, query.params));
        } catch (error) {
          this.#onFailed(error);
          reject(error);
        }
      });
      this.#dispatch();
    });
  }

  #dispatch(): void {
    while (this.#free.size > 0 && this.#waiting.length > 0) {
      const index = Math.min(...this.#free);
      this.#free.delete(index);
      const run = this.#waiting.shift()!;
      void run(this.#connections[index]!).finally(() => {
        this.#free.add(index);
        this.#dispatch();
      });
    }
  }
}

export function reportSource(reads: ReadQueue, businesses: () => Promise<BusinessRecord[]>, queries: ReportQueries = DUCKDB_REPORT_QUERIES): ReportSource {
  return { query: (q) => reads.query(q), businesses, queries };
}
