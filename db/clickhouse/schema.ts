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
  source Nullable(String),
  campaign Nullable(String)
)`;

/**
 * Columns added to the events table after it was first released, in order: a new table has them
 * (EVENT_COLUMNS), an existing one gets them from createSchema (addedColumnStatements).
 */
const ADDED_EVENT_COLUMNS: readonly { name: string; type: string }[] = [
  { name: 'campaign', type: 'Nullable(String)' },
];

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

/** The Distributed table over a local table, with the local table's columns. */
const distributedTableStatement = (db: string, cluster: string, t: TableSpec) =>
  `CREATE TABLE IF NOT EXISTS ${db}.${t.name} ON CLUSTER ${cluster} AS ${db}.${t.local}
  ENGINE = Distributed(${cluster}, ${db}, ${t.local}, cityHash64(business))`;

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
        distributedTableStatement(db, cluster, t),
      ];
    }),
  ];
}

/**
 * The statements giving an events table that predates them the columns of ADDED_EVENT_COLUMNS it
 * lacks, given the names of the columns each table has (on the server createSchema talks to).
 * ClickHouse 18.16 has no ADD COLUMN IF NOT EXISTS (a syntax error there), so what is missing is
 * read from system.columns first.
 *
 * With a cluster: the replicated local table gets an ALTER ON CLUSTER (run on one replica per
 * shard, replicated through ZooKeeper). The Distributed table does not follow its local table's
 * columns, and 18.16 refuses an ALTER ON CLUSTER of it ("isn't replicated, but shard is
 * replicated", code 371), so it is dropped and created again over the local table, on every node.
 * It holds no data: the writer inserts through it synchronously (insert_distributed_sync), so
 * nothing waits in it to be sent; a read during those two statements fails and can be retried.
 */
export function addedColumnStatements(database: string, present: (table: string) => ReadonlySet<string>, options: SchemaOptions = {}): string[] {
  const db = identifier(database);
  const missing = (table: string) => ADDED_EVENT_COLUMNS.filter((column) => !present(table).has(column.name));
  const addColumns = (table: string, onCluster: string) =>
    missing(table).map((column) => `ALTER TABLE ${db}.${table}${onCluster} ADD COLUMN ${column.name} ${column.type}`);
  if (options.cluster === undefined) return addColumns(EVENTS_TABLE, '');
  const cluster = identifier(options.cluster);
  const events = TABLES.find((t) => t.name === EVENTS_TABLE)!;
  return [
    ...addColumns(EVENTS_LOCAL_TABLE, ` ON CLUSTER ${cluster}`),
    ...(missing(EVENTS_TABLE).length === 0 ? [] : [`DROP TABLE IF EXISTS ${db}.${EVENTS_TABLE} ON CLUSTER ${cluster}`, distributedTableStatement(db, cluster, events)]),
  ];
}

/** The columns of each table of the database, as this server sees them. */
async function columnsByTable(client: ClickHouseClient, database: string): Promise<(table: string) => ReadonlySet<string>> {
  const rows = await client.query<{ table: string; name: string }>(`SELECT table, name FROM system.columns WHERE database = ${literal(database)}`);
  const byTable = new Map<string, Set<string>>();
  for (const { table, name } of rows) byTable.set(table, (byTable.get(table) ?? new Set()).add(name));
  return (table) => byTable.get(table) ?? new Set();
}

/**
 * Creates the database and tables where missing (on every node with a cluster), and adds the
 * columns an existing events table lacks (an upgrade). Idempotent.
 */
export async function createSchema(client: ClickHouseClient, options: SchemaOptions = {}): Promise<void> {
  // The database does not exist yet: a request naming it would fail, so these go through `default`.
  const bootstrap = client.withDatabase('default');
  try {
    for (const statement of schemaStatements(client.database, options)) await bootstrap.command(statement);
    const present = await columnsByTable(bootstrap, client.database);
    for (const statement of addedColumnStatements(client.database, present, options)) await bootstrap.command(statement);
  } finally {
    await bootstrap.close();
  }
}
