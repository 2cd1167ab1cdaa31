import pg from 'pg';
import type { Demo } from '../../../ingest/demo/generateDemo';
import { ProgressBar } from '../../../ingest/demo/progress';
import { adequacyDecisionFor, ADEQUATE_COUNTRIES } from '../../../reports/residency/adequacy';
import { EEA_COUNTRIES } from '../../../reports/residency/regionClass';
import { EVENTS_DDL, EVENTS_INDEXES, REFERENCE_DDL } from './postgresReportSql';

export interface PostgresLoadFigures {
  rows: number;
  copySeconds: number;
  indexSeconds: number;
  vacuumAnalyzeSeconds: number;
  tableBytes: number;
  indexBytes: number;
}

const ISO_DAYS = { mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6, sun: 7 } as const;

/** Polls a pg_stat_progress_* view once a second while `work` runs, drawing a progress bar. */
async function withProgress<T>(
  connection: pg.ClientConfig, total: number, label: string, sql: string, work: () => Promise<T>,
): Promise<T> {
  const watcher = new pg.Client(connection);
  await watcher.connect();
  const progress = new ProgressBar(Math.max(1, total), { label });
  const timer = setInterval(() => {
    watcher.query(sql).then((r) => {
      const done = Number((r.rows[0] as { done?: string } | undefined)?.done ?? 0);
      if (done > 0) progress.update(Math.min(done, total));
    }, () => undefined);
  }, 1000);
  try {
    const result = await work();
    progress.update(total);
    return result;
  } finally {
    clearInterval(timer);
    progress.finish();
    await watcher.end();
  }
}

const seconds = (started: number) => (performance.now() - started) / 1000;

/** The events table from DuckDB's CSV export, its indexes, and the registry facts the reports need. */
export async function loadPostgres(connection: pg.ClientConfig, csvPath: string, rows: number, demo: Demo): Promise<PostgresLoadFigures> {
  const client = new pg.Client(connection);
  await client.connect();
  try {
    await client.query(EVENTS_DDL);
    for (const ddl of REFERENCE_DDL) await client.query(ddl);
    await loadReferenceData(client, demo);

    let started = performance.now();
    await withProgress(connection, rows, 'rows copied into PostgreSQL', 'SELECT tuples_processed AS done FROM pg_stat_progress_copy', () =>
      client.query(`COPY events FROM '${csvPath.replaceAll("'", "''")}' (FORMAT csv)`));
    const copySeconds = seconds(started);

    started = performance.now();
    for (const [i, ddl] of EVENTS_INDEXES.entries()) {
      await withProgress(connection, 100, `% of PostgreSQL index ${i + 1}/${EVENTS_INDEXES.length} built`,
        `SELECT CASE WHEN blocks_total > 0 THEN 50 * blocks_done / blocks_total ELSE 50 END
              + CASE WHEN tuples_total > 0 THEN 50 * tuples_done / tuples_total ELSE 0 END AS done FROM pg_stat_progress_create_index`,
        () => client.query(ddl));
    }
    const indexSeconds = seconds(started);

    started = performance.now();
    process.stderr.write('PostgreSQL: VACUUM ANALYZE events ...\n');
    await client.query('VACUUM ANALYZE events');
    for (const table of ['businesses', 'business_hours', 'locations', 'country_rules']) await client.query(`ANALYZE ${table}`);
    const vacuumAnalyzeSeconds = seconds(started);

    const sizes = await client.query<{ table_bytes: string; index_bytes: string }>(
      "SELECT pg_table_size('events') AS table_bytes, pg_indexes_size('events') AS index_bytes");
    return {
      rows, copySeconds, indexSeconds, vacuumAnalyzeSeconds,
      tableBytes: Number(sizes.rows[0]!.table_bytes), indexBytes: Number(sizes.rows[0]!.index_bytes),
    };
  } finally {
    await client.end();
  }
}

async function loadReferenceData(client: pg.Client, demo: Demo): Promise<void> {
  for (const { id, body } of demo.businesses) {
    await client.query('INSERT INTO businesses VALUES ($1, $2)', [id, body.timezone]);
    for (const [day, intervals] of Object.entries(body.business_hours)) {
      for (const [opens, closes] of intervals ?? []) {
        await client.query('INSERT INTO business_hours VALUES ($1, $2, $3, $4)', [id, ISO_DAYS[day as keyof typeof ISO_DAYS], opens, closes]);
      }
    }
    for (const location of body.processing_locations) {
      await client.query('INSERT INTO locations VALUES ($1, $2, $3)', [id, location.country, location.mechanism]);
    }
  }
  const countries = new Set([...EEA_COUNTRIES, ...ADEQUATE_COUNTRIES]);
  for (const country of countries) {
    await client.query('INSERT INTO country_rules VALUES ($1, $2, $3, $4)', [
      country, EEA_COUNTRIES.has(country), ADEQUATE_COUNTRIES.includes(country), adequacyDecisionFor(country)?.requires_mechanism ?? null,
    ]);
  }
}
