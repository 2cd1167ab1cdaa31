import type { DuckDBConnection } from '@duckdb/node-api';
import { drizzle } from 'drizzle-orm/pg-proxy';
import * as schema from './schema';

// drizzle has no DuckDB driver; its pg-proxy driver hands us SQL with $1..$n parameters, which
// DuckDB understands as they are.
export function createDrizzle(connection: DuckDBConnection) {
  return drizzle(
    async (sql, params, method) => {
      const reader = await connection.runAndReadAll(sql, params as never);
      const rows = method === 'all' ? reader.getRowsJson() : reader.getRowObjectsJson();
      return { rows: rows as never };
    },
    { schema },
  );
}

export type Db = ReturnType<typeof createDrizzle>;
