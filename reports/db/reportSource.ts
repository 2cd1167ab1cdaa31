import type { DuckDBConnection } from '@duckdb/node-api';
import { queryPlainRows } from '../../db/duckdb';
import type { BusinessRecord } from '../../db/registry';
import type { SqlQuery } from '../metrics/sqlText';
import { ReportsBusyError } from '../reportsBusy';
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

/** How much may wait for a read connection: beyond it, a query is refused with ReportsBusyError. */
export interface ReadQueueLimits {
  /** Queries waiting (not yet running) beyond which a new one is refused at once. */
  maxWaiting: number;
  /** How long a query may wait for a connection before it is refused (ms). A running query is never cut short. */
  timeoutMs: number;
}

const UNBOUNDED: ReadQueueLimits = { maxWaiting: Infinity, timeoutMs: Infinity };

/** Seconds a refused caller is told to wait: about one slow report. */
const RETRY_AFTER_SECONDS = 5;

interface Waiting {
  run: (connection: DuckDBConnection) => Promise<void>;
  timer: NodeJS.Timeout | undefined;
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
 *
 * The line is bounded (REPORT_QUEUE_MAX, REPORT_QUEUE_TIMEOUT_MS): a burst of heavy reports gets
 * ReportsBusyError (503) instead of a line that grows without end and answers minutes later.
 */
export class ReadQueue {
  readonly #connections: readonly DuckDBConnection[];
  /** Free connections, by their index: the first one is preferred. */
  readonly #free: Set<number>;
  readonly #waiting: Waiting[] = [];
  readonly #onFailed: (error: unknown) => void;
  readonly #limits: ReadQueueLimits;

  /** onFailed is told of every failed query (the caller still gets the error). */
  constructor(connections: readonly DuckDBConnection[], onFailed: (error: unknown) => void = () => undefined, limits: ReadQueueLimits = UNBOUNDED) {
    if (connections.length === 0) throw new Error('a read queue needs a connection');
    this.#connections = connections;
    this.#free = new Set(connections.keys());
    this.#onFailed = onFailed;
    this.#limits = limits;
  }

  /** Queries waiting for a connection (not the running ones). */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** The first connection, for callers that need one outside the queue (the bench's scans). */
  get connection(): DuckDBConnection {
    return this.#connections[0]!;
  }

  /** Rejects with ReportsBusyError when the line is full, or when the query waited longer than the timeout. */
  query<T>(query: SqlQuery): Promise<T[]> {
    return new Promise<T[]>((resolve, reject) => {
      if (this.#free.size === 0 && this.#waiting.length >= this.#limits.maxWaiting) {
        reject(new ReportsBusyError(`the report queue is full (${this.#limits.maxWaiting} queries waiting); retry later`, RETRY_AFTER_SECONDS));
        return;
      }
      const waiting: Waiting = {
        run: async (connection) => {
          clearTimeout(waiting.timer);
          try {
            resolve(await queryPlainRows<T>(connection, query.sql, query.params));
          } catch (error) {
            this.#onFailed(error);
            reject(error);
          }
        },
        timer: undefined,
      };
      if (Number.isFinite(this.#limits.timeoutMs)) {
        waiting.timer = setTimeout(() => {
          this.#waiting.splice(this.#waiting.indexOf(waiting), 1);
          reject(new ReportsBusyError(`a report query waited more than ${this.#limits.timeoutMs} ms for a connection; retry later`, RETRY_AFTER_SECONDS));
        }, this.#limits.timeoutMs);
      }
      this.#waiting.push(waiting);
      this.#dispatch();
    });
  }

  #dispatch(): void {
    while (this.#free.size > 0 && this.#waiting.length > 0) {
      const index = Math.min(...this.#free);
      this.#free.delete(index);
      const next = this.#waiting.shift()!;
      void next.run(this.#connections[index]!).finally(() => {
        this.#free.add(index);
        this.#dispatch();
      });
    }
  }
}

export function reportSource(reads: ReadQueue, businesses: () => Promise<BusinessRecord[]>, queries: ReportQueries = DUCKDB_REPORT_QUERIES): ReportSource {
  return { query: (q) => reads.query(q), businesses, queries };
}
