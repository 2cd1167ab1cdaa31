import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{db,ingest,reports,web}/**/*.test.ts'],
    exclude: ['node_modules/**', 'tmp/**', 'data/**'],
    // Every test file opens its own DuckDB file; two workers match the machine's two cores.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
