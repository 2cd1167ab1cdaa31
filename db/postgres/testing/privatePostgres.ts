import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ensureClusterPackages, startPostgres } from '../../localServers/localCluster';

export interface PrivatePostgres {
  /** postgres://... of the server's own database. */
  url: string;
  /** Stops the server and removes its folder. */
  stop(): Promise<void>;
}

/**
 * A throwaway PostgreSQL for a test file: Debian's PostgreSQL (installed when missing, as the
 * local cluster does), in a temporary folder, on a free port of 127.0.0.1.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  await ensureClusterPackages();
  const dir = mkdtempSync(join(tmpdir(), 'mpa-pg-'));
  try {
    const server = await startPostgres({ dir });
    return {
      url: server.url,
      async stop() {
        await server.stop().catch(() => undefined);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`PostgreSQL could not start for this test (${(error as Error).message})`, { cause: error });
  }
}

let databases = 0;

/** A new, empty database on the server; returns its URL. */
export async function createDatabase(serverUrl: string): Promise<string> {
  const name = `test_${process.pid}_${(databases += 1)}`;
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
