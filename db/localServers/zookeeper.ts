import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { spawnLogged, stopPid, waitUntilReady } from './processes';

// Debian's zookeeper package: its jar names its dependencies in its manifest, which bind no
// logger (SLF4J falls back to "no operation" and the log stays empty). slf4j-simple, from the
// same libslf4j-java package, writes its INFO lines to stderr, which goes to zookeeper.log.
const SIMPLE_LOGGER = '/usr/share/java/slf4j-simple.jar';
const CLASSPATH = [...(existsSync(SIMPLE_LOGGER) ? [SIMPLE_LOGGER] : []), '/usr/share/java/zookeeper.jar'].join(':');
const LOG_TIMES = ['-Dorg.slf4j.simpleLogger.showDateTime=true', "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSS"];
const READY_TIMEOUT_MS = 60_000;

export interface LocalZooKeeper {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

export function zooKeeperConfig(dataDir: string, port: number): string {
  return [
    // A short tick lets sessions of a killed ClickHouse node expire in seconds (min session = 2 ticks).
    'tickTime=500',
    'initLimit=10',
    'syncLimit=5',
    `dataDir=${dataDir}`,
    `clientPort=${port}`,
    'clientPortAddress=127.0.0.1',
    // The admin HTTP server would take port 8080 for every instance: off.
    'admin.enableServer=false',
    '4lw.commands.whitelist=srvr',
    'autopurge.snapRetainCount=3',
    'autopurge.purgeInterval=1',
    '',
  ].join('\n');
}

/**
 * Serves clients: the four-letter word "srvr" gets its version and mode. ("ruok" is no test: it
 * answers "imok" as soon as the port is open, before the server takes sessions, and a ClickHouse
 * 18.16 node whose first session fails then may crash with a segmentation fault.)
 */
export function zooKeeperServes(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    socket.setTimeout(1_000, () => socket.destroy());
    socket.on('connect', () => socket.write('srvr'));
    socket.on('data', (chunk) => (reply += chunk.toString()));
    socket.on('error', () => resolve(false));
    socket.on('close', () => resolve(reply.startsWith('Zookeeper version:') && reply.includes('Mode: standalone')));
  });
}

export async function startZooKeeper(folder: string, port: number): Promise<LocalZooKeeper> {
  const dataDir = join(folder, 'data');
  mkdirSync(dataDir, { recursive: true });
  const configFile = join(folder, 'zoo.cfg');
  writeFileSync(configFile, zooKeeperConfig(dataDir, port));
  const logFile = join(folder, 'zookeeper.log');
  const pid = spawnLogged({
    command: 'java',
    // A small heap and the serial collector: it holds a few hundred znodes here.
    args: ['-Xms32m', '-Xmx256m', '-XX:+UseSerialGC', ...LOG_TIMES, '-cp', CLASSPATH, 'org.apache.zookeeper.server.quorum.QuorumPeerMain', configFile],
    logFile,
    pidFile: join(folder, 'pid'),
    cwd: folder,
  });
  try {
    await waitUntilReady({ what: `ZooKeeper (127.0.0.1:${port})`, pid, logFile, timeoutMs: READY_TIMEOUT_MS, probe: () => zooKeeperServes(port) });
  } catch (error) {
    await stopPid(pid);
    throw error;
  }
  return { port, pid, stop: () => stopPid(pid) };
}
