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
  /** Per-request timeout (ms); a timeout counts as a connection failure. */
  requestTimeoutMs?: number;
}

/** A server's error reply, with ClickHouse's error code (`Code: N`), when there was one. */
export class ClickHouseError extends Error {
  constructor(message: string, readonly code: number | undefined, readonly endpoint: string) {
    super(message);
    this.name = 'ClickHouseError';
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
const BASE_SETTINGS: ClickHouseSettings = { output_format_json_quote_64bit_integers: 0, wait_end_of_query: 1 };

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

export class ClickHouseClient {
  readonly database: string;
  private readonly clients: { url: string; raw: RawClient }[];
  private preferred = 0;

  constructor(private readonly options: ClickHouseOptions) {
    if (options.urls.length === 0) throw new Error('ClickHouse: at least one URL');
    this.database = identifier(options.database);
    this.clients = options.urls.map((url) => ({
      url,
      raw: createClient({
        url,
        database: this.database,
        username: options.username ?? 'default',
        password: options.password ?? '',
        request_timeout: options.requestTimeoutMs ?? 30_000,
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
  async query<T>(sql: string, settings: ClickHouseSettings = {}): Promise<T[]> {
    return this.call((raw) => raw.query({ query: sql, format: 'JSONEachRow', clickhouse_settings: { ...BASE_SETTINGS, ...settings } })
      .then((result) => result.json<T>()));
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

  /** Runs `request` on the preferred endpoint, then the others in turn while they fail to connect. */
  private async call<R>(request: (raw: RawClient) => Promise<R>): Promise<R> {
    const failures: string[] = [];
    for (let attempt = 0; attempt < this.clients.length; attempt++) {
      const index = (this.preferred + attempt) % this.clients.length;
      const { url, raw } = this.clients[index]!;
      try {
        const result = await request(raw);
        this.preferred = index;
        return result;
      } catch (error) {
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
