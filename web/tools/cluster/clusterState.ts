// What `npm run cluster -- start` started, recorded in <dir>/cluster.json, so that `stop` and
// `status` (later, from other processes) find the servers again. The pids are in each server's
// folder (pid files, and PostgreSQL's postmaster.pid).
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clickHouseNodeFolders, nodeConfigFile, pidFileIn, pingClickHouse, zooKeeperFolder, type LocalClickHouse } from '../../../db/localServers/clickhouse';
import { isAlive, readPidFile, runsWith, stopPid } from '../../../db/localServers/processes';
import { postgresFolder, postmasterPid, runPostgresTool, serverOsUser, stopPostgres, type LocalPostgres } from '../../../db/localServers/postgres';
import { zooKeeperServes } from '../../../db/localServers/zookeeper';

export const CLICKHOUSE_DATABASE = 'mpa';

export interface ClusterState {
  dir: string;
  shards: number;
  replicas: number;
  startedAt: string;
  clickHouseUrls: string[];
  clickHouseCluster?: string;
  zooKeeper?: string;
  postgresUrl: string;
  /** The keys every app server of this store shares (generated at start; the file is 0600). */
  keys?: { pseudonymKey: string; secretsKey: string; adminToken: string };
}

export const stateFile = (dir: string) => join(dir, 'cluster.json');

export function recordState(dir: string, layout: { shards: number; replicas: number }, clickHouse: LocalClickHouse, postgres: LocalPostgres): ClusterState {
  const state: ClusterState = {
    dir,
    ...layout,
    startedAt: new Date().toISOString(),
    clickHouseUrls: clickHouse.urls,
    ...(clickHouse.cluster ? { clickHouseCluster: clickHouse.cluster } : {}),
    ...(clickHouse.zooKeeper ? { zooKeeper: clickHouse.zooKeeper } : {}),
    postgresUrl: postgres.url,
    keys: { pseudonymKey: randomBytes(32).toString('hex'), secretsKey: randomBytes(32).toString('hex'), adminToken: randomBytes(24).toString('base64url') },
  };
  writeFileSync(stateFile(dir), `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  return state;
}

export function readState(dir: string): ClusterState | undefined {
  return existsSync(stateFile(dir)) ? (JSON.parse(readFileSync(stateFile(dir), 'utf8')) as ClusterState) : undefined;
}

/** The environment a server needs to run against this cluster, one VAR=value a line. */
export function serverEnvironment(state: ClusterState): Record<string, string> {
  return {
    STORE: 'clickhouse',
    CLICKHOUSE_URL: state.clickHouseUrls.join(','),
    ...(state.clickHouseCluster ? { CLICKHOUSE_CLUSTER: state.clickHouseCluster } : {}),
    CLICKHOUSE_DATABASE,
    DATABASE_URL: state.postgresUrl,
    ...(state.keys ? { PSEUDONYM_KEY: state.keys.pseudonymKey, SECRETS_KEY: state.keys.secretsKey, ADMIN_TOKEN: state.keys.adminToken } : {}),
  };
}

interface ServerProcess {
  name: string;
  pid: number | undefined;
  address: string;
  answers: () => Promise<boolean>;
  stop: () => Promise<void>;
}

/** Every server of the recorded cluster; a pid counts only if it still runs that server's config. */
export async function serversOf(state: ClusterState): Promise<ServerProcess[]> {
  const nodes = clickHouseNodeFolders(state.dir, state.shards, state.replicas).map((folder, i): ServerProcess => {
    const url = state.clickHouseUrls[i] ?? '';
    return ownedProcess(`ClickHouse ${folder.split('/').pop()}`, url, pidFileIn(folder), nodeConfigFile(folder), () => pingClickHouse(url));
  });
  const zooKeeper = state.zooKeeper ? [zooKeeperProcess(state.dir, state.zooKeeper)] : [];
  return [...nodes, ...zooKeeper, await postgresProcess(state)];
}

function ownedProcess(name: string, address: string, pidFile: string, marker: string, answers: () => Promise<boolean>): ServerProcess {
  const recorded = readPidFile(pidFile);
  const pid = recorded !== undefined && isAlive(recorded) && runsWith(recorded, marker) ? recorded : undefined;
  return { name, pid, address, answers, stop: async () => (pid === undefined ? undefined : stopPid(pid)) };
}

function zooKeeperProcess(dir: string, address: string): ServerProcess {
  const folder = zooKeeperFolder(dir);
  const port = Number(address.split(':')[1]);
  return ownedProcess('ZooKeeper', address, pidFileIn(folder), join(folder, 'zoo.cfg'), () => zooKeeperServes(port));
}

async function postgresProcess(state: ClusterState): Promise<ServerProcess> {
  const folder = postgresFolder(state.dir, await serverOsUser());
  const recorded = postmasterPid(folder.dataDir);
  const pid = recorded !== undefined && isAlive(recorded) ? recorded : undefined;
  const port = new URL(state.postgresUrl).port;
  const answers = () => runPostgresTool(folder, 'pg_isready', ['-h', '127.0.0.1', '-p', port]).then(() => true, () => false);
  return { name: 'PostgreSQL', pid, address: state.postgresUrl, answers, stop: () => stopPostgres(folder) };
}
