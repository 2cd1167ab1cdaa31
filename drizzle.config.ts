import { defineConfig } from 'drizzle-kit';

// drizzle-kit has no DuckDB dialect: we generate PostgreSQL DDL and db/migrate.ts
// rewrites the few statements DuckDB rejects before applying them.
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema.ts',
  out: './db/migrations',
});
