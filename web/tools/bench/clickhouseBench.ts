import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../server/config';
import { createLogger } from '../../server/logger';
import { openClickHouseRuntime } from '../../server/storage/clickhouseRuntime';
import { freePort } from '../../server/testing/serverProcess';
import { benchDemo, BULK_SEED, datasetWindow, HTTP_SEED, httpSliceEvents, MIXED_SEED } from './benchDataset';
import type { BenchResults } from './benchResults';
import { BenchServer } from './benchServer';
import { BENCH_ADMIN_TOKEN, benchServerEnv } from './benchServerEnv';
import { bulkLoad, registerBusinesses, type BulkLoadFigures } from './bulkLoad';
import {
  BENCH_CLICKHOUSE_DATABASE, BENCH_REPLICAS, BENCH_SHARDS, clickHouseText, helperMemory, nodeFootprints, onSignal, startBenchCluster,
  type BenchCluster, type NodeFootprint,
} from './clickhouseCluster';
import { prepareBodies, runHttpIngest, type IngestFigures } from './httpIngest';
import { reportCases, warmLatencies, type ReportLatency } from './reportLatency';
import { differingFigures } from './sameFigures';

/** Only for the bench's throwaway store: STORE=clickhouse requires a secrets key in the environment. */
const BENCH_SECRETS_KEY = '5e'.repeat(32);

export interface ClickHouseBenchOptions {
  clients: number;
  batchSize: number;
  runs: number;
  httpSeconds: number;
  end: string | undefined;
  keepFiles: boolean;
}

/** The ClickHouse store's figures, measured after the DuckDB run on the same events. */
export interface ClickHouseFigures {
  layout: { shards: number; replicas: number };
  /** The data set (the DuckDB run's bulk events), loaded in-process through the ClickHouse runtime. */
  load: BulkLoadFigures;
  /** Warm report latencies against one ClickHouse-mode server, on the data set alone (as the DuckDB run's warm figures). */
  reports: ReportLatency[];
  ingest: { oneServer: IngestFigures; twoServers: IngestFigures };
  /** SELECT count() FROM events FINAL at the end: the data set and both ingest phases. */
  eventsStored: number;
  nodes: NodeFootprint[];
  appServerPeakRssBytes: number[];
  zooKeeperRssBytes: number;
  postgresRssBytes: number;
  /** Figures of the 30-day overview that differ between the DuckDB server and the ClickHouse one (undefined: not compared). */
  overviewDifferences: string[] | undefined;
}

const say = (line: string) => process.stderr.write(`\n== ${line}\n`);

/** The environment of a STORE=clickhouse server (and of the in-process loader) on this cluster. */
function clickHouseEnv(cluster: BenchCluster): Record<string, string> {
  return {
    STORE: 'clickhouse',
    CLICKHOUSE_URL: cluster.clickHouse.urls.join(','),
    CLICKHOUSE_DATABASE: BENCH_CLICKHOUSE_DATABASE,
    ...(cluster.clickHouse.cluster ? { CLICKHOUSE_CLUSTER: cluster.clickHouse.cluster } : {}),
    DATABASE_URL: cluster.postgres.url,
    SECRETS_KEY: BENCH_SECRETS_KEY,
    // Nothing is kept beside it in this mode (every key is in the environment); set for the config.
    ...benchServerEnv(join(cluster.dir, 'unused.duckdb')),
  };
}

/** The DuckDB run's bulk events, in-process through the ClickHouse runtime (validate + anonymise + commit), as runBench loads DuckDB. */
async function loadDataset(env: Record<string, string>, events: number, end: string | undefined): Promise<BulkLoadFigures> {
  const config = loadConfig({ ...process.env, ...env });
  const demo = benchDemo(BULK_SEED, events, datasetWindow(end, config.retentionDays));
  const runtime = await openClickHouseRuntime(config, createLogger('silent'), { clusterAtStart: false });
  try {
    await registerBusinesses(runtime, demo);
    return await bulkLoad(runtime, demo);
  } finally {
    await runtime.close();
  }
}

async function startServer(cluster: BenchCluster, env: Record<string, string>, servers: BenchServer[]): Promise<BenchServer> {
  const server = new BenchServer(join(cluster.dir, 'unused.duckdb'), await freePort(), env);
  servers.push(server);
  await server.start();
  return server;
}

/**
 * The ClickHouse store on the same events as `duckdb` (that run's bulk data set, then its HTTP
 * ingest slice): a local 2 x 2 cluster and a PostgreSQL, started in a folder of their own and
 * stopped at the end, also on a failure or an interrupt.
 */
export async function runClickHouseBench(options: ClickHouseBenchOptions, duckdb: BenchResults, duckdbOverview: unknown): Promise<ClickHouseFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'mpa-bench-clickhouse-'));
  say(`7. the ClickHouse store: a ${BENCH_SHARDS} x ${BENCH_REPLICAS} cluster with ZooKeeper, and PostgreSQL, in ${dir}`);
  const servers: BenchServer[] = [];
  let cluster: BenchCluster | undefined;
  const teardown = async () => {
    await Promise.allSettled(servers.map((s) => s.kill()));
    await cluster?.stop();
    if (!options.keepFiles) rmSync(dir, { recursive: true, force: true });
  };
  const removeSignalHandlers = onSignal(teardown);
  try {
    cluster = await startBenchCluster(dir);
    const env = clickHouseEnv(cluster);
    const events = duckdb.dataset.events;
    process.stderr.write(`loading the same ${events} events in-process through the ClickHouse runtime ...\n`);
    const load = await loadDataset(env, events, options.end);

    say('7a. reports over HTTP against one STORE=clickhouse server (warm), the cases of the DuckDB run');
    const first = await startServer(cluster, env, servers);
    const cases = reportCases(duckdb.dataset.endDate, duckdb.dataset.business);
    const reports = await warmLatencies(first.url, BENCH_ADMIN_TOKEN, cases, options.runs, 'warm');
    const overviewCase = cases.find((c) => c.report === 'overview' && c.days === 30)!;
    const overviewDifferences = duckdbOverview === undefined ? undefined : differingFigures(duckdbOverview, await first.admin('GET', overviewCase.path));

    const window = datasetWindow(options.end, loadConfig({ ...process.env, ...env }).retentionDays);
    const sliceEvents = httpSliceEvents(events);
    const businesses = benchDemo(BULK_SEED, 1, window).businesses.map((b) => b.id);
    // Made before the second server starts, which then reads it from PostgreSQL at its start.
    const ingestKey = await first.ingestKey(businesses);
    const ingest = (label: string, seed: string, urls: string[]) => runHttpIngest({
      url: urls[0]!, urls, ingestKey, bodies: prepareBodies(benchDemo(seed, sliceEvents, window, options.batchSize)),
      clients: options.clients, timeBoxMs: options.httpSeconds * 1000, label,
    });
    say(`7b. HTTP ingest, one app server: up to ${sliceEvents} events (the DuckDB run's slice) or ${options.httpSeconds} s, ${options.clients} clients`);
    const oneServer = await ingest('events ingested, 1 server', HTTP_SEED, [first.url]);
    const second = await startServer(cluster, env, servers);
    say(`7c. HTTP ingest, two app servers: ${sliceEvents} other events (the DuckDB run's under-ingest seed), the clients split over both`);
    const twoServers = await ingest('events ingested, 2 servers', MIXED_SEED, [first.url, second.url]);
    for (const s of servers) s.sampleMemory();

    const eventsStored = Number(await clickHouseText(cluster.clickHouse.urls[0]!, `SELECT count() FROM ${BENCH_CLICKHOUSE_DATABASE}.events FINAL`));
    const nodes = await nodeFootprints(cluster);
    const helpers = helperMemory(cluster);
    for (const s of servers) await s.stop();
    return {
      layout: { shards: BENCH_SHARDS, replicas: BENCH_REPLICAS }, load, reports, ingest: { oneServer, twoServers }, eventsStored, nodes,
      appServerPeakRssBytes: servers.map((s) => s.peakRssBytes), ...helpers, overviewDifferences,
    };
  } finally {
    removeSignalHandlers();
    await teardown();
    if (options.keepFiles) process.stderr.write(`kept the ClickHouse part's files in ${dir}\n`);
  }
}
