// npm run cluster -- start|stop|status [--dir .cluster] [--shards 2 --replicas 2]
// A ClickHouse cluster (shards x replicas, with ZooKeeper) and a PostgreSQL on 127.0.0.1, from
// Debian's packages, in a folder of its own; the servers run on after this command returns.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startClickHouse } from '../../../db/localServers/clickhouse';
import { ensureClusterPackages } from '../../../db/localServers/clusterPackages';
import { readState, recordState, serverEnvironment, serversOf, stateFile, type ClusterState } from './clusterState';
import { startPostgres } from '../../../db/localServers/postgres';
import { residentBytes } from '../../../db/localServers/processes';

const HELP = `npm run cluster -- <command> [options]

A local ClickHouse cluster (Debian's clickhouse-server 18.16, with ZooKeeper) and a PostgreSQL, on
127.0.0.1, on free ports, in a folder of their own. Missing Debian packages are installed (as root).

commands:
  start    start the servers in the background and print the environment for STORE=clickhouse
           (with a pseudonym key, secrets key and admin token generated for this cluster)
  stop     stop the servers recorded in the folder (their data stays; delete the folder to reset)
  status   say which servers run, and print the environment again

options:
  --dir <folder>     the cluster's folder (default .cluster)
  --shards <n>       ClickHouse shards (default 2; with --replicas 1, one server without ZooKeeper)
  --replicas <n>     replicas per shard (default 2)
  --help             this text
`;

const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

function parse() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      dir: { type: 'string', default: '.cluster' },
      shards: { type: 'string', default: '2' },
      replicas: { type: 'string', default: '2' },
      help: { type: 'boolean', default: false },
    },
  });
  return { command: values.help ? 'help' : (positionals[0] ?? 'help'), dir: resolve(values.dir), shards: Number(values.shards), replicas: Number(values.replicas) };
}

function printEnvironment(state: ClusterState): void {
  const environment = Object.entries(serverEnvironment(state)).map(([name, value]) => `${name}=${value}`);
  say('\nstart app servers against it (any number, each on its own PORT) with this environment (docs/scaling.md):');
  say(`  ${environment.join(' ')}`);
  say('  the keys are this cluster\'s own, kept in its cluster.json (mode 0600): every server of the store must use the same');
}

async function start(dir: string, shards: number, replicas: number): Promise<void> {
  const previous = readState(dir);
  if (previous && (await serversOf(previous)).some((server) => server.pid !== undefined)) {
    throw new Error(`a cluster recorded in ${stateFile(dir)} still runs: npm run cluster -- stop${dir === resolve('.cluster') ? '' : ` --dir ${dir}`}`);
  }
  // A new cluster each time, in an empty folder: the stopped one's data stays for its logs.
  if (previous) throw new Error(`${dir} holds a stopped cluster: delete the folder to start a new one (rm -rf ${dir})`);
  await ensureClusterPackages();
  mkdirSync(dir, { recursive: true });
  const started = performance.now();
  const [clickHouse, postgres] = await Promise.all([startClickHouse({ dir, shards, replicas }), startPostgres({ dir })]);
  const state = recordState(dir, { shards, replicas }, clickHouse, postgres);
  const pids = [...clickHouse.pids(), postgres.pid()].filter((pid): pid is number => pid !== undefined);
  say(`started in ${((performance.now() - started) / 1000).toFixed(1)} s, ${(residentBytes(pids) / 2 ** 20).toFixed(0)} MiB resident, in ${dir}:`);
  await printStatus(state);
  printEnvironment(state);
}

/** One line per server; says whether any runs. */
async function printStatus(state: ClusterState): Promise<boolean> {
  const servers = await serversOf(state);
  for (const server of servers) {
    const running = server.pid === undefined ? 'stopped' : (await server.answers()) ? `running (pid ${server.pid})` : `not answering (pid ${server.pid})`;
    say(`  ${server.name.padEnd(16)} ${server.address.padEnd(40)} ${running}`);
  }
  return servers.some((server) => server.pid !== undefined);
}

async function stop(dir: string): Promise<void> {
  const state = readState(dir);
  if (!state) return say(`no cluster is recorded in ${dir}`);
  const started = performance.now();
  const servers = await serversOf(state);
  const postgres = servers.filter((server) => server.name === 'PostgreSQL');
  const zooKeeper = servers.filter((server) => server.name === 'ZooKeeper');
  const clickHouse = servers.filter((server) => !postgres.includes(server) && !zooKeeper.includes(server));
  // ClickHouse before ZooKeeper: nodes that lose ZooKeeper first keep retrying it while stopping.
  await Promise.all([...clickHouse, ...postgres].map((server) => server.stop()));
  await Promise.all(zooKeeper.map((server) => server.stop()));
  say(`stopped ${servers.filter((server) => server.pid !== undefined).length} servers in ${((performance.now() - started) / 1000).toFixed(1)} s; the data stays in ${dir}`);
}

async function status(dir: string): Promise<void> {
  const state = readState(dir);
  if (!state) return say(`no cluster is recorded in ${dir}: npm run cluster -- start`);
  say(`cluster in ${dir}, started ${state.startedAt}:`);
  if (await printStatus(state)) printEnvironment(state);
}

async function main(): Promise<void> {
  const { command, dir, shards, replicas } = parse();
  if (command === 'start') return start(dir, shards, replicas);
  if (command === 'stop') return stop(dir);
  if (command === 'status') return status(dir);
  if (command !== 'help') process.exitCode = 1;
  process.stdout.write(HELP);
}

// Output piped into `head` that closes early: the servers run on regardless, so no stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

main().catch((error: unknown) => {
  process.stderr.write(`cluster: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
