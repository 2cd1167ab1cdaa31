import { defineConfig } from 'drizzle-kit';

// PostgreSQL for the registry when events go to ClickHouse (STORE=clickhouse): only the tables
// of db/postgres/registrySchema.ts. drizzle.config.ts is the embedded DuckDB mode's.
// Generate with: npx drizzle-kit generate --config drizzle.pg.config.ts
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/postgres/registrySchema.ts',
  out: './db/migrations-pg',
});
