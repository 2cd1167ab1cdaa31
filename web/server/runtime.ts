import { existsSync } from 'node:fs';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { isDatabaseInvalidated, openDatabase } from '../../db/duckdb';
import { migrate } from '../../db/migrate';
import { SerialStore } from '../../db/store';
import { DuckDbEventStore } from '../../db/duckdbEventStore';
import type { ClusteredBlock } from '../../db/clustering';
import type { PurgeCounts } from '../../db/lifecycle';
import { Pseudonymiser } from '../../ingest/anonymise/pseudonym';
import { EventWriter, type EventWriterOptions } from '../../ingest/buffer/eventWriter';
import { RegistrySnapshot } from '../../ingest/keys/registrySnapshot';
import { IngestKeyQuotas } from '../../ingest/keys/ingestQuotas';
import { PersonResolver } from '../../ingest/identity/personResolver';
import { createApp, type App, type AppDeps } from './app';
import type { Config } from './config';
import { redactedErrorMessage, type Logger } from './logger';
import { purgeRetention, scheduleRetention } from './privacy/retention';
import { scheduleClustering } from './storage/clusteringSchedule';
import { ReadQueue } from '../../reports/db/reportSource';
import { decodeKey, loadAdminToken, loadPseudonymKey, loadSecretsKey, type Secret } from './secrets';
import { SecretBox } from '../../db/secretBox';
import { sealStoredSecrets } from './storage/sealSecrets';

export interface Runtime {
  app: App;
  deps: AppDeps;
  /** True when the database file did not exist before this start. */
  isNewDatabase: boolean;
  pseudonymKeySource: Secret;
  secretsKeySource: Secret;
  adminTokenSource: ReturnType<typeof loadAdminToken>;
  /** Runs the retention purge now (it also runs at start and daily). */
  purgeRetention: () => Promise<PurgeCounts>;
  /** Clusters the report tables' settled days now (it also runs at start and hourly). */
  clusterSettledDays: (onBlock?: (block: ClusteredBlock) => void) => Promise<ClusteredBlock[]>;
  /** Finishes the write queue, checkpoints and closes the database. */
  close: () => Promise<void>;
}

export interface RuntimeOptions {
  writer?: Partial<EventWriterOptions>;
  now?: () => number;
  /**
   * Told when a commit, a compaction or a read finds the database invalidated by a DuckDB fatal
   * error: nothing can be stored or read until the process reopens it (the server exits so that
   * a restart does).
   */
  onDatabaseInvalidated?: (error: unknown) => void;
  /** false: no clustering run at start (the bench runs and times its own); hourly runs still come. */
  clusterAtStart?: boolean;
}

/**
 * Opens the database (failing fast if another process holds it), migrates it, and builds the
 * app with its single writer. Used by the server, the demo CLI and the tests alike.
 */
export async function openRuntime(config: Config, logger: Logger, options: RuntimeOptions = {}): Promise<Runtime> {
  const isNewDatabase = config.databasePath === ':memory:' || !existsSync(config.databasePath);
  const instance: DuckDBInstance = await openDatabase(config.databasePath, { memoryLimit: config.duckdbMemoryLimit });
  const connections: DuckDBConnection[] = [];
  const connect = async () => {
    const connection = await instance.connect();
    connections.push(connection);
    return connection;
  };
  const applied = await migrate(await connect());
  if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
  const store = new SerialStore(await connect());
  // Commits and compactions can run the automatic checkpoint that a DuckDB fatal error comes
  // from; a read then finds the database invalidated too (with no ingest, only a read would).
  const failed = (error: unknown) => {
    if (isDatabaseInvalidated(error)) options.onDatabaseInvalidated?.(error);
  };
  const writer = await EventWriter.open(new DuckDbEventStore(await connect()), {
    commitDelayMs: config.testCommitDelayMs,
    onCommitFailed: (error, rows) => {
      logger.error({ rows, error: redactedErrorMessage(error) }, 'events could not be committed');
      failed(error);
    },
    onCompactionFailed: (error) => {
      logger.error({ error: redactedErrorMessage(error) }, 'report facts could not be compacted (retried later)');
      failed(error);
    },
    ...options.writer,
  });
  const secretsKeySource = loadSecretsKey(config.databasePath, config.secretsKey);
  const secretBox = new SecretBox(secretsKeySource.value);
  await sealStoredSecrets(store, secretBox, logger);
  const registry = new RegistrySnapshot(store);
  await registry.reload();
  const pseudonymKeySource = loadPseudonymKey(config.databasePath, config.pseudonymKey);
  const adminTokenSource = loadAdminToken(config.databasePath, config.adminToken);
  const persons = await PersonResolver.open(await connect(), writer);
  const deps: AppDeps = {
    store,
    writer,
    persons,
    registry,
    pseudonymiser: new Pseudonymiser(pseudonymKeySource.value),
    ...(config.previousPseudonymKey
      ? {
          previousPseudonymKey: {
            pseudonymiser: new Pseudonymiser(decodeKey(config.previousPseudonymKey.key)),
            untilMs: config.previousPseudonymKey.untilMs,
          },
        }
      : {}),
    retentionDays: config.retentionDays,
    now: options.now ?? Date.now,
    adminToken: adminTokenSource.token,
    proxyTrust: { publicUrl: config.publicUrl, trustedProxies: config.trustedProxies },
    secretBox,
    logger,
    // Two read connections: a report's independent queries run at once (reports/db/reportSource.ts).
    reads: new ReadQueue([await connect(), await connect()], failed, config.reportQueue),
    keyQuotas: new IngestKeyQuotas(config.ingestKeyQuota, writer.maxQueuedRows),
    minCohort: config.minCohort,
  };
  // Retention: at start (before the app takes a request) and daily.
  const retention = scheduleRetention(deps);
  try {
    await retention.first;
  } catch (error) {
    await retention.stop();
    throw error;
  }
  const clustering = scheduleClustering({ writer, now: deps.now, logger, onFailed: failed }, { atStart: options.clusterAtStart ?? true });
  let closed = false;
  return {
    app: createApp(deps),
    deps,
    isNewDatabase,
    pseudonymKeySource,
    secretsKeySource,
    adminTokenSource,
    purgeRetention: () => purgeRetention(deps),
    clusterSettledDays: clustering.runNow,
    close: async () => {
      if (closed) return;
      closed = true;
      await retention.stop();
      await clustering.stop();
      await writer.drain();
      await store.exclusive(async () => {
        await store.connection.run('CHECKPOINT');
      });
      for (const connection of connections) connection.closeSync();
      instance.closeSync();
    },
  };
}
