import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureClusterPackages, residentBytes, startClickHouse, startPostgres, type LocalClickHouse, type LocalPostgres } from './localCluster';
import { isAlive, spawnLogged, waitUntilReady } from './processes';

/** One statement over ClickHouse's HTTP interface; settings go in the query string. */
async function sql(url: string, statement: string, settings: Record<string, string> = {}): Promise<string> {
  const reply = await fetch(`${url}/?${new URLSearchParams(settings)}`, { method: 'POST', body: statement });
  const text = await reply.text();
  if (!reply.ok) throw new Error(`ClickHouse ${url} answered ${reply.status}: ${text}`);
  return text.trim();
}

const count = async (url: string, table: string) => Number(await sql(url, `SELECT count() FROM ${table} FINAL`));

async function pollUntil(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (!(await check().catch(() => false))) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await sleep(100);
  }
  return Date.now() - started;
}

function rows(business: string, from: number, to: number): string {
  return Array.from({ length: to - from }, (_, i) => JSON.stringify({ business, id: `e${from + i}`, version: 1 })).join('\n');
}

const report = (line: string) => process.stderr.write(`local cluster: ${line}\n`);

describe('the local cluster (2 shards x 2 replicas with ZooKeeper, and PostgreSQL)', () => {
  let dir: string;
  let clickHouse: LocalClickHouse;
  let postgres: LocalPostgres;
  const insertDistributed = (url: string, body: string) =>
    sql(url, `INSERT INTO t.events FORMAT JSONEachRow\n${body}`, { insert_distributed_sync: '1' });

  beforeAll(async () => {
    await ensureClusterPackages();
    dir = mkdtempSync(join(tmpdir(), 'mpa-cluster-test-'));
    const started = performance.now();
    [clickHouse, postgres] = await Promise.all([startClickHouse({ dir, shards: 2, replicas: 2 }), startPostgres({ dir })]);
    const pids = [...clickHouse.pids(), postgres.pid()].filter((pid): pid is number => pid !== undefined);
    report(`started in ${((performance.now() - started) / 1000).toFixed(1)} s; ${(residentBytes(pids) / 2 ** 20).toFixed(0)} MiB resident (4 ClickHouse nodes, ZooKeeper, PostgreSQL)`);
  });

  afterAll(async () => {
    const started = performance.now();
    await Promise.all([clickHouse?.stop(), postgres?.stop()]);
    report(`stopped in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates replicated tables ON CLUSTER, and rows inserted through a Distributed table are readable from every node', async () => {
    expect(clickHouse.urls).toHaveLength(4);
    expect(clickHouse.cluster).toBe('mpa_cluster');
    const [first] = clickHouse.urls as [string];
    await sql(first, `CREATE DATABASE t ON CLUSTER ${clickHouse.cluster}`);
    await sql(first, `CREATE TABLE t.events_local ON CLUSTER ${clickHouse.cluster} (business String, id String, version UInt32)
      ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/t/events_local', '{replica}', version) ORDER BY (business, id)`);
    await sql(first, `CREATE TABLE t.events ON CLUSTER ${clickHouse.cluster} AS t.events_local
      ENGINE = Distributed(${clickHouse.cluster}, t, events_local, cityHash64(business))`);
    await insertDistributed(first, `${rows('acme', 0, 50)}\n${rows('globex', 0, 50)}\n${rows('initech', 0, 50)}`);
    // insert_distributed_sync waits for one replica of each shard; the other fetches the part
    // a moment later, and a read may land on either: poll.
    for (const url of clickHouse.urls) await pollUntil(`${url} reads all rows`, 10_000, async () => (await count(url, 't.events')) === 150);
    // Sharded: each shard holds a part, and both replicas of a shard hold the same part.
    const local = await Promise.all(clickHouse.urls.map((url) => count(url, 't.events_local')));
    expect(local[0]).toBeGreaterThan(0);
    expect(local[2]).toBeGreaterThan(0);
    expect(local[0]).toBe(local[1]);
    expect(local[2]).toBe(local[3]);
    expect(local[0]! + local[2]!).toBe(150);
  });

  it('keeps taking inserts with a replica killed -9, and the restarted replica catches up', async () => {
    const [first, killed] = clickHouse.urls as [string, string];
    await clickHouse.killNode(1);
    await expect(fetch(`${killed}/ping`)).rejects.toThrow();
    const shardOneBefore = await count(first, 't.events_local');
    await insertDistributed(first, `${rows('acme', 50, 100)}\n${rows('globex', 50, 100)}\n${rows('initech', 50, 100)}`);
    await pollUntil('the survivors read the new rows', 10_000, async () => (await count(first, 't.events')) === 300);
    // Some of them went to the killed replica's shard: it has something to catch up on.
    expect(await count(first, 't.events_local')).toBeGreaterThan(shardOneBefore);
    // Restarted before ZooKeeper ends its session, the replica waits ~10 s ("replica appears to
    // be already active"); after, it rejoins at once.
    const expiredMs = await pollUntil('ZooKeeper sees the killed replica gone', 15_000, async () =>
      (await sql(first, "SELECT active_replicas FROM system.replicas WHERE database = 't' AND table = 'events_local'")) === '1');
    const restarted = Date.now();
    await clickHouse.startNode(1);
    await pollUntil('the restarted replica catches up', 30_000, async () =>
      (await count(killed, 't.events_local')) === (await count(first, 't.events_local')));
    const caughtUpMs = Date.now() - restarted;
    await pollUntil('the restarted replica reads all rows', 10_000, async () => (await count(killed, 't.events')) === 300);
    report(`killed replica's ZooKeeper session ended after ${(expiredMs / 1000).toFixed(1)} s; restarted and caught up in ${(caughtUpMs / 1000).toFixed(1)} s`);
  });

  it('runs a PostgreSQL that answers on its URL', async () => {
    expect(postgres.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/mpa$/);
    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    try {
      expect((await client.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await client.end();
    }
  });
});

describe('a single ClickHouse server', () => {
  it('starts without ZooKeeper or cluster name, answers, and stops', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mpa-clickhouse-test-'));
    try {
      const server = await startClickHouse({ dir });
      const [url] = server.urls as [string];
      expect(server.urls).toHaveLength(1);
      expect(server.cluster).toBeUndefined();
      expect(await sql(url, 'SELECT 1 + 1')).toBe('2');
      const pids = server.pids();
      await server.stop();
      expect(pids.filter(isAlive)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a server that fails to start', () => {
  it('fails with the name of its log file and the last lines of it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mpa-failing-test-'));
    try {
      const logFile = join(dir, 'server.log');
      const pid = spawnLogged({ command: 'sh', args: ['-c', 'echo "bad port in config"; exit 3'], logFile, pidFile: join(dir, 'pid'), cwd: dir });
      await expect(waitUntilReady({ what: 'the failing server', pid, logFile, timeoutMs: 5_000, probe: async () => false }))
        .rejects.toThrow(new RegExp(`the failing server exited while starting; last lines of ${logFile}:\\nbad port in config`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
