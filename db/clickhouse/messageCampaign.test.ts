import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickHouseClient } from './clickhouseClient';
import { ClickHouseEventStore, toClickHouseRow } from './clickhouseEventStore';
import { messageFactsSql } from './factsSql';
import { addedColumnStatements, createSchema, EVENTS_LOCAL_TABLE, EVENTS_TABLE, schemaStatements } from './schema';
import { CAMPAIGN_EVENTS, campaignsByKey, duckdbCampaigns, EXPECTED_CAMPAIGNS } from './testing/campaignFacts';
import { openChdb } from './testing/chdbEngine';
import { startTestClickHouse, type TestClickHouse } from './testing/servers';

// The campaign tag of a message's earliest send, on both ClickHouse versions and DuckDB, and the
// upgrade of an events table created before the column existed.

type FactRow = { business: string; message: string; campaign: string | null };
const factsQuery = `SELECT business, message, campaign FROM (${messageFactsSql()}) AS facts`;

/** The events table as created before `campaign` existed: today's statement without the column. */
function oldShapeStatements(database: string, cluster?: string): string[] {
  return schemaStatements(database, { cluster }).map((statement) => {
    const old = statement.replace(/,\s*campaign Nullable\(String\)/, '');
    if (statement.includes(' events') && !statement.includes('Distributed') && old === statement) throw new Error('the events table has no campaign column to remove');
    return old;
  });
}
const columnsOf = async (client: ClickHouseClient, table: string) =>
  (await client.query<{ name: string }>(`SELECT name FROM system.columns WHERE database = currentDatabase() AND table = '${table}'`)).map((r) => r.name);

describe('message facts: the campaign of the earliest send', () => {
  let duckdb: Record<string, string | null>;
  beforeAll(async () => {
    duckdb = await duckdbCampaigns(CAMPAIGN_EVENTS);
  });

  it('DuckDB keeps the earliest send\'s campaign, NULL without one', () => {
    expect(duckdb).toEqual(EXPECTED_CAMPAIGNS);
  });

  it('ClickHouse 26.x (chdb) gives the same, with every event stored twice', () => {
    const chdb = openChdb();
    try {
      chdb.insert(CAMPAIGN_EVENTS);
      chdb.insert([...CAMPAIGN_EVENTS].reverse());
      expect(campaignsByKey(chdb.query<FactRow>(factsQuery))).toEqual(duckdb);
    } finally {
      chdb.close();
    }
  });

  it('alters only a table that lacks the column; with a cluster, the local table ON CLUSTER and the Distributed one anew', () => {
    const none = () => new Set<string>();
    expect(addedColumnStatements('mpa', none)).toEqual([`ALTER TABLE mpa.${EVENTS_TABLE} ADD COLUMN campaign Nullable(String)`]);
    const clustered = addedColumnStatements('mpa', none, { cluster: 'c1' });
    expect(clustered.slice(0, 2)).toEqual([
      `ALTER TABLE mpa.${EVENTS_LOCAL_TABLE} ON CLUSTER c1 ADD COLUMN campaign Nullable(String)`,
      `DROP TABLE IF EXISTS mpa.${EVENTS_TABLE} ON CLUSTER c1`,
    ]);
    expect(clustered[2]).toMatch(/^CREATE TABLE IF NOT EXISTS mpa\.events ON CLUSTER c1 AS mpa\.events_local\s+ENGINE = Distributed/);
    expect(addedColumnStatements('mpa', () => new Set(['campaign']), { cluster: 'c1' })).toEqual([]);
    expect(addedColumnStatements('mpa', (table) => new Set(table === EVENTS_LOCAL_TABLE ? ['campaign'] : []), { cluster: 'c1' })).toHaveLength(2);
  });
});

describe('ClickHouse 18.16: an events table from before campaigns, upgraded by createSchema', () => {
  let server: TestClickHouse;
  let client: ClickHouseClient;
  beforeAll(async () => {
    server = await startTestClickHouse();
    client = new ClickHouseClient({ urls: server.urls, database: 'mpa_upgrade' });
    const bootstrap = client.withDatabase('default');
    for (const statement of oldShapeStatements('mpa_upgrade')) await bootstrap.command(statement);
    await bootstrap.close();
  }, 60_000);
  afterAll(async () => {
    await client?.close();
    await server?.dispose();
  });

  it('adds the column once, keeps the old rows (campaign NULL), and its facts equal DuckDB\'s', async () => {
    expect(await columnsOf(client, EVENTS_TABLE)).not.toContain('campaign');
    // Rows written by the old version: no campaign field at all.
    const [early, ...rest] = CAMPAIGN_EVENTS;
    const { campaign: _dropped, ...oldRow } = toClickHouseRow(early!);
    await client.insertJsonEachRow(EVENTS_TABLE, [oldRow]);
    await createSchema(client);
    await createSchema(client);
    expect((await columnsOf(client, EVENTS_TABLE)).at(-1)).toBe('campaign');
    expect(await client.query(`SELECT campaign FROM ${EVENTS_TABLE}`)).toEqual([{ campaign: null }]);
    await new ClickHouseEventStore(client).commit(rest);
    const expected = await duckdbCampaigns([{ ...early!, campaign: null }, ...rest]);
    const actual = campaignsByKey(await client.query<FactRow>(factsQuery));
    expect(actual).toEqual(expected);
    // The old send of m1 was the later one: the earliest send's campaign holds anyway.
    expect(actual).toEqual(EXPECTED_CAMPAIGNS);
  });
});

describe('ClickHouse 18.16 cluster (2 shards x 2 replicas): the upgrade ON CLUSTER, local and Distributed tables', () => {
  let cluster: TestClickHouse;
  let client: ClickHouseClient;
  beforeAll(async () => {
    cluster = await startTestClickHouse({ shards: 2, replicas: 2 });
    client = new ClickHouseClient({ urls: cluster.urls, database: 'mpa_upgrade' });
    const bootstrap = client.withDatabase('default');
    for (const statement of oldShapeStatements('mpa_upgrade', cluster.cluster)) await bootstrap.command(statement);
    await bootstrap.close();
  }, 120_000);
  afterAll(async () => {
    await client?.close();
    await cluster?.dispose();
  });

  it('gives every node\'s tables the column, and the facts through the Distributed table equal DuckDB\'s', async () => {
    await createSchema(client, { cluster: cluster.cluster });
    await createSchema(client, { cluster: cluster.cluster });
    for (const url of cluster.urls) {
      const node = new ClickHouseClient({ urls: [url], database: 'mpa_upgrade' });
      try {
        for (const table of [EVENTS_LOCAL_TABLE, EVENTS_TABLE]) expect((await columnsOf(node, table)).at(-1)).toBe('campaign');
      } finally {
        await node.close();
      }
    }
    await new ClickHouseEventStore(client, { cluster: cluster.cluster }).commit(CAMPAIGN_EVENTS);
    expect(campaignsByKey(await client.query<FactRow>(factsQuery))).toEqual(EXPECTED_CAMPAIGNS);
  });
});
