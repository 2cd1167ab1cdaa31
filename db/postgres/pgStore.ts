import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import * as schema from '../schema';
import type { RegistryDb, RegistryStore } from '../store';

export interface PgStoreOptions {
  /** postgres://user:password@host:port/database (DATABASE_URL). */
  url: string;
  /** Connections kept at most (node-postgres' default is 10). */
  maxConnections?: number;
  /** Told of a connection that failed while idle in the pool (the pool drops it and opens another). */
  onIdleError?: (error: Error) => void;
}

// Serialization failures and deadlocks: PostgreSQL asks the client to run the transaction again.
const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 5;

/** The SQLSTATE of a PostgreSQL error, also when drizzle wrapped it (DrizzleQueryError.cause). */
export function sqlStateOf(error: unknown): string | undefined {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/**
 * The registry on PostgreSQL, with SerialStore's contract (db/store.ts), through drizzle's
 * node-postgres driver on a connection pool: drizzle's first-class PostgreSQL path, with real
 * transactions on one pooled client (pg-proxy has none) and prepared parameters.
 *
 * - `exclusive` runs fn's statements on the pool, each committed on its own, as on DuckDB
 *   (where they are also serialised; here other requests and servers run alongside).
 * - `transaction` runs fn in one SERIALIZABLE transaction on one client, and runs it again when
 *   PostgreSQL reports a serialization failure or a deadlock: so a read-then-write such as
 *   "insert this user unless the email is taken" behaves as on the serialised DuckDB store,
 *   whatever number of servers share the database. fn may thus run more than once: it must only
 *   touch the database.
 *
 * Every connection uses the UTC time zone, so timestamps read back as `2026-11-01 09:00:00+00`,
 * the text DuckDB gives.
 */
// Advisory locks held at once by one server (each on its own connection); more wait for one.
const LOCK_CONNECTIONS = 4;

export class PgStore implements RegistryStore {
  readonly pool: pg.Pool;
  readonly #url: string;
  #lockPool: pg.Pool | undefined;
  /** The connections of lockOfItsOwn's locks. */
  readonly #ownLockPools: pg.Pool[] = [];
  readonly #onIdleError: (error: Error) => void;
  readonly db: NodePgDatabase<typeof schema>;

  constructor(options: PgStoreOptions) {
    this.#url = options.url;
    this.#onIdleError = (error) => options.onIdleError?.(error);
    this.pool = new pg.Pool({
      connectionString: options.url,
      max: options.maxConnections ?? 10,
      options: '-c TimeZone=UTC',
      application_name: 'messaging-privacy-analytics',
    });
    // Without a listener an idle client's error (the server restarted) would end the process.
    this.pool.on('error', this.#onIdleError);
    this.db = drizzle({ client: this.pool, schema });
  }

  exclusive<T>(fn: (db: RegistryDb) => Promise<T>): Promise<T> {
    return fn(this.db);
  }

  async transaction<T>(fn: (db: RegistryDb) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.db.transaction((tx) => fn(tx), { isolationLevel: 'serializable' });
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || !RETRYABLE.has(sqlStateOf(error) ?? '')) throw error;
        // A short, growing pause with jitter, so that retrying transactions do not collide again.
        await new Promise((resolve) => setTimeout(resolve, attempt * 5 + Math.random() * 10));
      }
    }
  }

  /**
   * A session-level advisory lock on a connection of its own, held while fn runs: fn's queries use
   * the main pool, so lock holders waiting for each other never take the connections their work
   * needs (a pool of both could fill up with waiters and stall).
   */
  async acrossProcesses<T>(name: string, fn: () => Promise<T>): Promise<T> {
    if (!this.#lockPool) {
      this.#lockPool = new pg.Pool({ connectionString: this.#url, max: LOCK_CONNECTIONS, application_name: 'messaging-privacy-analytics locks' });
      // As the main pool's: an idle lock connection's error (the server stopping) would otherwise end the process.
      this.#lockPool.on('error', this.#onIdleError);
    }
    return holdingAdvisoryLock(this.#lockPool, name, fn);
  }

  /**
   * acrossProcesses for one lock name, on a connection of its own: for a lock taken while
   * acrossProcesses' locks are held (the person resolution's, inside a webhook intake's), which
   * must never wait for one of their connections (all of them could be held by intakes waiting
   * for it). One holder at a time in this process: the caller queues its own.
   */
  lockOfItsOwn(name: string): <T>(fn: () => Promise<T>) => Promise<T> {
    const lockPool = new pg.Pool({ connectionString: this.#url, max: 1, application_name: `messaging-privacy-analytics lock ${name}` });
    lockPool.on('error', this.#onIdleError);
    this.#ownLockPools.push(lockPool);
    return (fn) => holdingAdvisoryLock(lockPool, name, fn);
  }

  /** Closes every connection; waits for the queries under way. */
  async close(): Promise<void> {
    await Promise.all([this.pool.end(), this.#lockPool?.end(), ...this.#ownLockPools.map((p) => p.end())]);
  }
}

/** Runs fn holding the session-level advisory lock `name` on a connection of `pool`. */
async function holdingAdvisoryLock<T>(pool: pg.Pool, name: string, fn: () => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // A checked-out client reports a lost connection on itself, not on the pool: without a listener
  // it would end the process while fn runs. The lock is then gone with the session, and the
  // unlock below fails, which the caller is told.
  let lostWith: Error | undefined;
  const lost = (error: Error) => {
    lostWith = error;
  };
  client.on('error', lost);
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [name]);
    try {
      return await fn();
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [name]);
    }
  } finally {
    client.off('error', lost);
    // A lost connection is closed, not returned to the pool for the next lock.
    client.release(lostWith);
  }
}
