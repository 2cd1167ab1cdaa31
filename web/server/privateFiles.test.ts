import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { businessBody } from './testing/testRuntime';
import { freePort, killServers, startServerProcess, waitForHealth, type ServerProcess } from './testing/serverProcess';

// The real server on a folder it creates: the database, its WAL and the key files are the
// owner's alone, and the generated admin token is printed at the first start only.
let root: string;
let servers: ServerProcess[] = [];

afterEach(async () => {
  await killServers(servers);
  servers = [];
  rmSync(root, { recursive: true, force: true });
});

async function startServer(databasePath: string): Promise<ServerProcess> {
  // No ADMIN_TOKEN, PSEUDONYM_KEY or SECRETS_KEY: the server generates and keeps them in files.
  const server = startServerProcess({ DATABASE_PATH: databasePath }, await freePort());
  servers.push(server);
  await waitForHealth(server);
  return server;
}

async function stop(server: ServerProcess): Promise<void> {
  server.child.kill('SIGTERM');
  expect(await server.exited).toBe(0);
}

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

describe('files of the server', () => {
  it('creates its folder 0700 and the database, its WAL and key files 0600; prints the admin token only when generated', async () => {
    root = mkdtempSync(join(tmpdir(), 'mpa-files-'));
    const folder = join(root, 'data');
    const databasePath = join(folder, 'analytics.duckdb');
    const first = await startServer(databasePath);
    const token = /Admin token \(generated[^)]*\): (\S+)/.exec(first.output())?.[1];
    expect(token).toBeDefined();

    // A write, so that the WAL exists while the server runs.
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const put = await fetch(`${first.url}/v1/businesses/acme`, { method: 'PUT', headers: auth, body: JSON.stringify(businessBody('acme')) });
    expect(put.status).toBe(201);
    expect(existsSync(`${databasePath}.wal`)).toBe(true);
    expect(mode(folder)).toBe('700');
    for (const file of [databasePath, `${databasePath}.wal`, `${databasePath}.pseudonym-key`, `${databasePath}.secrets-key`, join(folder, 'admin-token')]) {
      expect(mode(file), file).toBe('600');
    }
    await stop(first);

    const second = await startServer(databasePath);
    expect(second.output()).toContain(`Admin token: kept in ${join(folder, 'admin-token')}`);
    expect(second.output()).not.toContain(token!);
    await stop(second);
  });
});
