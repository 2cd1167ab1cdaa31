import { join } from 'node:path';
import pg from 'pg';
import type { Demo } from '../../../ingest/demo/generateDemo';
import { ProgressBar } from '../../../ingest/demo/progress';
import { latencyStats, type LatencyStats } from './latencyStats';
import { loadPostgres, type PostgresLoadFigures } from './postgresLoad';
import { crossCheckOverview, type CrossCheck } from './crossCheck';
import { engagementSql, parameterCount, reportQueries, responseSql } from './postgresReportSql';
import { findPostgres, PostgresServer } from './postgresServer';
import type { ReportCase, ReportName } from './reportLatency';

export interface PostgresReportLatency {
  report: ReportName;
  days: number;
  /** The first run after a PostgreSQL restart (shared buffers empty, OS cache warm). */
  coldMs: number;
  warm: LatencyStats;
}

export type PostgresFigures =
  | { skipped: string }
  | { version: string; settings: string; load: PostgresLoadFigures; reports: PostgresReportLatency[]; crossCheck: CrossCheck | null };

export interface PostgresCompareOptions {
  workDir: string;
  /** DuckDB's CSV export of the events table (readable by the postgres user). */
  csvPath: string;
  rows: number;
  demo: Demo;
  business: string;
  cases: readonly ReportCase[];
  runs: number;
  /** Warm runs of one case stop once they have taken this long. */
  budgetMsPerCase: number;
  /** Our API's overview reply for one period, to check PostgreSQL's numbers against. */
  ourOverview?: { case: ReportCase; body: unknown };
}

const DAY_MS = 86_400_000;
const startOf = (date: string) => `${date}T00:00:00Z`;
const dayAfter = (date: string) => new Date(Date.parse(startOf(date)) + DAY_MS).toISOString();

function parameters(c: ReportCase, business: string): unknown[] {
  const from = startOf(c.from);
  const toExclusive = dayAfter(c.to);
  if (c.report === 'business') return [from, toExclusive, business];
  const sevenDays = new Date(Date.parse(startOf(c.to)) - 6 * DAY_MS).toISOString();
  return [from, toExclusive, sevenDays];
}

/** All of a report's queries, one after the other on one connection; returns ms. */
export async function timePostgresReport(client: pg.Client, c: ReportCase, business: string): Promise<number> {
  const params = parameters(c, business);
  const started = performance.now();
  for (const sql of reportQueries(c.report)) await client.query(sql, params.slice(0, parameterCount(sql)));
  return performance.now() - started;
}

/** PostgreSQL 15 on loopback with the same events, the same three reports, cold and warm. */
export async function comparePostgres(options: PostgresCompareOptions): Promise<PostgresFigures> {
  const install = await findPostgres();
  if ('skipped' in install) return install;
  const server = await PostgresServer.start(install, join(options.workDir, 'postgres'));
  try {
    const load = await loadPostgres(server.connection, options.csvPath, options.rows, options.demo);
    const reports: PostgresReportLatency[] = [];
    const progress = new ProgressBar(options.cases.length, { label: 'report cases timed on PostgreSQL' });
    for (const [i, c] of options.cases.entries()) {
      await server.restart();
      const client = new pg.Client(server.connection);
      await client.connect();
      try {
        const coldMs = await timePostgresReport(client, c, options.business);
        const times: number[] = [];
        const started = performance.now();
        while (times.length < options.runs && (times.length === 0 || performance.now() - started < options.budgetMsPerCase)) {
          times.push(await timePostgresReport(client, c, options.business));
        }
        reports.push({ report: c.report, days: c.days, coldMs, warm: latencyStats(times) });
      } finally {
        await client.end();
      }
      progress.update(i + 1);
    }
    progress.finish();
    const settings = await showSettings(server);
    const crossCheck = options.ourOverview ? await checkOverview(server, options.ourOverview, options.business) : null;
    return { version: server.version, settings, load, reports, crossCheck };
  } finally {
    await server.stop();
  }
}

async function checkOverview(server: PostgresServer, ours: { case: ReportCase; body: unknown }, business: string): Promise<CrossCheck> {
  const client = new pg.Client(server.connection);
  await client.connect();
  try {
    const params = parameters(ours.case, business);
    const [response, engagement] = await Promise.all([responseSql('all'), engagementSql('all')].map(async (sql) =>
      (await client.query(sql, params.slice(0, parameterCount(sql)))).rows as Record<string, unknown>[]));
    return crossCheckOverview(ours.body as Parameters<typeof crossCheckOverview>[0], response!, engagement!);
  } finally {
    await client.end();
  }
}

async function showSettings(server: PostgresServer): Promise<string> {
  const client = new pg.Client(server.connection);
  await client.connect();
  try {
    const names = ['shared_buffers', 'work_mem', 'max_parallel_workers_per_gather', 'jit'];
    const rows = await client.query<{ name: string; value: string }>(
      'SELECT name, current_setting(name) AS value FROM unnest($1::text[]) AS name', [names]);
    return rows.rows.map((r) => `${r.name}=${r.value}`).join(' ');
  } finally {
    await client.end();
  }
}
