import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { ClickHouseClient } from '../../../db/clickhouse/clickhouseClient';
import { ClickHouseEventStore } from '../../../db/clickhouse/clickhouseEventStore';
import { clickhouseLinkStore } from '../../../db/clickhouse/clickhouseLinks';
import { createSchema } from '../../../db/clickhouse/schema';
import { migratePostgres } from '../../../db/postgres/migrate';
import { PgStore } from '../../../db/postgres/pgStore';
import { ClickHouseReadQueue } from '../../../reports/db/clickhouse/clickhouseReadQueue';
import { CLICKHOUSE_REPORT_QUERIES } from '../../../reports/db/clickhouse/clickhouseReportQueries';
import type { ReportReads } from '../../../reports/db/reportSource';
import type { RunSql } from '../../../reports/exports/parquet';
import type { AppDeps } from '../app';
import type { Config, StoreConfig } from '../config';
import { redactedErrorMessage, type Logger } from '../logger';
import { assembleRuntime, type RegistryWatch, type Runtime, type RuntimeOptions } from '../runtime';
import { ChangeSignal } from '../../../db/postgres/changeSignal';
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
      links: clickhouseLinkStore(client, settings.clickhouseCluster),
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

// The registry snapshot is reloaded this often even without a notification: one sent while this
// server's listener was reconnecting is lost, and this bounds how long a revoked key can work here.
const REGISTRY_RELOAD_MS = 10_000;
const REGISTRY_CHANNEL = 'mpa_registry_changed';

/** Businesses and keys changed by any server reach every other at once (NOTIFY), and at worst within REGISTRY_RELOAD_MS. */
async function watchRegistry(store: PgStore, url: string, reload: () => Promise<void>, logger: Logger): Promise<RegistryWatch> {
  const reloadLogged = () => {
    reload().catch((error: unknown) => logger.error({ error: redactedErrorMessage(error) }, 'the registry could not be reloaded (retried)'));
  };
  const signal = await ChangeSignal.listen(store.pool, url, REGISTRY_CHANNEL, reloadLogged, (error) =>
    logger.warn({ error: redactedErrorMessage(error) }, 'the registry change listener lost PostgreSQL (reconnecting)'));
  const timer = setInterval(reloadLogged, REGISTRY_RELOAD_MS);
  timer.unref();
  return {
    announce: () => signal.notify(),
    stop: async () => {
      clearInterval(timer);
      await signal.close();
    },
  };
}

/**
 * An in-memory DuckDB for the files DuckDB writes (Parquet exports), opened on first use: the
 * embedded mode runs that SQL on its read connections, this mode has none.
 */
class FileDatabase {
  #opened: Promise<{ instance: DuckDBInstance; connection: DuckDBConnection }> | undefined;
  #tail: Promise<unknown> = Promise.resolve();

  readonly run: RunSql = (sql) => {
    // One statement at a time on the one connection.
    const next = this.#tail.then(async () => (await this.#open()).connection.run(sql));
    this.#tail = next.catch(() => undefined);
    return next;
  };

  #open() {
    this.#opened ??= (async () => {
      const instance = await DuckDBInstance.create(':memory:');
      return { instance, connection: await instance.connect() };
    })();
    return this.#opened;
  }

  async close(): Promise<void> {
    if (!this.#opened) return;
    const { instance, connection } = await this.#opened;
    connection.closeSync();
    instance.closeSync();
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
