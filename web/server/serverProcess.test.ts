import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, queryRows } from '../../db/duckdb';
import { businessBody } from './testing/testRuntime';
import { freePort, killServers, startServerProcess, waitForHealth, type ServerProcess } from './testing/serverProcess';

const ADMIN = 'process-test-admin-token-123';
let dir: string;
let servers: ServerProcess[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mpa-proc-'));
});
afterEach(async () => {
  await killServers(servers);
  servers = [];
  rmSync(dir, { recursive: true, force: true });
});

async function start(env: Record<string, string> = {}) {
  const server = startServerProcess({ DATABASE_PATH: join(dir, 'db.duckdb'), ADMIN_TOKEN: ADMIN, ...env }, await freePort());
  servers.push(server);
  return server;
}

async function setUp(server: ServerProcess): Promise<string> {
  const auth = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' };
  await fetch(`${server.url}/v1/businesses/acme`, { method: 'PUT', headers: auth, body: JSON.stringify(businessBody('acme')) });
  const res = await fetch(`${server.url}/v1/businesses/acme/keys`, { method: 'POST', headers: auth, body: '{}' });
  return ((await res.json()) as { key: string }).key;
}

const event = (i: number) => ({
  id: `k-${i}`, business: 'acme', type: 'message.received', channel: 'whatsapp',
  customer: `+4915123${String(i).padStart(6, '0')}`, conversation: `c-${i}`, at: new Date(Date.now() - 60_000).toISOString(),
});

describe('the server process', () => {
  it('refuses a second server on the same database file with a clear message and a non-zero exit', async () => {
    const first = await start();
    await waitForHealth(first);
    const second = await start();
    const code = await second.exited;
    expect(code).not.toBe(0);
    expect(second.output()).toMatch(/db\.duckdb is already open in another process .*PID \d+/);
    expect((await fetch(`${first.url}/v1/health`)).status).toBe(200);
  });

  it('keeps every acknowledged event when killed with SIGKILL right after a 200', async () => {
    const server = await start();
    await waitForHealth(server);
    const key = await setUp(server);
    let acknowledged = 0;
    for (let batch = 0; batch < 5; batch++) {
      const events = Array.from({ length: 500 }, (_, i) => event(batch * 500 + i));
      const res = await fetch(`${server.url}/v1/events`, {
        method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ events }),
      });
      expect(res.status).toBe(200);
      acknowledged += ((await res.json()) as { accepted: number }).accepted;
    }
    server.child.kill('SIGKILL');
    await server.exited;

    const instance = await openDatabase(join(dir, 'db.duckdb'));
    const connection = await instance.connect();
    const [row] = await queryRows<{ n: number }>(connection, 'SELECT count(DISTINCT event_id)::INTEGER AS n FROM events');
    connection.closeSync();
    instance.closeSync();
    expect(acknowledged).toBe(2_500);
    expect(row!.n).toBe(2_500);

    const restarted = await start();
    await waitForHealth(restarted);
    const again = await fetch(`${restarted.url}/v1/events`, {
      method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ events: [event(0), event(2_499), event(9_999)] }),
    });
    expect(await again.json()).toEqual({ accepted: 1, duplicates: 2, rejected: [] });
  });

  it('on SIGTERM, stops accepting, commits and answers the requests already in flight, checkpoints and exits 0', async () => {
    // A slow writer (test knob) keeps the requests queued when SIGTERM arrives.
    // Generous margins: on a loaded 2-core machine the bodies take a while to arrive.
    const server = await start({ MPA_TEST_COMMIT_DELAY_MS: '5000' });
    await waitForHealth(server);
    const key = await setUp(server);
    const post = (from: number) => fetch(`${server.url}/v1/events`, {
      method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ events: Array.from({ length: 500 }, (_, i) => event(from + i)) }),
    });
    const inFlight = [post(0), post(500), post(1_000)];
    await new Promise((r) => setTimeout(r, 2500));
    server.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    // No new connections once stopping.
    await expect(fetch(`${server.url}/v1/health`)).rejects.toThrow();
    const replies = await Promise.all(inFlight.map(async (p) => {
      const res = await p;
      return { status: res.status, body: (await res.json()) as { accepted: number } };
    }));
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(replies.reduce((sum, r) => sum + r.body.accepted, 0)).toBe(1_500);
    expect(await server.exited).toBe(0);
    expect(server.output()).toMatch(/stopped: queue committed and checkpointed/);

    const instance = await openDatabase(join(dir, 'db.duckdb'));
    const connection = await instance.connect();
    const [row] = await queryRows<{ n: number }>(connection, 'SELECT count(*)::INTEGER AS n FROM events');
    connection.closeSync();
    instance.closeSync();
    expect(row!.n).toBe(1_500);
  });

  it('exits 0 after SIGTERM once the queue is committed', async () => {
    const server = await start();
    await waitForHealth(server);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });
});
