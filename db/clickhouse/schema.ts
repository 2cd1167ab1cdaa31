import type { ClickHouseClient } from './clickhouseClient';
import { identifier, literal } from './sqlLiteral';

/**
 * The ClickHouse events table (the columns of db/schema.ts `events` the reports read), in types
 * ClickHouse 18.16 has: no DateTime64 (instants are UInt64 microseconds, as EventRow carries them,
 * plus a DateTime of the occurrence to partition by), no LowCardinality (it needs a setting there).
 *
 * Duplicates: ReplacingMergeTree ordered by (business, event_id), so rows of one event (a resend,
 * a retried insert, the same event sent to two servers at once) collapse into one when parts
 * merge, and reads that must see each event once use FINAL (./eventMetricsSql.ts). No version
 * column: rows with one id are one client event, so which copy survives does not change a figure.
 *
 * With a cluster: `events_local` on every node (ReplicatedReplacingMergeTree, one ZooKeeper path
 * per shard and database) and `events` a Distributed table over them, sharded by
 * cityHash64(business): one business's events live on one shard, so its duplicates meet there and
 * FINAL collapses them. Without one: `events` is the ReplacingMergeTree itself. Readers and
 * writers always name `events`.
 */

export const EVENTS_TABLE = 'events';
export const EVENTS_LOCAL_TABLE = 'events_local';

const EVENT_COLUMNS = `(
  business String,
  event_id String,
  type String,
  channel String,
  customer String,
  customer_region String,
  conversation Nullable(String),
  message Nullable(String),
  occurred_at DateTime('UTC'),
  occurred_us UInt64,
  received_us UInt64,
  sender Nullable(String),
  category Nullable(String),
  template Nullable(String),
  processed_in String,
  error_code Nullable(Int32),
  pricing Nullable(String),
  source Nullable(String)
)`;

// Month partitions: retention drops whole months and mutates only the month the cutoff falls in.
const LAYOUT = 'PARTITION BY toYYYYMM(occurred_at) ORDER BY (business, event_id)';

/**
 * Identity links (db/customerLinks.ts): the identifiers of one person at a business, every value a
 * keyed pseudonym. Appended with a version (no lookup at write time); ReplacingMergeTree keeps the
 * highest version of each (business, identity) when parts merge, and reads use FINAL to see only
 * that one before. Sharded by business like the events, so a person's links and events share a
 * shard.
 */
export const LINKS_TABLE = 'customer_links';
export const LINKS_LOCAL_TABLE = 'customer_links_local';

const LINK_COLUMNS = `(
  business String,
  identity String,
  person String,
  kind String,
  region String,
  first_us UInt64,
  version UInt64
)`;

interface TableSpec {
  name: string;
  local: string;
  columns: string;
  /** ReplacingMergeTree's arguments after the replication ones (the version column), if any. */
  version?: string;
  layout: string;
}

const TABLES: readonly TableSpec[] = [
  { name: EVENTS_TABLE, local: EVENTS_LOCAL_TABLE, columns: EVENT_COLUMNS, layout: LAYOUT },
  { name: LINKS_TABLE, local: LINKS_LOCAL_TABLE, columns: LINK_COLUMNS, version: 'version', layout: 'ORDER BY (business, identity)' },
];

/** The table a mutation or partition drop names: the replicated local table with a cluster, else the table itself. */
export function storageTable(table: typeof EVENTS_TABLE | typeof LINKS_TABLE, cluster: string | undefined): string {
  if (cluster === undefined) return table;
  return table === EVENTS_TABLE ? EVENTS_LOCAL_TABLE : LINKS_LOCAL_TABLE;
}

export interface SchemaOptions {
  /** A cluster name of the servers' remote_servers (CLICKHOUSE_CLUSTER); unset: one server. */
  cluster?: string;
}

/** The statements creating the database and its tables, in order; each may run again (IF NOT EXISTS). */
export function schemaStatements(database: string, options: SchemaOptions = {}): string[] {
  const db = identifier(database);
  if (options.cluster === undefined) {
    return [
      `CREATE DATABASE IF NOT EXISTS ${db}`,
      ...TABLES.map((t) => `CREATE TABLE IF NOT EXISTS ${db}.${t.name} ${t.columns} ENGINE = ReplacingMergeTree(${t.version ?? ''}) ${t.layout}`),
    ];
  }
  const cluster = identifier(options.cluster);
  return [
    `CREATE DATABASE IF NOT EXISTS ${db} ON CLUSTER ${cluster}`,
    ...TABLES.flatMap((t) => {
      // {shard} and {replica} are each server's macros; the database in the path keeps two
      // databases of one cluster (or two test runs) apart in ZooKeeper.
      const zooKeeperPath = literal(`/clickhouse/tables/{shard}/${db}/${t.name}`);
      const version = t.version === undefined ? '' : `, ${t.version}`;
      return [
        `CREATE TABLE IF NOT EXISTS ${db}.${t.local} ON CLUSTER ${cluster} ${t.columns}
  ENGINE = ReplicatedReplacingMergeTree(${zooKeeperPath}, '{replica}'${version}) ${t.layout}`,
        `CREATE TABLE IF NOT EXISTS ${db}.${t.name} ON CLUSTER ${cluster} AS ${db}.${t.local}
  ENGINE = Distributed(${cluster}, ${db}, ${t.local}, cityHash64(business))`,
      ];
    }),
  ];
}

/** Creates the database and tables where missing (on every node with a cluster). Idempotent. */
export async function createSchema(client: ClickHouseClient, options: SchemaOptions = {}): Promise<void> {
  // The database does not exist yet: a request naming it would fail, so these go through `default`.
  const bootstrap = client.withDatabase('default');
  try {
    for (const statement of schemaStatements(client.database, options)) await bootstrap.command(statement);
  } finally {
    await bootstrap.close();
  }
}
