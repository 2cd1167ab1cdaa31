import { execFile } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, existsSync, mkdirSync } from 'node:fs';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const CANDIDATE_BIN_DIRS = ['/usr/lib/postgresql/15/bin'];

export interface PostgresInstall {
  binDir: string;
  /** Run the server as this OS user (initdb refuses root). */
  osUser: { name: string; uid: number; gid: number } | undefined;
}

/** Where PostgreSQL 15 is, or why the comparison cannot run here. */
export async function findPostgres(): Promise<PostgresInstall | { skipped: string }> {
  const dirs = process.env.PG_BIN ? [process.env.PG_BIN] : CANDIDATE_BIN_DIRS;
  const binDir = dirs.find((dir) => ['postgres', 'initdb', 'pg_ctl'].every((tool) => existsSync(join(dir, tool))));
  if (!binDir) return { skipped: `PostgreSQL 15 is not installed (no postgres, initdb and pg_ctl in ${dirs.join(', ')}; set PG_BIN)` };
  if (process.getuid?.() !== 0) return { binDir, osUser: undefined };
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    return { binDir, osUser: { name: 'postgres', uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) } };
  } catch {
    return { skipped: 'running as root, and there is no `postgres` OS user to run PostgreSQL as (initdb refuses root)' };
  }
}

/** Sensible settings for analytics on this machine; durability is off because the data is throwaway. */
export function postgresSettings(port: number, socketDir: string, ramBytes = totalmem()): Record<string, string> {
  const gib = (fraction: number, cap: number) => `${Math.max(1, Math.min(cap, Math.floor((ramBytes / 2 ** 30) * fraction)))}GB`;
  return {
    listen_addresses: "'127.0.0.1'",
    port: String(port),
    unix_socket_directories: `'${socketDir}'`,
    shared_buffers: gib(0.25, 6),
    effective_cache_size: gib(0.5, 12),
    work_mem: "'256MB'",
    maintenance_work_mem: "'1GB'",
    max_parallel_workers_per_gather: '2',
    random_page_cost: '1.1',
    // Only the load gets faster: fsync and WAL do not change how a query runs.
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    wal_level: 'minimal',
    max_wal_senders: '0',
    max_wal_size: "'8GB'",
  };
}

export class PostgresServer {
  private constructor(
    readonly install: PostgresInstall,
    readonly dataDir: string,
    readonly port: number,
    readonly version: string,
  ) {}

  static async start(install: PostgresInstall, workDir: string, port: number): Promise<PostgresServer> {
    const dataDir = join(workDir, 'pgdata');
    const socketDir = join(workDir, 'pgsocket');
    for (const dir of [dataDir, socketDir]) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      if (install.osUser) chownSync(dir, install.osUser.uid, install.osUser.gid);
    }
    if (install.osUser) chmodSync(workDir, 0o711); // the postgres user must reach its folders inside
    await asUser(install, 'initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C']);
    const settings = postgresSettings(port, socketDir);
    appendFileSync(join(dataDir, 'postgresql.conf'), `\n# mpa bench\n${Object.entries(settings).map(([k, v]) => `${k} = ${v}`).join('\n')}\n`);
    await asUser(install, 'pg_ctl', ['-D', dataDir, '-l', join(dataDir, 'server.log'), '-w', '-t', '120', 'start']);
    const { stdout } = await asUser(install, 'postgres', ['--version']);
    return new PostgresServer(install, dataDir, port, stdout.trim());
  }

  async stop(): Promise<void> {
    await asUser(this.install, 'pg_ctl', ['-D', this.dataDir, '-m', 'fast', '-w', 'stop']).catch(() => undefined);
  }

  /** Stop and start again: shared buffers empty (the OS page cache stays warm). */
  async restart(): Promise<void> {
    await asUser(this.install, 'pg_ctl', ['-D', this.dataDir, '-l', join(this.dataDir, 'server.log'), '-m', 'fast', '-w', '-t', '120', 'restart']);
  }

  get connection() {
    return { host: '127.0.0.1', port: this.port, user: 'postgres', database: 'postgres' };
  }
}

function asUser(install: PostgresInstall, tool: string, args: string[]) {
  const binary = join(install.binDir, tool);
  return install.osUser
    ? run('runuser', ['-u', install.osUser.name, '--', binary, ...args], { cwd: '/' })
    : run(binary, args, { cwd: '/' });
}
