import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickHouseClient } from '../../db/clickhouse/clickhouseClient';
import { EVENTS_LOCAL_TABLE, EVENTS_TABLE } from '../../db/clickhouse/schema';
import { literal, literalTuple } from '../../db/clickhouse/sqlLiteral';
import { startTestClickHouse, type TestClickHouse } from '../../db/clickhouse/testing/servers';
import { createDatabase, startPrivatePostgres, type PrivatePostgres } from '../../db/postgres/testing/privatePostgres';
import { Pseudonymiser } from '../../ingest/anonymise/pseudonym';
import { batchMarker, eventsPerBatch, expectedFigures, FailoverLoader } from './testing/failoverLoader';
import { freePort, killServers, startServerProcess, waitForHealth, type ServerProcess } from './testing/serverProcess';
import { decodeKey } from './secrets';
import { businessBody } from './testing/testRuntime';

// STORE=clickhouse under faults: two app servers on a 2 shards x 2 replicas ClickHouse 18.16
// cluster with ZooKeeper and one PostgreSQL. A client keeps sending batches to both servers,
// retrying any batch not acknowledged on the other one, while a replica of the business's shard
// and one app server are killed with kill -9. Every acknowledged event must be counted exactly
// once, the reports must answer while the replica is down, and the replica must catch up.

const ADMIN = 'cluster-faults-admin-token-0123';
const PSEUDONYM_KEY = 'a1'.repeat(32);
const DATABASE = 'mpa';
const SECONDS = 1_000;

interface Report {
  totals: { conversations: number | null; customer_initiated: number | null; delivery_rate: number | null; read_rate: number | null; suppressed: unknown };
  templates: { sent: number | null }[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls both counts until each equals `target`; the seconds from `sinceMs` at which each first did. */
async function secondsUntilBoth(sinceMs: number, first: () => Promise<number>, second: () => Promise<number>, target: number): Promise<[number, number]> {
  const reached: (number | undefined)[] = [undefined, undefined];
  const deadline = Date.now() + 60 * SECONDS;
  while (reached.includes(undefined)) {
    if (Date.now() > deadline) throw new Error(`the replicas did not reach ${target} rows within 60 s (${await first()} and ${await second()})`);
    const counts = await Promise.all([first(), second()]);
    counts.forEach((count, i) => {
      if (count === target) reached[i] ??= (Date.now() - sinceMs) / SECONDS;
    });
    await sleep(100);
  }
  return reached as [number, number];
}

const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

describe('STORE=clickhouse with a replica and an app server killed -9', () => {
  let cluster: TestClickHouse;
  let postgres: PrivatePostgres;
  let nodes: ClickHouseClient[];
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    [cluster, postgres] = await Promise.all([startTestClickHouse({ shards: 2, replicas: 2 }), startPrivatePostgres()]);
    nodes = cluster.urls.map((url) => new ClickHouseClient({ urls: [url], database: DATABASE }));
  }, 120 * SECONDS);
  afterAll(async () => {
    await killServers(servers);
    await Promise.all(nodes?.map((node) => node.close()) ?? []);
    await Promise.all([cluster?.dispose(), postgres?.stop()]);
  });

  // The shard (0 or 1) a business's rows live on: the Distributed table's cityHash64(business) % 2.
  const shardOf = async (business: string) =>
    Number((await nodes[0]!.withDatabase('default').query<{ s: number }>(`SELECT cityHash64(${literal(business)}) % 2 AS s`))[0]!.s);
  const rowsOn = async (node: number, business: string) =>
    Number((await nodes[node]!.query<{ n: number }>(`SELECT count() AS n FROM ${EVENTS_LOCAL_TABLE} FINAL WHERE business = ${literal(business)}`))[0]!.n);

  /** The batches (of those given) whose rows node holds: a batch is one insert, so its marker event stands for it. */
  async function batchesOn(node: number, business: string, batches: readonly number[]): Promise<Set<number>> {
    const pseudonymiser = new Pseudonymiser(decodeKey(PSEUDONYM_KEY));
    const byId = new Map(batches.map((b) => [pseudonymiser.pseudonym(business, 'event', batchMarker(b)), b]));
    const rows = await nodes[node]!.query<{ id: string }>(
      `SELECT event_id AS id FROM ${EVENTS_LOCAL_TABLE} WHERE business = ${literal(business)} AND event_id IN ${literalTuple([...byId.keys()])}`,
    );
    return new Set(rows.map((row) => byId.get(row.id)!));
  }

  async function startServers(clickhouseUrls: string[][]): Promise<ServerProcess[]> {
    const databaseUrl = await createDatabase(postgres.url);
    const started = await Promise.all(clickhouseUrls.map(async (urls) => startServerProcess({
      STORE: 'clickhouse', CLICKHOUSE_URL: urls.join(','), CLICKHOUSE_DATABASE: DATABASE, CLICKHOUSE_CLUSTER: cluster.cluster!,
      DATABASE_URL: databaseUrl, PSEUDONYM_KEY, SECRETS_KEY: 'b2'.repeat(32), ADMIN_TOKEN: ADMIN, LOG_LEVEL: 'warn',
    }, await freePort())));
    servers.push(...started);
    await Promise.all(started.map((server) => waitForHealth(server, 90 * SECONDS)));
    return started;
  }

  async function registerBusiness(server: ServerProcess, business: string): Promise<string> {
    const admin = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' };
    const put = await fetch(`${server.url}/v1/businesses/${business}`, { method: 'PUT', headers: admin, body: JSON.stringify(businessBody(business)) });
    expect(put.status).toBeLessThan(300);
    const keyReply = await fetch(`${server.url}/v1/businesses/${business}/keys`, { method: 'POST', headers: admin, body: '{}' });
    expect(keyReply.status).toBe(201);
    return ((await keyReply.json()) as { key: string }).key;
  }

  async function report(server: ServerProcess, business: string, baseMs: number): Promise<{ status: number; body: Report }> {
    const query = `from=${isoDate(baseMs - 86_400 * SECONDS)}&to=${isoDate(Date.now())}`;
    const res = await fetch(`${server.url}/v1/reports/businesses/${business}?${query}`, { headers: { authorization: `Bearer ${ADMIN}` } });
    return { status: res.status, body: (await res.json()) as Report };
  }

  // The report's figures the test knows the expected values of (reads show only as read_rate).
  const figuresOf = (body: Report) => ({
    conversations: body.totals.conversations ?? -1,
    messagesSent: body.templates.reduce((sum, row) => sum + (row.sent ?? 0), 0),
    readRate: body.totals.read_rate,
  });

  it('counts every acknowledged event once, answers reports while a replica is down, and the replica catches up', async () => {
    const business = 'faults';
    const shard = await shardOf(business);
    // The replica killed is the one the surviving server prefers, and a replica of the business's
    // shard: its inserts and reads must move to the other nodes, the shard's rows to its sibling.
    const killed = shard * 2;
    const sibling = killed + 1;
    const others = cluster.urls.filter((_, i) => i !== killed);
    const [doomed, survivor] = await startServers([[...others.slice(1), others[0]!, cluster.urls[killed]!], [cluster.urls[killed]!, ...others]]);
    const key = await registerBusiness(doomed!, business);
    const baseMs = Date.now() - 3 * 3_600 * SECONDS;

    const loader = new FailoverLoader([doomed!.url, survivor!.url], key, business, baseMs);
    loader.start(2);
    await sleep(3 * SECONDS);
    await cluster.killNode(killed); // resolves once the process is gone
    const replicaDeadAt = Date.now();
    await sleep(2 * SECONDS);
    doomed!.child.kill('SIGKILL');
    await doomed!.exited;
    await sleep(4 * SECONDS);
    await loader.stop();
    const acknowledged = loader.acknowledged.length;
    const expected = expectedFigures(acknowledged);

    // While the replica is down, the surviving server answers reports, from the sibling replica:
    // it holds every batch sent once the replica was dead, and those sent before unless the
    // killed replica wrote them in its last moment, before the sibling fetched them
    // (docs/scaling.md); those are unavailable until it returns. The report counts exactly what
    // the sibling holds.
    const onSibling = await batchesOn(sibling, business, loader.acknowledged.map((b) => b.batch));
    const unavailable = loader.acknowledged.filter((b) => !onSibling.has(b.batch));
    expect(unavailable.filter((b) => b.sentAtMs > replicaDeadAt)).toEqual([]);
    const whileDown = await report(survivor!, business, baseMs);
    expect(whileDown.status).toBe(200);
    expect(whileDown.body.totals.suppressed).toEqual([]);
    const downFigures = figuresOf(whileDown.body);
    const heldWhileDown = expectedFigures(onSibling.size);
    expect(downFigures.conversations).toBe(heldWhileDown.conversations);
    expect(downFigures.messagesSent).toBe(heldWhileDown.messagesSent);
    expect(downFigures.readRate).toBeCloseTo(heldWhileDown.reads / heldWhileDown.messagesSent, 6);
    const unavailableWhileDown = unavailable.length * eventsPerBatch();
    const writtenWhileDown = loader.acknowledged.filter((b) => b.sentAtMs > replicaDeadAt).length * eventsPerBatch();

    // The replica back (its ZooKeeper session of 3 s long expired: it rejoins at once), until its
    // rows equal its sibling's and every acknowledged event.
    const restartAt = Date.now();
    await cluster.startNode(killed);
    const upSeconds = (Date.now() - restartAt) / SECONDS;
    const events = loader.acknowledgedEvents;
    // Each replica's time until it holds every acknowledged event: the killed one fetches what was
    // written while it was down, its sibling what only the killed one had.
    const caughtUp = await secondsUntilBoth(restartAt, () => rowsOn(killed, business), () => rowsOn(sibling, business), events);

    const [stored] = await nodes[sibling]!.query<{ rows: number; distinct: number; copies: number }>(
      `SELECT count() AS rows, uniqExact(event_id) AS distinct, (SELECT count() FROM ${EVENTS_TABLE} WHERE business = ${literal(business)}) AS copies
       FROM ${EVENTS_TABLE} FINAL WHERE business = ${literal(business)}`,
    );
    const after = await report(survivor!, business, baseMs);
    expect(after.status).toBe(200);
    const afterFigures = figuresOf(after.body);
    const lost = events - stored!.distinct;
    const duplicated = stored!.rows - stored!.distinct + Math.max(0, afterFigures.conversations - expected.conversations);
    process.stderr.write(`cluster faults: ${events} events acknowledged (${acknowledged} batches of ${eventsPerBatch()}), ${stored!.distinct} stored ` +
      `(${stored!.copies} rows before FINAL), ${lost} lost, ${duplicated} duplicated, ${writtenWhileDown} written while the replica was down, ` +
      `${unavailableWhileDown} unavailable then (acknowledged by the killed replica, not yet on its sibling); ` +
      `replica answering ${upSeconds.toFixed(1)} s after its restart, caught up ${caughtUp[0].toFixed(1)} s (its sibling ${caughtUp[1].toFixed(1)} s); client: ${loader.figures.requests} requests, ${loader.figures.retries} retries, ` +
      `${loader.figures.connectionFailures} connection failures, ${loader.figures.serverErrors} 5xx (${loader.figures.serverErrorCodes.join(', ')})\n`);

    expect(acknowledged).toBeGreaterThan(10);
    expect(loader.figures.retries).toBeGreaterThan(0); // the kill of the app server cut some batch off
    expect(stored).toMatchObject({ rows: events, distinct: events });
    expect(lost).toBe(0);
    expect(duplicated).toBe(0);
    expect(afterFigures.conversations).toBe(expected.conversations);
    expect(after.body.totals.customer_initiated).toBe(expected.conversations);
    expect(afterFigures.messagesSent).toBe(expected.messagesSent);
    expect(after.body.totals.delivery_rate).toBe(1);
    expect(afterFigures.readRate).toBeCloseTo(expected.reads / expected.messagesSent, 6);
  }, 150 * SECONDS);
});
