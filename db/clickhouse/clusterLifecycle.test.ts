import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../auditLog';
import type { IdentityRecord } from '../customerLinks';
import { usePrivatePostgres } from '../postgres/testing/usePostgres';
import { ClickHouseClient } from './clickhouseClient';
import { ClickHouseEventStore } from './clickhouseEventStore';
import type { MutationResult } from './mutations';
import { createSchema, EVENTS_LOCAL_TABLE, LINKS_LOCAL_TABLE } from './schema';
import { literal } from './sqlLiteral';
import { eventAt, hexId } from './testing/lifecycleEvents';
import { startTestClickHouse, type TestClickHouse } from './testing/servers';

// Retention and erasure on ClickHouse 18.16 as 2 shards x 2 replicas with ZooKeeper: the deletions
// reach every shard and replica, also a replica that was killed -9 during the erasure.

const DATABASE = 'mpa_life';
const link = (identity: string, person: string): IdentityRecord =>
  ({ identity, person, kind: 'phone', region: 'DE', firstAtMicros: Date.parse('2026-04-01T00:00:00Z') * 1000 });

describe('ClickHouse lifecycle, 2 shards x 2 replicas', () => {
  let cluster: TestClickHouse;
  let nodes: ClickHouseClient[];
  let stores: ClickHouseEventStore[];
  const mutations: { step: string; result: MutationResult }[] = [];
  // The registry store of this mode (audit log, webhook state): one PostgreSQL both app servers share.
  const postgres = usePrivatePostgres();

  beforeAll(async () => {
    const registry = await postgres.store();
    cluster = await startTestClickHouse({ shards: 2, replicas: 2 });
    nodes = cluster.urls.map((url) => new ClickHouseClient({ urls: [url], database: DATABASE }));
    await createSchema(nodes[0]!, { cluster: cluster.cluster });
    // Two app servers' stores, each naming every node, starting from a different shard.
    stores = [0, 2].map((first) => new ClickHouseEventStore(
      new ClickHouseClient({ urls: [...cluster.urls.slice(first), ...cluster.urls.slice(0, first)], database: DATABASE }),
      {
        cluster: cluster.cluster, ddlTimeoutSeconds: 2,
        registry,
        onMutation: (step: string, result: MutationResult) => void mutations.push({ step, result }),
      },
    ));
  });
  afterAll(async () => {
    await Promise.all(nodes?.map((n) => n.close()) ?? []);
    await cluster?.dispose();
  });

  const syncAll = (indexes = [0, 1, 2, 3]) =>
    Promise.all(indexes.map((i) => nodes[i]!.command(`SYSTEM SYNC REPLICA ${EVENTS_LOCAL_TABLE}`).then(() => nodes[i]!.command(`SYSTEM SYNC REPLICA ${LINKS_LOCAL_TABLE}`))));
  const localCount = async (i: number, table: string, where: string) =>
    Number((await nodes[i]!.query<{ n: number }>(`SELECT count() AS n FROM ${table} WHERE ${where}`))[0]!.n);
  const everyNode = (table: string, where: string) => Promise.all([0, 1, 2, 3].map((i) => localCount(i, table, where)));
  // The shard (0 or 1) a business's rows live on: the Distributed table's cityHash64(business) % 2.
  const shardOf = async (business: string) => Number((await nodes[0]!.query<{ s: number }>(`SELECT cityHash64(${literal(business)}) % 2 AS s`))[0]!.s);
  const businessOnShard = async (shard: number, prefix: string) => {
    for (let i = 0; ; i++) if ((await shardOf(`${prefix}${i}`)) === shard) return `${prefix}${i}`;
  };
  const audit = () => ({ actor: 'admin', action: 'privacy.erasure', atMs: Date.now() } satisfies AuditEntry);

  it('erases a person whose events were sent twice, from both shards\' replicas, through any node', async () => {
    const [first, second] = [await businessOnShard(0, 'erase'), await businessOnShard(1, 'erase')];
    const person = hexId('cluster-person');
    const rowsOf = (business: string) => [1, 2, 3, 4].map((i) => eventAt(business, `p${i}`, person, `2026-04-0${i}T00:00:00Z`));
    const others = [eventAt(first, 'other', hexId('other'), '2026-04-05T00:00:00Z'), eventAt(second, 'other', hexId('other'), '2026-04-05T00:00:00Z')];
    const rows = [...rowsOf(first), ...rowsOf(second), ...others];
    const links = [first, second].map((business) => ({ business, records: [link(hexId('cluster-phone'), person)] }));
    await Promise.all([stores[0]!.commit(rows, links), stores[1]!.commit(rows, links)]);
    await syncAll();
    expect(await stores[1]!.countEvents()).toBe(rows.length);

    const counts = await stores[1]!.eraseCustomers(
      [{ business: first, customers: [hexId('cluster-phone')] }, { business: second, customers: [hexId('cluster-phone')] }], audit,
    );
    expect(counts).toEqual({ events: 8, webhookMessages: 0, webhookWatermarks: 0, customerLinks: 2 });
    expect(mutations.at(-1)).toMatchObject({ step: 'erasure', result: { unreachable: [] } });
    await syncAll();
    expect(await everyNode(EVENTS_LOCAL_TABLE, `customer = ${literal(person)}`)).toEqual([0, 0, 0, 0]);
    expect(await everyNode(LINKS_LOCAL_TABLE, `person = ${literal(person)}`)).toEqual([0, 0, 0, 0]);
    expect(await stores[0]!.countEvents()).toBe(2);
    // The id prefix scan reads both shards, each event once.
    const prefixes: number[] = [];
    await stores[0]!.forEachEventIdPrefix((high) => prefixes.push(...high));
    expect(prefixes.sort()).toEqual(others.map((e) => parseInt(e.eventId.slice(0, 8), 16)).sort());
    // The other customer's events are on each of their shard's replicas still.
    expect(await everyNode(EVENTS_LOCAL_TABLE, `customer = ${literal(hexId('other'))}`)).toEqual([1, 1, 1, 1]);
  });

  it('retention drops old months and the cutoff month\'s older rows on every replica, nothing newer', async () => {
    const businesses = [await businessOnShard(0, 'retain'), await businessOnShard(1, 'retain')];
    const rows = businesses.flatMap((b) => [
      eventAt(b, 'jan', 'r1', '2026-01-20T00:00:00Z'), eventAt(b, 'feb', 'r2', '2026-02-10T00:00:00Z'),
      eventAt(b, 'mar-old', 'r3', '2026-03-01T00:00:00Z'), eventAt(b, 'mar-new', 'r3', '2026-03-02T00:00:00Z'),
      eventAt(b, 'apr', 'r4', '2026-04-20T00:00:00Z'),
    ]);
    await stores[0]!.commit(rows);
    await stores[1]!.commit(rows);
    await syncAll();
    const before = await stores[0]!.countEvents();
    const counts = await stores[0]!.purgeExpired(Date.parse('2026-03-01T12:00:00Z'), Date.now());
    expect(counts.events).toBe(6);
    await syncAll();
    const retained = `business IN (${businesses.map((b) => literal(b)).join(', ')})`;
    expect(await everyNode(EVENTS_LOCAL_TABLE, `${retained} AND occurred_us < ${Date.parse('2026-03-01T12:00:00Z') * 1000}`)).toEqual([0, 0, 0, 0]);
    expect(await everyNode(EVENTS_LOCAL_TABLE, retained)).toEqual([2, 2, 2, 2]);
    expect(await stores[1]!.countEvents()).toBe(before - 6);
    const months = await nodes[3]!.query<{ p: string }>(`SELECT DISTINCT partition AS p FROM system.parts WHERE database = '${DATABASE}' AND table = '${EVENTS_LOCAL_TABLE}' AND active ORDER BY p`);
    expect(months.map((m) => m.p)).toEqual(['202603', '202604']);
  });

  it('moves a merged person\'s events on every replica of its shard', async () => {
    const business = await businessOnShard(1, 'merge');
    await stores[0]!.commit([eventAt(business, 'a', 'personA', '2026-04-10T00:00:00Z'), eventAt(business, 'b', 'personB', '2026-04-11T00:00:00Z')]);
    await stores[1]!.applyPersons(business, [link('phoneB', 'personA')], {
      moves: [{ from: 'personB', to: 'personA' }], regions: [{ person: 'personA', region: 'FR' }], conversations: [], threads: [],
    });
    await syncAll();
    expect(await everyNode(EVENTS_LOCAL_TABLE, `business = ${literal(business)} AND customer = 'personA' AND customer_region = 'FR'`)).toEqual([0, 0, 2, 2]);
    expect(await everyNode(LINKS_LOCAL_TABLE, `business = ${literal(business)} AND identity = 'phoneB' AND person = 'personA'`)).toEqual([0, 0, 1, 1]);
  });

  it('a replica killed -9 before an erasure has the rows gone once it is back', async () => {
    const business = await businessOnShard(0, 'killed');
    const person = hexId('killed-person');
    await stores[0]!.commit([1, 2, 3].map((i) => eventAt(business, `k${i}`, person, `2026-04-1${i}T00:00:00Z`)));
    await syncAll();
    expect(await localCount(1, EVENTS_LOCAL_TABLE, `customer = ${literal(person)}`)).toBe(3);

    await cluster.killNode(1); // shard 1's second replica
    const killedAt = Date.now();
    const counts = await stores[1]!.eraseCustomers([{ business, customers: [person] }], audit);
    expect(counts.events).toBe(3);
    // The erasure names the node it could not reach.
    expect(mutations.at(-1)?.result.unreachable).toHaveLength(1);
    expect(await everyNode(EVENTS_LOCAL_TABLE, `customer = ${literal(person)}`).catch(() => 'a node is down')).toBe('a node is down');
    expect(await localCount(0, EVENTS_LOCAL_TABLE, `customer = ${literal(person)}`)).toBe(0);

    // Back after its ZooKeeper session expired (3 s), so it rejoins at once (docs/scaling.md).
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 3_500 - (Date.now() - killedAt))));
    await cluster.startNode(1);
    await syncAll([1]);
    await expect.poll(() => localCount(1, EVENTS_LOCAL_TABLE, `customer = ${literal(person)}`), { timeout: 20_000, interval: 200 }).toBe(0);
    expect(await everyNode(EVENTS_LOCAL_TABLE, `customer = ${literal(person)}`)).toEqual([0, 0, 0, 0]);
  });
});
