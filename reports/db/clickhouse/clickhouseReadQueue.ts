import { ClickHouseDeadlineError, ClickHouseError, errorCodeOf, TIMEOUT_EXCEEDED, type CallOptions, type ClickHouseSettings } from '../../../db/clickhouse/clickhouseClient';
import type { SqlQuery } from '../../metrics/sqlText';
import { ReportsBusyError } from '../../reportsBusy';
import { QueryLine, UNBOUNDED_LINE, type QueryLineLimits } from '../queryLine';

/** What runs a SELECT on ClickHouse: db/clickhouse/clickhouseClient.ts ClickHouseClient, or chdb in tests. */
export interface ClickHouseReader {
  query<T>(sql: string, settings?: ClickHouseSettings, options?: CallOptions): Promise<T[]>;
  /** The client's own request timeout, which the deadline must stay under (ClickHouseClient has one). */
  readonly requestTimeoutMs?: number;
}

export interface ClickHouseReadOptions {
  /** Report queries running at once on ClickHouse from this server; the others wait in line. */
  maxRunning?: number;
  /** The line's bounds, as the DuckDB reads' (REPORT_QUEUE_MAX, REPORT_QUEUE_TIMEOUT_MS); unbounded when absent. */
  limits?: QueryLineLimits;
  /** Each query's max_execution_time (whole seconds: 18.16 takes no fraction). */
  maxExecutionSeconds?: number;
  /** How long past max_execution_time the client waits for the server's answer before it aborts (ms). */
  answerGraceMs?: number;
  /** Told of every failed query, with the error as ClickHouse or the client raised it. */
  onFailed?: (error: unknown) => void;
}

export const CLICKHOUSE_READ_DEFAULTS = { maxRunning: 4, maxExecutionSeconds: 20, answerGraceMs: 5_000 } as const;

/**
 * A report query ran longer than ClickHouse allows it (max_execution_time), or the server did not
 * answer in that time. A ReportsBusyError: the HTTP layer answers 503 `reports_busy` with
 * Retry-After, the same as a full line, because both mean the cluster has no room for the report
 * now; the Retry-After is the limit itself, so a client does not send the same heavy query again
 * at once.
 */
export class ReportQueryTimeoutError extends ReportsBusyError {
  constructor(readonly limitSeconds: number) {
    super(`a report query ran longer than ${limitSeconds} s on ClickHouse; retry later, or ask for a shorter period`, limitSeconds);
    this.name = 'ReportQueryTimeoutError';
  }
}

/**
 * Report reads on ClickHouse, as bounded as DuckDB's ReadQueue (../reportSource.ts): at most
 * maxRunning queries at once, the others in one bounded line (../queryLine.ts). Each query runs
 * with max_execution_time, and the client aborts it when the server has not answered
 * answerGraceMs after that (a hung node); either way the caller gets ReportQueryTimeoutError.
 * A connection failure on one endpoint, also mid-query, is retried on the next by the client
 * (reads are idempotent).
 */
export class ClickHouseReadQueue {
  readonly #reader: ClickHouseReader;
  readonly #line: QueryLine;
  readonly #maxExecutionSeconds: number;
  readonly #deadlineMs: number;

  constructor(reader: ClickHouseReader, options: ClickHouseReadOptions = {}) {
    const maxExecutionSeconds = options.maxExecutionSeconds ?? CLICKHOUSE_READ_DEFAULTS.maxExecutionSeconds;
    if (!Number.isInteger(maxExecutionSeconds) || maxExecutionSeconds < 1) {
      throw new Error(`max_execution_time is whole seconds from 1 (got ${maxExecutionSeconds})`);
    }
    const deadlineMs = maxExecutionSeconds * 1000 + (options.answerGraceMs ?? CLICKHOUSE_READ_DEFAULTS.answerGraceMs);
    // Past the client's request timeout, the client would give up first and try another endpoint.
    if (reader.requestTimeoutMs !== undefined && deadlineMs >= reader.requestTimeoutMs) {
      throw new Error(`max_execution_time plus the answer grace (${deadlineMs} ms) must stay under the ClickHouse client's request timeout (${reader.requestTimeoutMs} ms)`);
    }
    this.#reader = reader;
    this.#line = new QueryLine(options.maxRunning ?? CLICKHOUSE_READ_DEFAULTS.maxRunning, options.onFailed, options.limits ?? UNBOUNDED_LINE);
    this.#maxExecutionSeconds = maxExecutionSeconds;
    this.#deadlineMs = deadlineMs;
  }

  /** Queries waiting for their turn (not the running ones). */
  get waiting(): number {
    return this.#line.waiting;
  }

  /**
   * Rejects with ReportsBusyError when the line is full or the query waited too long, with
   * ReportQueryTimeoutError when it ran too long. A query with bound parameters is refused: it
   * was built for DuckDB ($n), and ClickHouse 18.16 has no query parameters (its builders inline
   * every value).
   */
  async query<T>(query: SqlQuery): Promise<T[]> {
    if (query.params.length > 0) throw new Error('a ClickHouse report query has its values inlined, not bound');
    // distributed_product_mode local: a subquery of a report (the period's keys, db/clickhouse/factsSql.ts)
    // reads each shard's own table, where the business's rows all are (a Distributed table in a
    // subquery of a distributed query is refused otherwise).
    const settings = { max_execution_time: this.#maxExecutionSeconds, distributed_product_mode: 'local' as const };
    try {
      return await this.#line.run(() => this.#reader.query<T>(query.sql, settings, { deadlineMs: this.#deadlineMs }));
    } catch (error) {
      throw isQueryTimeout(error) ? new ReportQueryTimeoutError(this.#maxExecutionSeconds) : error;
    }
  }
}

/** 18.16 reads its error codes from the message (ClickHouseError.code); chdb's errors are plain, with the same `Code: N`. */
function isQueryTimeout(error: unknown): boolean {
  if (error instanceof ClickHouseDeadlineError) return true;
  if (error instanceof ClickHouseError) return error.code === TIMEOUT_EXCEEDED;
  return error instanceof Error && !(error instanceof ReportsBusyError) && errorCodeOf(error.message) === TIMEOUT_EXCEEDED;
}
