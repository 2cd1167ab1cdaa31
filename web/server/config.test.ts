import { describe, expect, it } from 'vitest';
import { loadConfig } from './config';

describe('DUCKDB_MEMORY_LIMIT', () => {
  it('defaults to 1GB and takes a size with its unit', () => {
    expect(loadConfig({}).duckdbMemoryLimit).toBe('1GB');
    expect(loadConfig({ DUCKDB_MEMORY_LIMIT: '2GB' }).duckdbMemoryLimit).toBe('2GB');
  });

  it('refuses a value DuckDB would not read as a size, naming the variable', () => {
    expect(() => loadConfig({ DUCKDB_MEMORY_LIMIT: 'lots' })).toThrow(/DUCKDB_MEMORY_LIMIT: a size such as 768MB or 2GB/);
    expect(() => loadConfig({ DUCKDB_MEMORY_LIMIT: '768' })).toThrow(/DUCKDB_MEMORY_LIMIT/);
  });
});

describe('MIN_COHORT', () => {
  it('is at least 5 unless small cohorts are allowed on purpose', () => {
    expect(loadConfig({}).minCohort).toBe(10);
    expect(loadConfig({ MIN_COHORT: '5' }).minCohort).toBe(5);
    expect(() => loadConfig({ MIN_COHORT: '1' })).toThrow(/MIN_COHORT below 5 .* ALLOW_SMALL_COHORTS=1/);
    expect(loadConfig({ MIN_COHORT: '1', ALLOW_SMALL_COHORTS: '1' }).minCohort).toBe(1);
  });
});
