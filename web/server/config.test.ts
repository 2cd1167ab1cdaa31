import { describe, expect, it } from 'vitest';
import { loadConfig } from './config';

describe('DUCKDB_MEMORY_LIMIT', () => {
  it('defaults to 512MB and takes a size with its unit', () => {
    expect(loadConfig({}).duckdbMemoryLimit).toBe('512MB');
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

describe('STORE', () => {
  const shared = {
    STORE: 'clickhouse', CLICKHOUSE_URL: 'http://10.0.0.1:8123, http://10.0.0.2:8123', CLICKHOUSE_CLUSTER: 'mpa_cluster',
    DATABASE_URL: 'postgres://mpa@10.0.0.3:5432/mpa', PSEUDONYM_KEY: 'a'.repeat(64), SECRETS_KEY: 'b'.repeat(64), ADMIN_TOKEN: 'c'.repeat(20),
  };

  it('is the embedded DuckDB file unless told otherwise', () => {
    expect(loadConfig({}).store).toEqual({ kind: 'duckdb' });
  });

  it('reads the ClickHouse endpoints, database, cluster and PostgreSQL URL', () => {
    expect(loadConfig(shared).store).toEqual({
      kind: 'clickhouse', clickhouseUrls: ['http://10.0.0.1:8123', 'http://10.0.0.2:8123'], clickhouseDatabase: 'mpa',
      clickhouseCluster: 'mpa_cluster', clickhouseUser: undefined, clickhousePassword: undefined, databaseUrl: 'postgres://mpa@10.0.0.3:5432/mpa',
    });
  });

  it('names every variable the ClickHouse mode lacks, the shared keys among them', () => {
    let message = '';
    try {
      loadConfig({ STORE: 'clickhouse' });
    } catch (error) {
      message = (error as Error).message;
    }
    for (const name of ['CLICKHOUSE_URL', 'DATABASE_URL', 'PSEUDONYM_KEY', 'SECRETS_KEY', 'ADMIN_TOKEN']) expect(message).toContain(`${name}: STORE=clickhouse needs`);
    expect(() => loadConfig({ ...shared, CLICKHOUSE_URL: 'tcp://10.0.0.1:9000' })).toThrow(/CLICKHOUSE_URL: comma-separated http\(s\) URLs/);
    expect(() => loadConfig({ ...shared, DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL: a PostgreSQL URL/);
  });
});
