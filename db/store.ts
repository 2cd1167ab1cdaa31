import type { DuckDBConnection } from '@duckdb/node-api';
import { createDrizzle, type Db } from './drizzle';

/**
 * A drizzle handle on one DuckDB connection whose work is serialised: pg-proxy has no
 * db.transaction, so a transaction is BEGIN/COMMIT on this connection, and nothing else may
 * run on it in between.
 */
export class SerialStore {
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
