import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { RunSql } from '../../../reports/exports/parquet';

/**
 * An in-memory DuckDB for the files DuckDB writes (Parquet exports), opened on first use: the
 * embedded mode runs that SQL on its read connections, this mode has none.
 */
export class FileDatabase {
  #opened: Promise<{ instance: DuckDBInstance; connection: DuckDBConnection }> | undefined;
  #tail: Promise<unknown> = Promise.resolve();

  readonly run: RunSql = (sql) => {
    // One statement at a time on the one connection.
    const next = this.#tail.then(async () => (await this.#open()).connection.run(sql));
    this.#tail = next.catch(() => undefined);
    return next;
  };

  #open() {
    this.#opened ??= (async () => {
      const instance = await DuckDBInstance.create(':memory:');
      return { instance, connection: await instance.connect() };
    })();
    return this.#opened;
  }

  async close(): Promise<void> {
    if (!this.#opened) return;
    const { instance, connection } = await this.#opened;
    connection.closeSync();
    instance.closeSync();
  }
}
