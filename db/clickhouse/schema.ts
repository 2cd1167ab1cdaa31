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
      `CREATE TABLE IF NOT EXISTS ${db}.${EVENTS_TABLE} ${EVENT_COLUMNS} ENGINE = ReplacingMergeTree() ${LAYOUT}`,
    ];
  }
  const cluster = identifier(options.cluster);
  // {shard} and {replica} are each server's macros; the database in the path keeps two databases
  // of one cluster (or two test runs) apart in ZooKeeper.
  const zooKeeperPath = literal(`/clickhouse/tables/{shard}/${db}/${EVENTS_TABLE}`);
  return [
    `CREATE DATABASE IF NOT EXISTS ${db} ON CLUSTER ${cluster}`,
    `CREATE TABLE IF NOT EXISTS ${db}.${EVENTS_LOCAL_TABLE} ON CLUSTER ${cluster} ${EVENT_COLUMNS}
  ENGINE = ReplicatedReplacingMergeTree(${zooKeeperPath}, '{replica}') ${LAYOUT}`,
    `CREATE TABLE IF NOT EXISTS ${db}.${EVENTS_TABLE} ON CLUSTER ${cluster} AS ${db}.${EVENTS_LOCAL_TABLE}
  ENGINE = Distributed(${cluster}, ${db}, ${EVENTS_LOCAL_TABLE}, cityHash64(business))`,
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
