import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach } from 'vitest';
import { openDatabase } from '../duckdb';
import { migrate } from '../migrate';

/**
 * A fresh, migrated in-memory database for each test of the calling describe block; the
 * returned function gives the current test's connection.
 */
export function useMigratedMemoryDatabase(): () => DuckDBConnection {
  let instance: DuckDBInstance;
  let connection: DuckDBConnection;
  beforeEach(async () => {
    instance = await openDatabase(':memory:');
    connection = await instance.connect();
    await migrate(connection);
  });
  afterEach(() => {
    connection.closeSync();
    instance.closeSync();
  });
  return () => connection;
}
