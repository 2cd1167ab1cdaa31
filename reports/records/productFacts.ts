/**
 * What the running product does with the data, as its configuration makes it: the Article 30
 * record and the pseudonymisation statement state these facts, so they come from the server's
 * configuration (web/server/runtime.ts), never from a declaration.
 */
export interface ProductFacts {
  /** STORE: the embedded DuckDB file, or ClickHouse for events with PostgreSQL for the registry. */
  store: 'duckdb' | 'clickhouse';
  /**
   * Where this server's pseudonym key came from: PSEUDONYM_KEY in the environment, the key file
   * beside the database (read, or generated at first start), or memory only (an in-memory database).
   */
  pseudonymKey: 'environment' | 'file' | 'generated' | 'memory';
  /** PSEUDONYM_KEY_PREVIOUS is set: a rotation's previous key is still used for duplicates and erasure. */
  previousPseudonymKey: boolean;
  /** MIN_COHORT: k of small-cohort suppression. */
  minCohort: number;
  /** RETENTION_DAYS: events older than this are deleted daily, and refused at the intake. */
  retentionDays: number;
}
