import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../../db/duckdb';
import { countEvents } from '../../../db/eventStore';
import { Pseudonymiser } from '../../../ingest/anonymise/pseudonym';
import type { Demo } from '../../../ingest/demo/generateDemo';
import { loadConfig } from '../../server/config';
import type { DuckDbRuntime as Runtime } from '../../server/runtime';
import { decodeKey } from '../../server/secrets';
import { buildProcessBundle, freePort } from '../../server/testing/serverProcess';
import { firstRows, rowContext } from './anonymisedRows';
import { AGAIN_SUFFIX, benchDemo, BULK_SEED, DATASET_DAYS, datasetWindow, HTTP_SEED, httpSliceEvents, MIXED_SEED, type DatasetWindow } from './benchDataset';
import type { BenchResults } from './benchResults';
import { BenchServer } from './benchServer';
import { BENCH_ADMIN_TOKEN, BENCH_PSEUDONYM_KEY } from './benchServerEnv';
import { clusterDataset } from './clusterDataset';
import { bulkLoad, openBenchRuntime, registerBusinesses, type BulkLoadFigures } from './bulkLoad';
import { busiestBusiness, exportEventsCsv } from './datasetQueries';
import { appenderRate, readJsonRate, scanRate } from './duckdbLimits';
import { prepareBodies, runHttpIngest, type IngestFigures } from './httpIngest';
import { ingestCpu } from './ingestCpu';
import { describeMachine } from './machine';
import { comparePostgres, type PostgresFigures } from './postgresCompare';
import { findPostgres } from './postgresServer';
import { reportCases, timeReport, warmLatencies, type ReportCase, type ReportLatency } from './reportLatency';
import { databaseSize } from './serverFootprint';
import { checkTargets } from './targets';

export interface BenchOptions {
  events: number;
  clients: number;
  batchSize: number;
  /** Warm runs per report and period. */
  runs: number;
  /** Rows loaded for each DuckDB bulk-load limit. */
  limitRows: number;
  /** Time box of each HTTP ingest phase. */
  httpSeconds: number;
  end: string | undefined;
  skipPostgres: boolean;
  keepFiles: boolean;
  /** A database kept by an earlier run: copied and measured instead of loading one. */
  fromDatabase?: string;
  /** Given the server's 30-day overview reply on the data set (--store clickhouse compares its own with it). */
  onOverview?: (body: unknown) => void;
}

/** Share of the measured maximum ingest rate the loader keeps up while reports run. */
const UNDER_INGEST_FRACTION = 0.8;
const LIMIT_SAMPLE_ROWS = 500_000;
const MAX_SLICE_EVENTS = 2_000_000;

const say = (line: string) => process.stderr.write(`\n== ${line}\n`);
const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));

/** The limit: a sample of our rows (anonymised once, outside the clock) loaded into fresh tables. */
async function measureLimits(options: BenchOptions, window: DatasetWindow, workDir: string, retentionDays: number) {
  say(`1. the limit: DuckDB bulk loads of ${options.limitRows} rows (a sample of ${Math.min(LIMIT_SAMPLE_ROWS, options.limitRows)} of our rows, repeated)`);
  const sampleRows = Math.min(LIMIT_SAMPLE_ROWS, options.limitRows);
  const demo = benchDemo(BULK_SEED, sampleRows, window);
  const sample = firstRows(demo, rowContext(new Pseudonymiser(decodeKey(BENCH_PSEUDONYM_KEY)), demo, retentionDays), sampleRows);
  const path = join(workDir, 'limit.duckdb');
  const appender = await appenderRate(path, sample, options.limitRows);
  const readJson = await readJsonRate(path, join(workDir, 'sample.ndjson'), sample, options.limitRows);
  return { sampleRows, appender, readJson };
}

/** Cold: each report alone as the first request after a fresh server start. */
async function coldLatencies(server: BenchServer, cases: readonly ReportCase[], startSeconds: number[]): Promise<ReportLatency[]> {
  const cold: ReportLatency[] = [];
  for (const [i, c] of cases.entries()) {
    startSeconds.push((await server.start()) / 1000);
    const ms = await timeReport(server.url, BENCH_ADMIN_TOKEN, c.path);
    cold.push({ report: c.report, days: c.days, phase: 'cold', stats: { runs: 1, p50Ms: ms, p95Ms: ms, maxMs: ms } });
    process.stderr.write(`cold ${i + 1}/${cases.length}: ${c.report} ${c.days} d ${ms.toFixed(0)} ms (server start ${startSeconds.at(-1)!.toFixed(1)} s)\n`);
    await server.stop();
  }
  return cold;
}

/**
 * The data set: `options.events` demo events loaded in-process, or a copy of a kept database
 * (its events counted, the load not measured).
 */
async function prepareDataset(runtime: Runtime, demo: Demo, options: BenchOptions): Promise<BulkLoadFigures> {
  if (options.fromDatabase === undefined) {
    await registerBusinesses(runtime, demo);
    return bulkLoad(runtime, demo);
  }
  const events = await countEvents(runtime.deps.reads.connection);
  return { events, seconds: 0, eventsPerSec: 0, copiedFrom: options.fromDatabase };
}

/** Copies a kept database (and its write-ahead log, if any) to where the bench expects its own. */
function copyDatabase(from: string, to: string): void {
  process.stderr.write(`copying ${from} (${(statSync(from).size / 2 ** 30).toFixed(1)} GiB) ...\n`);
  copyFileSync(from, to);
  if (existsSync(`${from}.wal`)) copyFileSync(`${from}.wal`, `${to}.wal`);
}

export async function runBench(options: BenchOptions): Promise<BenchResults> {
  const started = performance.now();
  const machine = describeMachine();
  const retentionDays = loadConfig(process.env).retentionDays;
  const window = datasetWindow(options.end, retentionDays);
  const workDir = mkdtempSync(join(tmpdir(), 'mpa-bench-'));
  const databasePath = join(workDir, 'bench.duckdb');
  const server = new BenchServer(databasePath, await freePort());
  // Every server this run starts runs the sources as they are now, whatever is edited or rebuilt
  // during the hour a large run takes.
  buildProcessBundle();
  process.stderr.write(`bench files in ${workDir}\n`);
  try {
    const limits = await measureLimits(options, window, workDir, retentionDays);

    if (options.fromDatabase === undefined) {
      say(`2. loading ${options.events} events in-process (validate + anonymise + commitEvents)`);
    } else {
      say(`2. the data set: a copy of ${options.fromDatabase} (not loaded by this run)`);
      copyDatabase(options.fromDatabase, databasePath);
    }
    const demo = benchDemo(BULK_SEED, options.events, window);
    const runtime = await openBenchRuntime(databasePath);
    let business: string;
    let scan;
    const postgresInstall = options.skipPostgres ? { skipped: '--skip-postgres' } : await findPostgres();
    const csvDir = join(workDir, 'pgload');
    const csvPath = join(csvDir, 'events.csv');
    let bulk;
    let clustering;
    try {
      bulk = await prepareDataset(runtime, demo, options);
      clustering = await clusterDataset(runtime);
      process.stderr.write('full-scan rate: one-pass aggregate over the events table ...\n');
      scan = await scanRate(runtime.deps.reads.connection);
      business = await busiestBusiness(runtime.deps.reads.connection);
      if (!('skipped' in postgresInstall)) {
        // chmod, not mkdir's mode: the in-process runtime set the umask to 077 (its files are private).
        mkdirSync(csvDir);
        chmodSync(csvDir, 0o755);
        chmodSync(workDir, 0o711);
        await exportEventsCsv(runtime.deps.reads.connection, csvPath);
      }
    } finally {
      await runtime.close();
    }
    const bestLoad = limits.readJson.rowsPerSec >= limits.appender.rowsPerSec
      ? { rate: limits.readJson.rowsPerSec, path: 'read_json' } : { rate: limits.appender.rowsPerSec, path: 'Appender' };

    say('3. reports over HTTP on the real server: cold (one server start per report), then warm');
    const cases = reportCases(window.endDate, business);
    const startSeconds: number[] = [];
    const cold = await coldLatencies(server, cases, startSeconds);
    startSeconds.push((await server.start()) / 1000);
    const warm = await warmLatencies(server.url, BENCH_ADMIN_TOKEN, cases, options.runs, 'warm');
    const overviewCase = cases.find((c) => c.report === 'overview')!;
    const ourOverview = { case: overviewCase, body: await server.admin('GET', overviewCase.path) };
    options.onOverview?.(ourOverview.body);
    server.sampleMemory('warm reports');

    const sliceEvents = httpSliceEvents(bulk.events);
    say(`4. HTTP ingest: up to ${sliceEvents} fresh events or ${options.httpSeconds} s, ${options.clients} clients, batches of ${options.batchSize}`);
    const ids = demo.businesses.map((b) => b.id);
    const ingestKey = await server.ingestKey(ids);
    const seedSuffix = options.fromDatabase === undefined ? '' : AGAIN_SUFFIX;
    const httpBodies = prepareBodies(benchDemo(`${HTTP_SEED}${seedSuffix}`, sliceEvents, window, options.batchSize));
    const cpuBefore = server.readCpu();
    const http = await runHttpIngest({
      url: server.url, ingestKey, bodies: httpBodies, clients: options.clients, timeBoxMs: options.httpSeconds * 1000, label: 'events ingested over HTTP',
    });
    const cpuAfter = server.readCpu();
    const httpCpu = cpuBefore && cpuAfter ? ingestCpu(cpuBefore, cpuAfter, http.acknowledged + http.duplicates, http.seconds) : undefined;
    httpBodies.length = 0;
    server.sampleMemory('HTTP ingest');

    const targetRate = Math.max(1, http.eventsPerSec * UNDER_INGEST_FRACTION);
    // Enough events for every report run (and the unmeasured first round) to take place under
    // load, allowing for reports three times slower under it; at most three HTTP time boxes.
    const loopSeconds = (warm.reduce((sum, r) => sum + r.stats.p50Ms, 0) * (options.runs + 1) * 3) / 1000;
    const mixedSeconds = clamp(loopSeconds, 10, options.httpSeconds * 3);
    const mixedEvents = Math.round(clamp(targetRate * mixedSeconds, 20_000, MAX_SLICE_EVENTS));
    say(`5. reports while HTTP ingest runs at ${Math.round(targetRate)} events/s (${UNDER_INGEST_FRACTION * 100}% of the maximum)`);
    const mixedBodies = prepareBodies(benchDemo(`${MIXED_SEED}${seedSuffix}`, mixedEvents, window, options.batchSize));
    let ingestDone = false;
    let reportsDone = false;
    const loading = runHttpIngest({
      url: server.url, ingestKey, bodies: mixedBodies, clients: options.clients, timeBoxMs: mixedSeconds * 1000 * 1.5,
      targetEventsPerSec: targetRate, label: 'events ingested under report load', stop: () => reportsDone, quiet: true,
    }).finally(() => (ingestDone = true));
    let underLoad: ReportLatency[];
    try {
      underLoad = await warmLatencies(server.url, BENCH_ADMIN_TOKEN, cases, options.runs, 'under-ingest', () => ingestDone);
    } finally {
      reportsDone = true;
    }
    const mixedIngest: IngestFigures = await loading;
    server.sampleMemory('reports under ingest');
    const runningSize = databaseSize(databasePath);
    await server.stop();
    const stoppedSize = databaseSize(databasePath);
    const eventsStored = await countStoredEvents(databasePath);

    let postgres: PostgresFigures;
    if ('skipped' in postgresInstall) {
      postgres = postgresInstall;
    } else {
      say('6. the same reports on PostgreSQL 15 (same events, loaded from DuckDB\'s CSV export)');
      postgres = await comparePostgres({
        workDir, csvPath, rows: bulk.events, demo, business, cases, runs: options.runs, budgetMsPerCase: 120_000, ourOverview,
      }).catch((error: Error) => ({ skipped: `PostgreSQL failed: ${error.message}` }));
      rmSync(csvPath, { force: true });
    }

    const partial: Omit<BenchResults, 'targets' | 'durationSeconds'> = {
      machine,
      options: { events: options.events, clients: options.clients, batchSize: options.batchSize, runs: options.runs, limitRows: options.limitRows, httpSeconds: options.httpSeconds },
      dataset: { events: bulk.events, days: DATASET_DAYS, endDate: window.endDate, seed: BULK_SEED, business, ...(window.note ? { note: window.note } : {}), bulkLoad: bulk, clustering },
      limits: { ...limits, scan, bestLoadRowsPerSec: bestLoad.rate, bestLoadPath: bestLoad.path },
      httpIngest: { ...http, ratioToBestLimit: http.eventsPerSec / bestLoad.rate, ...(httpCpu ? { cpu: httpCpu } : {}) },
      reports: [...cold, ...warm],
      underIngest: { ingest: mixedIngest, targetFraction: UNDER_INGEST_FRACTION, reports: underLoad },
      server: {
        startSeconds, indexLoadSeconds: server.indexLoadSeconds, peakRssBytes: server.peakRssBytes, memoryByPhase: server.memoryByPhase,
        eventsStored, runningSize, stoppedSize,
      },
      postgres,
    };
    return { ...partial, targets: checkTargets(partial), durationSeconds: (performance.now() - started) / 1000 };
  } finally {
    await server.kill();
    if (options.keepFiles) process.stderr.write(`kept the bench files in ${workDir}\n`);
    else rmSync(workDir, { recursive: true, force: true });
  }
}

async function countStoredEvents(path: string): Promise<number> {
  const instance = await openDatabase(path);
  const connection = await instance.connect();
  try {
    return await countEvents(connection);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
