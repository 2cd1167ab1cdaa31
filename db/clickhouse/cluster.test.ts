import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventRow } from '../eventStore';
import { ClickHouseClient } from './clickhouseClient';
import { ClickHouseEventStore } from './clickhouseEventStore';
import { eventCountsSql, eventMetricsSql, groupKeys, type EventMetricsScope } from './eventMetricsSql';
import { createSchema, EVENTS_LOCAL_TABLE } from './schema';
import { COUNTS_UNDER_TEST } from './testing/countsUnderTest';
import { byGroup, duckDbFigures } from './testing/duckdbFigures';
import { SAMPLE_START_MS, sampleEvents } from './testing/sampleEvents';
import { startTestClickHouse, type TestClickHouse } from './testing/servers';

// ClickHouse 18.16 as 2 shards x 2 replicas with ZooKeeper: the schema ON CLUSTER, writes and
// reads through the Distributed table from clients on different nodes.

const DAY_MS = 86_400_000;
const PERIOD = { startMs: SAMPLE_START_MS, endMs: SAMPLE_START_MS + 21 * DAY_MS };
// Several businesses, so both shards hold some.
const SAMPLE: EventRow[] = sampleEvents(1500, 5).map((e, i) => ({ ...e, business: `biz${i % 6}` }));

describe('ClickHouse 18.16, 2 shards x 2 replicas', () => {
  let cluster: TestClickHouse;
  const clients: ClickHouseClient[] = [];

  beforeAll(async () => {
    cluster = await startTestClickHouse({ shards: 2, replicas: 2 });
    expect(cluster.cluster).toBeDefined();
    // One client per shard's first replica, each naming every node after its own.
    for (const first of [0, 2]) {
      clients.push(new ClickHouseClient({ urls: [...cluster.urls.slice(first), ...cluster.urls.slice(0, first)], database: 'mpa_test' }));
    }
    await createSchema(clients[0]!, { cluster: cluster.cluster });
    await createSchema(clients[1]!, { cluster: cluster.cluster });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await cluster?.dispose();
  });

  it('counts each event once through the Distributed table, whoever wrote it how often, and equals DuckDB', async () => {
    const [a, b] = clients.map((c) => new ClickHouseEventStore(c, { cluster: cluster.cluster })) as [ClickHouseEventStore, ClickHouseEventStore];
    // The same events from two clients at once, the same batch again, and part of it in other batches.
    await Promise.all([a.commit(SAMPLE), b.commit(SAMPLE)]);
    await a.commit(SAMPLE);
    await b.commit(SAMPLE.slice(100, 400));
    // Each shard's insert reached one replica; a read may pick the other, so let every replica catch up first.
    await Promise.all(cluster.urls.map(async (url) => {
      const node = new ClickHouseClient({ urls: [url], database: 'mpa_test' });
      await node.command(`SYSTEM SYNC REPLICA ${EVENTS_LOCAL_TABLE}`);
      await node.close();
    }));
    expect(await a.countEvents()).toBe(SAMPLE.length);
    expect(await b.countEvents()).toBe(SAMPLE.length);

    // One business lives on one shard: each shard's nodes hold whole businesses, none on both.
    const businessesOf = async (url: string) => {
      const node = new ClickHouseClient({ urls: [url], database: 'mpa_test' });
      const rows = await node.query<{ business: string }>(`SELECT DISTINCT business FROM ${EVENTS_LOCAL_TABLE}`);
      await node.close();
      return rows.map((r) => r.business).sort();
    };
    const [s1, s2] = [await businessesOf(cluster.urls[0]!), await businessesOf(cluster.urls[2]!)];
    expect(s1.length).toBeGreaterThan(0);
    expect(s2.length).toBeGreaterThan(0);
    expect(s1.filter((x) => s2.includes(x))).toEqual([]);

    const duckdb = await duckDbFigures(SAMPLE);
    try {
      for (const scope of [PERIOD, { ...PERIOD, byChannel: true, bucket: 'week' }] satisfies EventMetricsScope[]) {
        const keys = groupKeys(scope);
        expect(byGroup(await clients[1]!.query(eventMetricsSql(scope, COUNTS_UNDER_TEST)), keys))
          .toEqual(byGroup(await duckdb.eventMetrics(scope, COUNTS_UNDER_TEST), keys));
        expect(byGroup(await clients[0]!.query(eventCountsSql(scope)), [...keys, 'type']))
          .toEqual(byGroup(await duckdb.eventCounts(scope), [...keys, 'type']));
      }
    } finally {
      duckdb.close();
    }
  });
});
