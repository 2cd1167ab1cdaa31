import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventRow } from '../eventStore';
import { ClickHouseClient, ClickHouseError, ClickHouseUnavailableError } from './clickhouseClient';
import { ClickHouseEventStore } from './clickhouseEventStore';
import { eventCountsSql, eventMetricsSql, groupKeys, type EventMetricsScope } from './eventMetricsSql';
import { createSchema } from './schema';
import { literal } from './sqlLiteral';
import { COUNTS_UNDER_TEST } from './testing/countsUnderTest';
import { byGroup, duckDbFigures, type DuckDbFigures } from './testing/duckdbFigures';
import { HAND_EVENTS, HAND_EXPECTED_EVENTS, HAND_EXPECTED_METRICS, HAND_SCOPE } from './testing/handWorked';
import { HOSTILE_STRINGS } from './testing/hostileStrings';
import { SAMPLE_START_MS, sampleEvents } from './testing/sampleEvents';
import { startTestClickHouse, type TestClickHouse } from './testing/servers';

// Debian's clickhouse-server 18.16, one server, through @clickhouse/client over HTTP.

const DAY_MS = 86_400_000;
const SAMPLE = sampleEvents(2000, 11);
const PERIOD = { startMs: SAMPLE_START_MS, endMs: SAMPLE_START_MS + 21 * DAY_MS };
const SCOPES: EventMetricsScope[] = [PERIOD, { ...PERIOD, business: 'globex', byChannel: true }, { ...PERIOD, channel: 'whatsapp', bucket: 'week' }];
const DEAD_URL = 'http://127.0.0.1:9';

const dupEvents = (prefix: string, n: number): EventRow[] => sampleEvents(n, 3).map((e, i) => ({ ...e, business: 'dupco', eventId: `${prefix}${i}` }));

describe('ClickHouse 18.16 (Debian clickhouse-server)', () => {
  let server: TestClickHouse;
  let client: ClickHouseClient;
  let store: ClickHouseEventStore;
  let duckdb: DuckDbFigures;

  beforeAll(async () => {
    server = await startTestClickHouse();
    // A dead endpoint first: every call must get through to the one that answers.
    client = new ClickHouseClient({ urls: [DEAD_URL, server.urls[0]!], database: 'mpa_test' });
    await createSchema(client);
    await createSchema(client);
    store = new ClickHouseEventStore(client);
    duckdb = await duckDbFigures([...SAMPLE, ...HAND_EVENTS]);
  });
  afterAll(async () => {
    await client?.close();
    await server?.dispose();
    duckdb?.close();
  });

  it('is 18.16, and its errors carry their code', async () => {
    expect(await client.query<{ v: string }>('SELECT version() AS v')).toEqual([{ v: '18.16.1' }]);
    const error = await client.query('SELECT * FROM no_such_table').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClickHouseError);
    expect((error as ClickHouseError).code).toBe(60);
  });

  it('says so when no endpoint answers', async () => {
    const dead = new ClickHouseClient({ urls: [DEAD_URL, 'http://127.0.0.1:7'], database: 'mpa_test' });
    await expect(dead.query('SELECT 1')).rejects.toBeInstanceOf(ClickHouseUnavailableError);
    await dead.close();
  });

  it('reads hostile strings back exactly, inlined and inserted', async () => {
    for (const value of HOSTILE_STRINGS) {
      expect(await client.query(`SELECT ${literal(value)} AS v`)).toEqual([{ v: value }]);
    }
    const rows = HOSTILE_STRINGS.map((template, i) => ({ ...dupEvents('hostile', 1)[0]!, business: 'hostileco', eventId: `h${i}`, template }));
    await store.commit(rows);
    const stored = await client.query<{ event_id: string; template: string }>(`SELECT event_id, template FROM events WHERE business = 'hostileco'`);
    expect(Object.fromEntries(stored.map((r) => [r.event_id, r.template]))).toEqual(Object.fromEntries(rows.map((r) => [r.eventId, r.template])));
    const found = await store.storedEventIds(['h0', 'h1', ...HOSTILE_STRINGS]);
    expect([...found].sort()).toEqual(['h0', 'h1']);
  });

  it('counts an event once: the same batch twice, one event in two batches, and two clients at once', async () => {
    const batch = dupEvents('batch', 300);
    await store.commit(batch);
    await store.commit(batch);
    await store.commit([...batch.slice(0, 50), ...dupEvents('more', 20)]);
    const other = new ClickHouseClient({ urls: server.urls, database: 'mpa_test' });
    const concurrent = dupEvents('both', 200);
    await Promise.all([store.commit(concurrent), new ClickHouseEventStore(other).commit(concurrent)]);
    await other.close();
    expect(await store.countEvents('dupco')).toBe(300 + 20 + 200);
    const [perType] = await client.query<{ n: number }>(`SELECT sum(events) AS n FROM (${eventCountsSql({ startMs: SAMPLE_START_MS - 2 * DAY_MS, endMs: SAMPLE_START_MS + 30 * DAY_MS, business: 'dupco' })}) AS counted`);
    expect(perType?.n).toBe(520);
    expect((await store.storedEventIds(['batch0', 'more19', 'both199', 'never'])).size).toBe(3);
  });

  it('gives the hand-worked figures, each event once', async () => {
    await store.commit(HAND_EVENTS);
    await store.commit(HAND_EVENTS.slice(0, 4));
    expect(await client.query(eventMetricsSql(HAND_SCOPE, COUNTS_UNDER_TEST))).toEqual([{ business: 'handco', ...HAND_EXPECTED_METRICS }]);
    const byType = await client.query<{ type: string; events: number }>(eventCountsSql(HAND_SCOPE));
    expect(Object.fromEntries(byType.map((r) => [r.type, r.events]))).toEqual(HAND_EXPECTED_EVENTS);
  });

  it("equals the DuckDB store's figures on the same events", async () => {
    await store.commit(SAMPLE);
    await store.commit(SAMPLE.slice(500, 900));
    for (const scope of SCOPES) {
      const keys = groupKeys(scope);
      // dupco and hostileco are not in the DuckDB file: compare the sample's businesses only.
      const sampleOnly = (rows: Record<string, unknown>[]) => rows.filter((r) => r.business === 'acme' || r.business === 'globex');
      const expected = byGroup(sampleOnly(await duckdb.eventMetrics(scope, COUNTS_UNDER_TEST)), keys);
      expect(Object.keys(expected).length).toBeGreaterThan(0);
      expect(byGroup(sampleOnly(await client.query(eventMetricsSql(scope, COUNTS_UNDER_TEST))), keys)).toEqual(expected);
      expect(byGroup(sampleOnly(await client.query(eventCountsSql(scope))), [...keys, 'type']))
        .toEqual(byGroup(sampleOnly(await duckdb.eventCounts(scope)), [...keys, 'type']));
    }
  });
});
