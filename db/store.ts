import type { DuckDBConnection } from '@duckdb/node-api';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { createDrizzle, type Db } from './drizzle';
import type * as schema from './schema';

/**
 * A drizzle handle on the registry's tables, whichever engine holds them: DuckDB through
 * pg-proxy (SerialStore below) or PostgreSQL through node-postgres (db/postgres/pgStore.ts).
 * Code written against it uses drizzle's query builder, or SQL both engines accept.
 */
export type RegistryDb = PgDatabase<PgQueryResultHKT, typeof schema>;

/**
 * Where the registry, keys, users, sessions, audit log and webhook state live. `exclusive` runs
 * statements that need no transaction; `transaction` runs fn in one transaction, committed when
 * it resolves and rolled back when it throws.
 */
export interface RegistryStore {
  exclusive<T>(fn: (db: RegistryDb) => Promise<T>): Promise<T>;
  transaction<T>(fn: (db: RegistryDb) => Promise<T>): Promise<T>;
  /**
   * Runs fn while no other process holding the same named lock runs (a store several servers
   * share: PostgreSQL's advisory locks). Absent where one process owns the store.
   */
  acrossProcesses?<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

/**
 * A drizzle handle on one DuckDB connection whose work is serialised: pg-proxy has no
 * db.transaction, so a transaction is BEGIN/COMMIT on this connection, and nothing else may
 * run on it in between.
 */
export class SerialStore implements RegistryStore {
  readonly db: Db;
  #tail: Promise<unknown> = Promise.resolve();

  constructor(readonly connection: DuckDBConnection) {
    this.db = createDrizzle(connection);
  }

  /** Runs fn alone on the connection. */
  exclusive<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    const run = this.#tail.then(() => fn(this.db));
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /** Runs fn alone on the connection inside one transaction. */
  transaction<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    return this.exclusive(async (db) => {
      await this.connection.run('BEGIN TRANSACTION');
      try {
        const result = await fn(db);
        await this.connection.run('COMMIT');
        return result;
      } catch (error) {
        await this.connection.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }
}
