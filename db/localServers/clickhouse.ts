import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLUSTER_NAME, type ClusterLayout, type NodeIdentity, type NodePorts, nodeConfig, replicaName, usersConfig } from './clickhouseConfig';
import { freePorts } from './freePorts';
import { isAlive, isPortConflict, killPid, PORT_ATTEMPTS, readPidFile, spawnLogged, stopPid, waitUntilReady } from './processes';
import { startZooKeeper, type LocalZooKeeper } from './zookeeper';

// Debian installs the server in /usr/sbin, which is not on every PATH.
export const CLICKHOUSE_SERVER = '/usr/sbin/clickhouse-server';
const READY_TIMEOUT_MS = 60_000;

export interface LocalClickHouse {
  /** http://127.0.0.1:PORT per node; in a cluster, shard by shard, replica by replica. */
  urls: string[];
  /** The cluster name for ON CLUSTER and Distributed tables; unset for a single server. */
  cluster?: string;
  /** 127.0.0.1:PORT of the cluster's ZooKeeper; unset for a single server. */
  zooKeeper?: string;
  /** Stops every node, then ZooKeeper; removes no file. */
  stop(): Promise<void>;
  /** kill -9 node i (an index into urls). */
  killNode(i: number): Promise<void>;
  /** Starts node i again on its ports and data, and waits for its /ping. */
  startNode(i: number): Promise<void>;
  /** The pids of the running servers (nodes and ZooKeeper), to measure them. */
  pids(): number[];
}

export interface ClickHouseOptions {
  dir: string;
  shards?: number;
  replicas?: number;
}

interface Node extends NodeIdentity {
  configFile: string;
  logFile: string;
}

export async function pingClickHouse(url: string): Promise<boolean> {
  const reply = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(1_000) });
  return reply.ok && (await reply.text()).trim() === 'Ok.';
}

export async function startClickHouse(options: ClickHouseOptions): Promise<LocalClickHouse> {
  const isNew = !existsSync(clickHouseRoot(options.dir));
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnFreePorts(options);
    } catch (error) {
      if (attempt === PORT_ATTEMPTS || !isPortConflict(error) || !isNew) throw error;
      rmSync(clickHouseRoot(options.dir), { recursive: true, force: true }); // this call's own failed start
    }
  }
}

async function startOnFreePorts(options: ClickHouseOptions): Promise<LocalClickHouse> {
  const shards = options.shards ?? 1;
  const replicas = options.replicas ?? 1;
  if (!Number.isInteger(shards) || !Number.isInteger(replicas) || shards < 1 || replicas < 1) {
    throw new Error(`shards and replicas must be whole numbers from 1 (got ${shards} x ${replicas})`);
  }
  const root = clickHouseRoot(options.dir);
  const single = shards === 1 && replicas === 1;
  const ports = await freePorts(shards * replicas * 3 + (single ? 0 : 1));
  const zooKeeperPort = single ? undefined : ports.pop()!;
  const nodes = zooKeeperPort === undefined ? [singleNode(root, takePorts(ports))] : clusterNodes(root, shards, replicas, zooKeeperPort, ports);
  const zooKeeper = zooKeeperPort === undefined ? undefined : await startZooKeeper(mkdir(zooKeeperFolder(options.dir)), zooKeeperPort);
  try {
    await Promise.all(nodes.map((node) => startNode(node)));
  } catch (error) {
    await stopAll(nodes, zooKeeper);
    throw error;
  }
  return {
    urls: nodes.map(urlOf),
    ...(single ? {} : { cluster: CLUSTER_NAME, zooKeeper: `127.0.0.1:${zooKeeper!.port}` }),
    stop: () => stopAll(nodes, zooKeeper),
    killNode: async (i) => {
      const pid = readPidFile(pidFileOf(nodeAt(nodes, i)));
      if (pid !== undefined) await killPid(pid);
    },
    startNode: (i) => startNode(nodeAt(nodes, i)),
    pids: () => [...nodes.map((node) => readPidFile(pidFileOf(node))), zooKeeper?.pid].filter((pid): pid is number => pid !== undefined && isAlive(pid)),
  };
}

function takePorts(ports: number[]): NodePorts {
  const [http, tcp, interserver] = ports.splice(0, 3);
  return { http: http!, tcp: tcp!, interserver: interserver! };
}

function mkdir(folder: string): string {
  mkdirSync(folder, { recursive: true });
  return folder;
}

function withFiles(identity: NodeIdentity): Node {
  mkdir(identity.folder);
  const configFile = nodeConfigFile(identity.folder);
  writeFileSync(configFile, nodeConfig(identity));
  writeFileSync(join(identity.folder, 'users.xml'), usersConfig());
  return { ...identity, configFile, logFile: join(identity.folder, 'stdout.log') };
}

export const clickHouseRoot = (dir: string) => join(dir, 'clickhouse');
export const zooKeeperFolder = (dir: string) => join(clickHouseRoot(dir), 'zookeeper');
export const nodeConfigFile = (folder: string) => join(folder, 'config.xml');

/** The node folders under dir, in the order of LocalClickHouse.urls. */
export function clickHouseNodeFolders(dir: string, shards: number, replicas: number): string[] {
  if (shards === 1 && replicas === 1) return [join(clickHouseRoot(dir), 'node')];
  return Array.from({ length: shards * replicas }, (_, i) => join(clickHouseRoot(dir), replicaName(Math.floor(i / replicas) + 1, (i % replicas) + 1)));
}

function singleNode(root: string, ports: NodePorts): Node {
  return withFiles({ folder: join(root, 'node'), ports });
}

function clusterNodes(root: string, shards: number, replicas: number, zooKeeperPort: number, ports: number[]): Node[] {
  const layout: ClusterLayout = { zooKeeperPort, shards: [] };
  for (let s = 0; s < shards; s++) layout.shards.push(Array.from({ length: replicas }, () => takePorts(ports)));
  return layout.shards.flatMap((shardPorts, s) =>
    shardPorts.map((nodePorts, r) =>
      withFiles({ folder: join(root, replicaName(s + 1, r + 1)), ports: nodePorts, place: { shard: s + 1, replica: r + 1, layout } }),
    ),
  );
}

const urlOf = (node: Node) => `http://127.0.0.1:${node.ports.http}`;
export const pidFileIn = (folder: string) => join(folder, 'pid');
const pidFileOf = (node: Node) => pidFileIn(node.folder);

function nodeAt(nodes: Node[], i: number): Node {
  const node = nodes[i];
  if (!node) throw new Error(`no ClickHouse node ${i}: the cluster has nodes 0..${nodes.length - 1}`);
  return node;
}

async function startNode(node: Node): Promise<void> {
  const pid = spawnLogged({
    command: CLICKHOUSE_SERVER,
    args: [`--config-file=${node.configFile}`],
    logFile: node.logFile,
    pidFile: pidFileOf(node),
    cwd: node.folder,
  });
  const what = `ClickHouse node ${node.place ? replicaName(node.place.shard, node.place.replica) : ''} (${urlOf(node)})`.replace('  ', ' ');
  await waitUntilReady({ what, pid, logFile: join(node.folder, 'server.err.log'), timeoutMs: READY_TIMEOUT_MS, probe: () => pingClickHouse(urlOf(node)) });
}

async function stopAll(nodes: Node[], zooKeeper: LocalZooKeeper | undefined): Promise<void> {
  await Promise.all(nodes.map(async (node) => {
    const pid = readPidFile(pidFileOf(node));
    if (pid !== undefined) await stopPid(pid);
  }));
  await zooKeeper?.stop();
}
