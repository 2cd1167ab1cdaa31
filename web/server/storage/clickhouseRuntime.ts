import { ClickHouseClient } from '../../../db/clickhouse/clickhouseClient';
import { ClickHouseEventStore } from '../../../db/clickhouse/clickhouseEventStore';
import { clickhouseLinkStore } from '../../../db/clickhouse/clickhouseLinks';
import { createSchema } from '../../../db/clickhouse/schema';
import { migratePostgres } from '../../../db/postgres/migrate';
import { PgStore } from '../../../db/postgres/pgStore';
import { ClickHouseReadQueue } from '../../../reports/db/clickhouse/clickhouseReadQueue';
import { CLICKHOUSE_REPORT_QUERIES } from '../../../reports/db/clickhouse/clickhouseReportQueries';
import type { ReportReads } from '../../../reports/db/reportSource';
import type { AppDeps } from '../app';
import type { Config, StoreConfig } from '../config';
import { redactedErrorMessage, type Logger } from '../logger';
import { assembleRuntime, type Runtime, type RuntimeOptions } from '../runtime';
import { FileDatabase } from './fileDatabase';
import { watchRegistry } from './registryWatch';
import { PostgresLoginThrottle } from '../auth/postgresLoginThrottle';

export type ClickHouseStoreConfig = Extract<StoreConfig, { kind: 'clickhouse' }>;
export type ClickHouseRuntime = Runtime<AppDeps & { store: PgStore; reads: ReportReads }>;

/**
 * STORE=clickhouse: the events in ClickHouse (one server, or a cluster's Distributed tables), the
 * registry, users, sessions, audit log and webhook state in PostgreSQL. Creates or migrates both
 * (each step may run again, and several servers may start at once: PostgreSQL's migrations take
 * an advisory lock, ClickHouse's tables are created IF NOT EXISTS), then builds the same app as the
 * embedded mode over them. Nothing is kept on this machine: any number of servers can run.
 */
export async function openClickHouseRuntime(config: Config, logger: Logger, options: RuntimeOptions = {}): Promise<ClickHouseRuntime> {
  if (config.store.kind !== 'clickhouse') throw new Error('openClickHouseRuntime needs STORE=clickhouse');
  const settings = config.store;
  const store = new PgStore({
    url: settings.databaseUrl,
    onIdleError: (error) => logger.warn({ error: redactedErrorMessage(error) }, 'a PostgreSQL connection failed while idle (it is replaced)'),
  });
  const client = new ClickHouseClient({
    urls: settings.clickhouseUrls, database: settings.clickhouseDatabase,
    ...(settings.clickhouseUser === undefined ? {} : { username: settings.clickhouseUser }),
    ...(settings.clickhousePassword === undefined ? {} : { password: settings.clickhousePassword }),
  });
  const fileDatabase = new FileDatabase();
  try {
    const applied = await migratePostgres(store.pool);
    if (applied.length > 0) logger.info({ migrations: applied }, 'PostgreSQL migrated');
    await createSchema(client, { cluster: settings.clickhouseCluster });
    const queue = new ClickHouseReadQueue(client, { limits: config.reportQueue });
    const reads: ReportReads = { queries: CLICKHOUSE_REPORT_QUERIES, query: (q) => queue.query(q) };
    const parts = {
      store,
      events: new ClickHouseEventStore(client, { cluster: settings.clickhouseCluster, registry: store }),
      // Person resolution one server at a time (ingest/identity/resolutionHold.ts).
      links: clickhouseLinkStore(client, settings.clickhouseCluster, store.lockOfItsOwn('person-resolution')),
      reads,
      fileSql: fileDatabase.run,
      failed: () => undefined,
      watchRegistry: (reload: () => Promise<void>) => watchRegistry(store, settings.databaseUrl, reload, logger),
      // Sign-in limits count every server's attempts: N servers must not give a guesser N times as many.
      signInThrottle: (now: () => number) => new PostgresLoginThrottle(store, now),
      close: async () => {
        await Promise.all([store.close(), client.close(), fileDatabase.close()]);
      },
    };
    // Demo data only when asked (SEED_DEMO=1): several servers start against one store, and none
    // of them can tell a new store from one another server is filling.
    return await assembleRuntime(parts, false, config, logger, options);
  } catch (error) {
    await Promise.allSettled([store.close(), client.close(), fileDatabase.close()]);
    throw error;
  }
}

/** What the server connected to, for the start-up log (no password). */
export function describeClickHouseStore(settings: ClickHouseStoreConfig): Record<string, unknown> {
  const postgres = new URL(settings.databaseUrl);
  return {
    clickhouse: settings.clickhouseUrls.map((u) => new URL(u).origin),
    clickhouseDatabase: settings.clickhouseDatabase,
    clickhouseCluster: settings.clickhouseCluster ?? null,
    postgres: `${postgres.hostname}:${postgres.port || 5432}${postgres.pathname}`,
  };
}
