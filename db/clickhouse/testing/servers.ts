import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureClusterPackages, startClickHouse, type LocalClickHouse } from '../../localServers/localCluster';

/**
 * A real ClickHouse 18.16 (Debian's clickhouse-server) for a test file: one server, or shards x
 * replicas with ZooKeeper, in a temporary folder removed at stop. Fails with the reason when
 * the server cannot start, never skips.
 */
export interface TestClickHouse extends LocalClickHouse {
  dir: string;
  /** Stops the servers and removes their folder. */
  dispose(): Promise<void>;
}

export async function startTestClickHouse(layout: { shards?: number; replicas?: number } = {}): Promise<TestClickHouse> {
  await ensureClusterPackages();
  const dir = mkdtempSync(join(tmpdir(), 'mpa-clickhouse-test-'));
  let server: LocalClickHouse;
  try {
    server = await startClickHouse({ dir, ...layout });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`ClickHouse 18.16 could not start for this test (${(error as Error).message})`, { cause: error });
  }
  return {
    ...server,
    dir,
    dispose: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
