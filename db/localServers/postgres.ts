// A private PostgreSQL: initdb into its own folder, its own port and socket folder, loopback only,
// trust authentication for the `postgres` user (local throwaway data). PostgreSQL refuses to run
// as root, so as root it runs as the `postgres` OS user that Debian's package creates.
import { execFile } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePorts } from './freePorts';
import { isPortConflict, PORT_ATTEMPTS, tailOf } from './processes';

const run = promisify(execFile);
const POSTGRES_VERSIONS_DIR = '/usr/lib/postgresql';
export const POSTGRES_DATABASE = 'mpa';
const READY_TIMEOUT_SECONDS = 60;

export interface LocalPostgres {
  /** postgres://postgres@127.0.0.1:PORT/mpa */
  url: string;
  /** Stops the server (pg_ctl stop -m fast); removes no file. */
  stop(): Promise<void>;
  /** Stops and starts it again on the same port (its shared buffers empty). */
  restart(): Promise<void>;
  /** The postmaster's pid, to measure it. */
  pid(): number | undefined;
}

interface OsUser {
  name: string;
  uid: number;
  gid: number;
}

export interface PostgresFolder {
  binDir: string;
  dataDir: string;
  logFile: string;
  osUser: OsUser | undefined;
}

/** The newest Debian PostgreSQL, /usr/lib/postgresql/<major>/bin. */
export function postgresBinDir(): string {
  const majors = existsSync(POSTGRES_VERSIONS_DIR) ? readdirSync(POSTGRES_VERSIONS_DIR).filter((name) => /^\d+$/.test(name)) : [];
  const newest = majors.sort((a, b) => Number(b) - Number(a)).find((major) => existsSync(join(POSTGRES_VERSIONS_DIR, major, 'bin', 'initdb')));
  if (newest === undefined) throw new Error(`PostgreSQL is not installed (no ${POSTGRES_VERSIONS_DIR}/<version>/bin/initdb): install Debian's postgresql package`);
  return join(POSTGRES_VERSIONS_DIR, newest, 'bin');
}

export async function serverOsUser(): Promise<OsUser | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    return { name: 'postgres', uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    throw new Error('running as root, and there is no `postgres` OS user to run PostgreSQL as (PostgreSQL refuses root): install Debian\'s postgresql package');
  }
}

export async function runPostgresTool(folder: PostgresFolder, tool: string, args: string[]): Promise<string> {
  const binary = join(folder.binDir, tool);
  const [command, commandArgs] = folder.osUser ? ['runuser', ['-u', folder.osUser.name, '--', binary, ...args]] : [binary, args];
  try {
    return (await run(command, commandArgs, { cwd: '/' })).stdout;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new Error(`${tool} failed: ${detail.trim()}\nlast lines of ${folder.logFile}:\n${tailOf(folder.logFile)}`);
  }
}

export function postgresFolder(dir: string, osUser: OsUser | undefined): PostgresFolder {
  const root = join(dir, 'postgres');
  return { binDir: postgresBinDir(), dataDir: join(root, 'data'), logFile: join(root, 'postgres.log'), osUser };
}

function makeFolders(dir: string, folders: string[], osUser: OsUser | undefined): void {
  for (const folder of folders) {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    if (osUser) chownSync(folder, osUser.uid, osUser.gid);
  }
  // The postgres user must pass through the folder we were given (a mkdtemp folder is 0700).
  if (osUser) chmodSync(dir, 0o711);
}

export interface PostgresOptions {
  dir: string;
  /** Extra postgresql.conf settings (name -> value as written there, e.g. shared_buffers: '1GB'). */
  settings?: Record<string, string>;
}

export async function startPostgres(options: PostgresOptions): Promise<LocalPostgres> {
  const osUser = await serverOsUser();
  const folder = postgresFolder(options.dir, osUser);
  const root = join(options.dir, 'postgres');
  const socketDir = join(root, 'socket');
  mkdirSync(options.dir, { recursive: true });
  makeFolders(options.dir, [root, folder.dataDir, socketDir], osUser);
  // --no-sync: throwaway data, and initdb's fsyncs are most of its time.
  await runPostgresTool(folder, 'initdb', ['-D', folder.dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  if (options.settings) appendSettings(folder, options.settings);
  const port = await startServer(folder, socketDir);
  try {
    await runPostgresTool(folder, 'createdb', ['-h', socketDir, '-p', String(port), '-U', 'postgres', POSTGRES_DATABASE]);
  } catch (error) {
    await stopPostgres(folder);
    throw error;
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/${POSTGRES_DATABASE}`,
    stop: () => stopPostgres(folder),
    // Without -o, pg_ctl restart reuses the previous command line (port, socket folder) from postmaster.opts.
    restart: async () => {
      await runPostgresTool(folder, 'pg_ctl', ['-D', folder.dataDir, '-l', folder.logFile, '-m', 'fast', '-w', '-t', String(READY_TIMEOUT_SECONDS), 'restart']);
    },
    pid: () => postmasterPid(folder.dataDir),
  };
}

/** Appended after initdb's own lines: the last setting of a name wins (appending keeps the file's owner). */
function appendSettings(folder: PostgresFolder, settings: Record<string, string>): void {
  const file = join(folder.dataDir, 'postgresql.conf');
  appendFileSync(file, `\n# startPostgres settings\n${Object.entries(settings).map(([name, value]) => `${name} = ${value}`).join('\n')}\n`);
}

/** pg_ctl start on a free port (another try on a port taken meanwhile); the port it listens on. */
async function startServer(folder: PostgresFolder, socketDir: string): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const [port] = await freePorts(1);
    const serverOptions = `-p ${port} -k ${socketDir} -c listen_addresses=127.0.0.1`;
    try {
      // -w: pg_ctl returns once the server accepts connections (or fails naming the log).
      await runPostgresTool(folder, 'pg_ctl', ['-D', folder.dataDir, '-l', folder.logFile, '-o', serverOptions, '-w', '-t', String(READY_TIMEOUT_SECONDS), 'start']);
      return port!;
    } catch (error) {
      if (attempt === PORT_ATTEMPTS || !isPortConflict(error)) throw error;
    }
  }
}

export async function stopPostgres(folder: PostgresFolder): Promise<void> {
  if (postmasterPid(folder.dataDir) === undefined) return;
  await runPostgresTool(folder, 'pg_ctl', ['-D', folder.dataDir, '-m', 'fast', '-w', 'stop']);
}

/** The first line of postmaster.pid, which exists while the server runs. */
export function postmasterPid(dataDir: string): number | undefined {
  const file = join(dataDir, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  try {
    const pid = Number(readFileSync(file, 'utf8').split('\n')[0]?.trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
