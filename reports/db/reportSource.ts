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
 * Read queries on dedicated DuckDB connections, each running one statement at a time (the ingest
 * writer and the admin store have connections of their own, so a long report never holds up a
 * write, and MVCC gives each query a consistent snapshot). A query goes to the connection with
 * the fewest queued: a report sends its independent queries together, and with two connections
 * one's single-threaded phases (hash table builds, finalising quantiles, handing rows to
 * JavaScript) overlap the other's parallel scans.
 */
export class ReadQueue {
  readonly #lanes: { connection: DuckDBConnection; tail: Promise<unknown>; queued: number }[];
  readonly #onFailed: (error: unknown) => void;

  /** onFailed is told of every failed query (the caller still gets the error). */
  constructor(connections: readonly DuckDBConnection[], onFailed: (error: unknown) => void = () => undefined) {
    if (connections.length === 0) throw new Error('a read queue needs a connection');
    this.#lanes = connections.map((connection) => ({ connection, tail: Promise.resolve(), queued: 0 }));
    this.#onFailed = onFailed;
  }

  /** The first connection, for callers that need one outside the queue (the bench's scans). */
  get connection(): DuckDBConnection {
    return this.#lanes[0]!.connection;
  }

  query<T>(query: SqlQuery): Promise<T[]> {
    const lane = this.#lanes.reduce((best, l) => (l.queued < best.queued ? l : best));
    lane.queued += 1;
    const run = lane.tail.then(() => queryPlainRows<T>(lane.connection, query.sql, query.params)).catch((error: unknown) => {
      this.#onFailed(error);
      throw error;
    }).finally(() => {
      lane.queued -= 1;
    });
    lane.tail = run.catch(() => undefined);
    return run;
  }
}

export function reportSource(reads: ReadQueue, businesses: () => Promise<BusinessRecord[]>): ReportSource {
  return { query: (q) => reads.query(q), businesses };
}
