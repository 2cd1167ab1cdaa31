import { clickHouseNodeFolders, pidFileIn, startClickHouse, zooKeeperFolder, type LocalClickHouse } from '../../../db/localServers/clickhouse';
import { ensureClusterPackages } from '../../../db/localServers/clusterPackages';
import { startPostgres, type LocalPostgres } from '../../../db/localServers/postgres';
import { readPidFile, residentBytes } from '../../../db/localServers/processes';
import { processMemory } from './serverFootprint';

/** The ClickHouse part's database (as `npm run cluster` names it). */
export const BENCH_CLICKHOUSE_DATABASE = 'mpa';
export const BENCH_SHARDS = 2;
export const BENCH_REPLICAS = 2;

/** A 2 x 2 ClickHouse cluster (with ZooKeeper) and a PostgreSQL, in the bench's own folder. */
export interface BenchCluster {
  dir: string;
  clickHouse: LocalClickHouse;
  postgres: LocalPostgres;
  stop: () => Promise<void>;
}

/**
 * Starts both (installing Debian's packages when missing, as root). The servers run detached in
 * their own process groups, so a Ctrl-C at the terminal does not reach them: the caller stops them
 * in a finally, and `onSignal` (SIGINT/SIGTERM) does it on an interrupt.
 */
export async function startBenchCluster(dir: string): Promise<BenchCluster> {
  await ensureClusterPackages();
  const [clickHouse, postgres] = await Promise.allSettled([
    startClickHouse({ dir, shards: BENCH_SHARDS, replicas: BENCH_REPLICAS }),
    startPostgres({ dir }),
  ]);
  if (clickHouse.status === 'rejected' || postgres.status === 'rejected') {
    // One may have started while the other failed: stop it before reporting the failure.
    await Promise.allSettled([clickHouse, postgres].flatMap((s) => (s.status === 'fulfilled' ? [s.value.stop()] : [])));
    throw (clickHouse.status === 'rejected' ? clickHouse.reason : (postgres as PromiseRejectedResult).reason) as Error;
  }
  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= Promise.allSettled([clickHouse.value.stop(), postgres.value.stop()]).then(() => undefined));
  return { dir, clickHouse: clickHouse.value, postgres: postgres.value, stop };
}

/**
 * Runs `cleanup` on SIGINT or SIGTERM, then exits (130 / 143, as a shell reports an interrupt).
 * Returns the function that removes the handlers again.
 */
export function onSignal(cleanup: () => Promise<void>): () => void {
  const handler = (signal: NodeJS.Signals) => {
    process.stderr.write(`\n${signal}: stopping the ClickHouse part's servers ...\n`);
    void cleanup().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

export interface NodeFootprint {
  shard: number;
  replica: number;
  url: string;
  /** Active parts of the bench database on this node (system.parts). */
  rows: number;
  bytesOnDisk: number;
  rssBytes: number;
  peakRssBytes: number;
}

/** Shard s, replica r of node i: LocalClickHouse.urls lists them shard by shard. */
export function nodePlace(i: number, replicas: number): { shard: number; replica: number } {
  return { shard: Math.floor(i / replicas) + 1, replica: (i % replicas) + 1 };
}

/** One query's TabSeparated reply from one node, over its HTTP interface. */
export async function clickHouseText(url: string, sql: string): Promise<string> {
  const reply = await fetch(`${url}/`, { method: 'POST', body: sql, signal: AbortSignal.timeout(60_000) });
  const text = await reply.text();
  if (!reply.ok) throw new Error(`ClickHouse ${url}: ${reply.status} ${text.slice(0, 300)}`);
  return text.trim();
}

/** Each node's share on disk (its own replica's parts, so a shard's two replicas both count) and memory. */
export async function nodeFootprints(cluster: BenchCluster): Promise<NodeFootprint[]> {
  const folders = clickHouseNodeFolders(cluster.dir, BENCH_SHARDS, BENCH_REPLICAS);
  return Promise.all(cluster.clickHouse.urls.map(async (url, i) => {
    const [rows, bytes] = (await clickHouseText(url,
      `SELECT sum(rows), sum(bytes_on_disk) FROM system.parts WHERE active AND database = '${BENCH_CLICKHOUSE_DATABASE}' FORMAT TabSeparated`)).split('\t');
    const pid = readPidFile(pidFileIn(folders[i]!));
    const memory = pid === undefined ? undefined : processMemory(pid);
    return {
      ...nodePlace(i, BENCH_REPLICAS), url, rows: Number(rows), bytesOnDisk: Number(bytes),
      rssBytes: memory?.rssBytes ?? 0, peakRssBytes: memory?.peakRssBytes ?? 0,
    };
  }));
}

/** Resident memory now of ZooKeeper and of PostgreSQL (postmaster and its backends). */
export function helperMemory(cluster: BenchCluster): { zooKeeperRssBytes: number; postgresRssBytes: number } {
  const zooKeeperPid = readPidFile(pidFileIn(zooKeeperFolder(cluster.dir)));
  const postgresPid = cluster.postgres.pid();
  return {
    zooKeeperRssBytes: zooKeeperPid === undefined ? 0 : residentBytes([zooKeeperPid]),
    postgresRssBytes: postgresPid === undefined ? 0 : residentBytes([postgresPid]),
  };
}
