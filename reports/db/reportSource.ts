import type { DuckDBConnection } from '@duckdb/node-api';
import { queryPlainRows } from '../../db/duckdb';
import type { BusinessRecord } from '../../db/registry';
import type { SqlQuery } from '../metrics/sqlText';
import { DUCKDB_REPORT_QUERIES } from './duckdbReportQueries';
import { QueryLine, UNBOUNDED_LINE, type QueryLineLimits } from './queryLine';
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
 * Where the report API and the exports read: a line of read queries and the query builders of
 * the engine behind it (DuckDB's ReadQueue below, or ClickHouse's, reports/db/clickhouse).
 */
export interface ReportReads {
  readonly queries: ReportQueries;
  query<T>(query: SqlQuery): Promise<T[]>;
}

/** How much may wait for a read connection: beyond it, a query is refused with ReportsBusyError. */
export type ReadQueueLimits = QueryLineLimits;

/**
 * Read queries on dedicated DuckDB connections, each running one statement at a time (the ingest
 * writer and the admin store have connections of their own, so a long report never holds up a
 * write, and MVCC gives each query a consistent snapshot). Queries wait in one line and each
 * goes to the first connection free: a report sends its independent queries together, and with
 * two connections one's single-threaded phases (hash table builds, finalising quantiles, handing
 * rows to JavaScript) overlap the other's parallel scans. A query assigned to a connection when
 * sent would wait behind a long one there while the other connection sat idle (the business
 * report's three small queries behind its largest).
 *
 * The line is bounded (REPORT_QUEUE_MAX, REPORT_QUEUE_TIMEOUT_MS): a burst of heavy reports gets
 * ReportsBusyError (503) instead of a line that grows without end and answers minutes later. The
 * line itself (./queryLine.ts) is shared with the ClickHouse reads; a running DuckDB query is
 * never cut short.
 */
export class ReadQueue implements ReportReads {
  readonly queries: ReportQueries = DUCKDB_REPORT_QUERIES;
  readonly #connections: readonly DuckDBConnection[];
  readonly #line: QueryLine;

  /** onFailed is told of every failed query (the caller still gets the error). */
  constructor(connections: readonly DuckDBConnection[], onFailed: (error: unknown) => void = () => undefined, limits: ReadQueueLimits = UNBOUNDED_LINE) {
    if (connections.length === 0) throw new Error('a read queue needs a connection');
    this.#connections = connections;
    this.#line = new QueryLine(connections.length, onFailed, limits);
  }

  /** Queries waiting for a connection (not the running ones). */
  get waiting(): number {
    return this.#line.waiting;
  }

  /** The first connection, for callers that need one outside the queue (the bench's scans). */
  get connection(): DuckDBConnection {
    return this.#connections[0]!;
  }

  /** Rejects with ReportsBusyError when the line is full, or when the query waited longer than the timeout. */
  query<T>(query: SqlQuery): Promise<T[]> {
    return this.#line.run((lane) => queryPlainRows<T>(this.#connections[lane]!, query.sql, query.params));
  }
}

export function reportSource(reads: ReportReads, businesses: () => Promise<BusinessRecord[]>): ReportSource {
  return { query: (q) => reads.query(q), businesses, queries: reads.queries };
}
