import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { startPostgres, type LocalPostgres } from '../../../db/localServers/postgres';
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

/**
 * Sensible settings for analytics on this machine; durability is off because the data is
 * throwaway. Address, port and socket folder are startPostgres's (loopback, a free port).
 */
export function postgresSettings(ramBytes = totalmem()): Record<string, string> {
  const gib = (fraction: number, cap: number) => `${Math.max(1, Math.min(cap, Math.floor((ramBytes / 2 ** 30) * fraction)))}GB`;
  return {
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

/** The comparison's PostgreSQL: the local cluster's starter (db/localServers) with the settings above. */
export class PostgresServer {
  private constructor(
    private readonly local: LocalPostgres,
    readonly version: string,
  ) {}

  static async start(install: PostgresInstall, workDir: string): Promise<PostgresServer> {
    const local = await startPostgres({ dir: workDir, settings: postgresSettings() });
    // --version answers before the server's refusal to run as root.
    const { stdout } = await run(join(install.binDir, 'postgres'), ['--version']);
    return new PostgresServer(local, stdout.trim());
  }

  async stop(): Promise<void> {
    await this.local.stop().catch(() => undefined);
  }

  /** Stop and start again: shared buffers empty (the OS page cache stays warm). */
  async restart(): Promise<void> {
    await this.local.restart();
  }

  get connection() {
    const url = new URL(this.local.url);
    return { host: url.hostname, port: Number(url.port), user: 'postgres', database: 'postgres' };
  }
}
