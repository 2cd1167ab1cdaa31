import { ClickHouseLogLevel, createClient, type ClickHouseClient as RawClient, type ClickHouseSettings } from '@clickhouse/client';
import { identifier } from './sqlLiteral';

/**
 * A small client for one ClickHouse database over HTTP, on one or more endpoints (the replicas
 * or shards' nodes of a cluster, or one server): each call goes to the endpoint that last
 * answered, and on a connection failure (or a node that cannot write: read-only replica, lost
 * ZooKeeper session) to the next, so any node that answers serves. Retrying a write elsewhere is
 * safe: the events table collapses duplicates (./schema.ts).
 *
 * Written for ClickHouse 18.16 (Debian's server) as much as for current releases: it sends only
 * settings 18.16 knows, and reads 18.16's error format, which @clickhouse/client cannot parse.
 */

export interface ClickHouseOptions {
  /** HTTP endpoints, e.g. from CLICKHOUSE_URL split on commas. */
  urls: readonly string[];
  database: string;
  username?: string;
  password?: string;
  /** Per-request timeout (ms): no byte from the server for that long counts as a connection failure (default 30 000). */
  requestTimeoutMs?: number;
}

export type { ClickHouseSettings };

/** Per call, besides its settings. */
export interface CallOptions {
  /**
   * Client-side deadline of each attempt (ms), for a server that does not answer: the request is
   * aborted and the call fails with ClickHouseDeadlineError, without trying another endpoint (a
   * query the cluster is too slow for would only load a second node). Shorter than requestTimeoutMs.
   */
  deadlineMs?: number;
}

/** ClickHouse's TIMEOUT_EXCEEDED: the query ran longer than its max_execution_time. */
export const TIMEOUT_EXCEEDED = 159;

/** A server's error reply, with ClickHouse's error code (`Code: N`), when there was one. */
export class ClickHouseError extends Error {
  constructor(message: string, readonly code: number | undefined, readonly endpoint: string) {
    super(message);
    this.name = 'ClickHouseError';
  }
}

/** The endpoint did not answer within the call's deadline (CallOptions.deadlineMs); the request was aborted. */
export class ClickHouseDeadlineError extends Error {
  constructor(readonly endpoint: string, readonly deadlineMs: number) {
    super(`ClickHouse at ${endpoint} did not answer within ${deadlineMs} ms`);
    this.name = 'ClickHouseDeadlineError';
  }
}

/** No endpoint answered. */
export class ClickHouseUnavailableError extends Error {
  constructor(readonly failures: readonly string[]) {
    super(`no ClickHouse endpoint answered: ${failures.join('; ')}`);
    this.name = 'ClickHouseUnavailableError';
  }
}

// Sent with every call. 64-bit integers (count(), uniqExact) as JSON numbers, not strings:
// 18.16 quotes them by default and 26.x does not, so the setting is explicit. wait_end_of_query:
// the reply's status comes after the query finished, so an error is never a 200 with a broken body.
// load_balancing in_order: a Distributed table writes to and reads from the first healthy replica
// of each shard in the cluster's order, so a report sees the events just acknowledged (replication
// to the other replica is asynchronous; with random choice a read could land on a replica that
// has not fetched them yet). With that replica down, both move to the next one.
// prefer_localhost_replica 0: else a node that is itself a replica of a shard reads and writes
// that shard there, whatever the order, so two app servers talking to two replicas of one shard
// each saw their own writes first, and one server could miss the identity links the other had
// just saved (one person stored as two customers).
const BASE_SETTINGS: ClickHouseSettings = {
  output_format_json_quote_64bit_integers: 0, wait_end_of_query: 1, load_balancing: 'in_order', prefer_localhost_replica: 0,
};

// Failures after which another endpoint may answer: the connection did not work, or the node is
// up but cannot serve (242 TABLE_IS_READ_ONLY: a replica without ZooKeeper; 999: ZooKeeper error).
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN']);
const NODE_UNFIT_CODES = new Set([242, 999]);

/** ClickHouse's error code in a reply body: `Code: 60, e.displayText() = ...` (18.16) or `Code: 60. DB::Exception: ...` (later). */
export function errorCodeOf(message: string): number | undefined {
  const match = /Code: (\d+)[.,]/.exec(message);
  return match ? Number(match[1]) : undefined;
}

function isConnectionFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
  return /^(Timeout error|socket hang up)/.test(error.message);
}

const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export class ClickHouseClient {
  readonly database: string;
  readonly requestTimeoutMs: number;
  private readonly clients: { url: string; raw: RawClient }[];
  private preferred = 0;

  constructor(private readonly options: ClickHouseOptions) {
    if (options.urls.length === 0) throw new Error('ClickHouse: at least one URL');
    this.database = identifier(options.database);
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.clients = options.urls.map((url) => ({
      url,
      raw: createClient({
        url,
        database: this.database,
        username: options.username ?? 'default',
        password: options.password ?? '',
        request_timeout: this.requestTimeoutMs,
        // Errors are thrown to the caller, who decides what to log; the client's own log would
        // print server replies (which may quote SQL) at ERROR level.
        log: { level: ClickHouseLogLevel.OFF },
      }),
    }));
  }

  /** The same endpoints, another database (to create this one: a request naming a missing database fails). */
  withDatabase(database: string): ClickHouseClient {
    return new ClickHouseClient({ ...this.options, database });
  }

  /** Rows of a SELECT, as JSON objects (64-bit integers as numbers). */
  async query<T>(sql: string, settings: ClickHouseSettings = {}, options: CallOptions = {}): Promise<T[]> {
    return this.call((raw, signal) => raw.query({ query: sql, format: 'JSONEachRow', clickhouse_settings: { ...BASE_SETTINGS, ...settings }, abort_signal: signal })
      .then((result) => result.json<T>()), options);
  }

  /** A statement without rows (DDL, ALTER, INSERT ... SELECT). */
  async command(sql: string, settings: ClickHouseSettings = {}): Promise<void> {
    await this.call((raw) => raw.command({ query: sql, clickhouse_settings: { ...BASE_SETTINGS, ...settings } }));
  }

  /** Inserts rows as JSONEachRow; resolves once the server acknowledged the whole insert. */
  async insertJsonEachRow(table: string, rows: readonly object[], settings: ClickHouseSettings = {}): Promise<void> {
    if (rows.length === 0) return;
    await this.call((raw) => raw.insert({
      table: identifier(table), values: rows as object[], format: 'JSONEachRow', clickhouse_settings: { ...BASE_SETTINGS, ...settings },
    }));
  }

  /** True when some endpoint answers /ping. */
  async ping(): Promise<boolean> {
    for (const { raw } of this.clients) {
      const result = await raw.ping();
      if (result.success) return true;
    }
    return false;
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map(({ raw }) => raw.close()));
  }

  /**
   * Runs `request` on the preferred endpoint, then the others in turn while they fail to connect
   * (a read or write cut off mid-way by a dying node included: both are safe to repeat). A passed
   * deadline ends the call; the next call starts on the next endpoint, in case this one hangs.
   */
  private async call<R>(request: (raw: RawClient, signal?: AbortSignal) => Promise<R>, options: CallOptions = {}): Promise<R> {
    const { deadlineMs } = options;
    if (deadlineMs !== undefined && !(deadlineMs > 0 && deadlineMs < this.requestTimeoutMs)) {
      throw new RangeError(`a ClickHouse call's deadline (${deadlineMs} ms) must be above 0 and below the request timeout (${this.requestTimeoutMs} ms)`);
    }
    const failures: string[] = [];
    for (let attempt = 0; attempt < this.clients.length; attempt++) {
      const index = (this.preferred + attempt) % this.clients.length;
      const { url, raw } = this.clients[index]!;
      const deadline = deadlineMs === undefined ? undefined : AbortSignal.timeout(deadlineMs);
      try {
        const result = await request(raw, deadline);
        this.preferred = index;
        return result;
      } catch (error) {
        if (deadline?.aborted) {
          this.preferred = (index + 1) % this.clients.length;
          throw new ClickHouseDeadlineError(url, deadlineMs!);
        }
        const failure = this.classify(error, url);
        if (failure instanceof ClickHouseError && !NODE_UNFIT_CODES.has(failure.code ?? -1)) throw failure;
        failures.push(`${url}: ${failure.message.split('\n')[0]}`);
      }
    }
    throw new ClickHouseUnavailableError(failures);
  }

  private classify(error: unknown, url: string): Error {
    if (isConnectionFailure(error)) return error as Error;
    const message = error instanceof Error ? error.message : String(error);
    const known = (error as { code?: unknown }).code;
    const code = typeof known === 'string' && /^\d+$/.test(known) ? Number(known) : errorCodeOf(message);
    return new ClickHouseError(message.trim(), code, url);
  }
}

/** CLICKHOUSE_URL's endpoints: comma-separated, blanks ignored. */
export function clickhouseUrls(value: string): string[] {
  return value.split(',').map((u) => u.trim()).filter((u) => u.length > 0);
}
