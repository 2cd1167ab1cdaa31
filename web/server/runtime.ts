import { existsSync } from 'node:fs';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { isDatabaseInvalidated, openDatabase } from '../../db/duckdb';
import { migrate } from '../../db/migrate';
import { SerialStore, type RegistryStore } from '../../db/store';
import type { EventStore } from '../../db/eventStorePort';
import { duckdbLinkStore, type IdentityLinkStore } from '../../db/identityLinksPort';
import type { RunSql } from '../../reports/exports/parquet';
import { DuckDbEventStore } from '../../db/duckdbEventStore';
import type { ClusteredBlock } from '../../db/clustering';
import type { PurgeCounts } from '../../db/lifecycle';
import { Pseudonymiser } from '../../ingest/anonymise/pseudonym';
import { IntakeThreads } from './routes/events/intakeThreads';
import { EventWriter, type EventWriterOptions } from '../../ingest/buffer/eventWriter';
import { RegistrySnapshot } from '../../ingest/keys/registrySnapshot';
import { IngestKeyQuotas } from '../../ingest/keys/ingestQuotas';
import { PersonResolver } from '../../ingest/identity/personResolver';
import { createApp, type App, type AppDeps } from './app';
import type { Config } from './config';
import { redactedErrorMessage, type Logger } from './logger';
import { purgeRetention, scheduleRetention } from './privacy/retention';
import { scheduleClustering } from './storage/clusteringSchedule';
import { scheduleTiming } from './storage/timingSchedule';
import { ReadQueue, type ReportReads } from '../../reports/db/reportSource';
import { decodeKey, loadAdminToken, loadPseudonymKey, loadSecretsKey, type Secret } from './secrets';
import { SecretBox } from '../../db/secretBox';
import { sealStoredSecrets } from './storage/sealSecrets';
import type { SignInThrottle } from './auth/throttleRules';
import { startAlertDelivery, type AlertDeliverySettings } from './alerts/alertDelivery';
import { startAlertEvaluation, type AlertEvaluationSettings, type EvaluationRound } from './alerts/alertEvaluation';
import { startResidencyAlerts } from './alerts/residencyAlerts';

export interface Runtime<D extends AppDeps = AppDeps> {
  app: App;
  deps: D;
  /** True when the database file did not exist before this start. */
  isNewDatabase: boolean;
  pseudonymKeySource: Secret;
  secretsKeySource: Secret;
  adminTokenSource: ReturnType<typeof loadAdminToken>;
  /** Events stored (each once). */
  countEvents: () => Promise<number>;
  /** Runs the retention purge now (it also runs at start and daily). */
  purgeRetention: () => Promise<PurgeCounts>;
  /** Clusters the report tables' settled days now (it also runs at start and hourly). */
  clusterSettledDays: (onBlock?: (block: ClusteredBlock) => void) => Promise<ClusteredBlock[]>;
  /** Stores the business-hours timing of the conversations not yet timed under their current hours (storage/timingSchedule.ts). */
  timeConversations: () => Promise<number>;
  /** Posts the alerts due now (the worker also polls); the number it tried. */
  deliverAlerts: () => Promise<number>;
  /** Evaluates the alert rules now (the schedule also does, every ALERT_EVALUATION_INTERVAL_SECONDS), at the runtime's clock or the one given. */
  evaluateAlerts: (nowMs?: number) => Promise<EvaluationRound>;
  /** Compares each business's residency with its last snapshot now (also scheduled, at the same interval), at the runtime's clock or the one given. */
  evaluateResidencyAlerts: (nowMs?: number) => Promise<EvaluationRound>;
  /** Finishes the write queue, checkpoints and closes the databases. */
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
  /** The alert delivery worker's poll interval, timeout and retry schedule (tests shorten them). */
  alertDelivery?: Partial<AlertDeliverySettings>;
  /** The alert rules' schedule (tests shorten it; else ALERT_EVALUATION_INTERVAL_SECONDS). */
  alertEvaluation?: Partial<AlertEvaluationSettings>;
}

/** The embedded mode's runtime: its deps name the DuckDB store and read queue (tests and the bench use them). */
export type DuckDbRuntime = Runtime<AppDeps & { store: SerialStore; reads: ReadQueue }>;

/**
 * What a store brings to the runtime: the registry store, the events' store, the identity links
 * and the report reads (DuckDB's file, or ClickHouse with PostgreSQL).
 */
export interface StorageParts<S extends RegistryStore = RegistryStore, R extends ReportReads = ReportReads> {
  store: S;
  events: EventStore;
  links: IdentityLinkStore;
  reads: R;
  fileSql: RunSql;
  /** Writer options the engine needs (the ClickHouse store's duplicate check). */
  writer?: Partial<EventWriterOptions>;
  /** Told of a failed commit, compaction or read (DuckDB: whether the database was invalidated). */
  failed: (error: unknown) => void;
  /**
   * Keeps this server's registry snapshot current when other servers change the registry (a shared
   * store); absent when one process owns the store.
   */
  watchRegistry?: (reload: () => Promise<void>) => Promise<RegistryWatch>;
  /**
   * The sign-in throttle shared by the servers of this store, on the runtime's clock; absent when
   * one process owns the store (the throttle then counts in memory).
   */
  signInThrottle?: (now: () => number) => SignInThrottle;
  /** Runs after the writer is drained: checkpoints and closes the connections. */
  close: () => Promise<void>;
}

export interface RegistryWatch {
  /** Tells the other servers that this one changed the registry. */
  announce: () => Promise<void>;
  stop: () => Promise<void>;
}

/**
 * Opens the database (failing fast if another process holds it), migrates it, and builds the
 * app with its single writer. Used by the server, the demo CLI and the tests alike.
 */
export async function openRuntime(config: Config, logger: Logger, options: RuntimeOptions = {}): Promise<DuckDbRuntime> {
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
  // Two read connections: a report's independent queries run at once (reports/db/reportSource.ts).
  const reads = new ReadQueue([await connect(), await connect()], failed, config.reportQueue);
  const parts: StorageParts<SerialStore, ReadQueue> = {
    store,
    // The writer's connection, and one to load its duplicate index on while it commits.
    events: new DuckDbEventStore(await connect(), await connect()),
    links: duckdbLinkStore(await connect()),
    reads,
    fileSql: (sql) => reads.query({ sql, params: [] }),
    failed,
    close: async () => {
      await store.exclusive(async () => {
        await store.connection.run('CHECKPOINT');
      });
      for (const connection of connections) connection.closeSync();
      instance.closeSync();
    },
  };
  return assembleRuntime(parts, isNewDatabase, config, logger, options);
}

/**
 * The app over a store's parts: the single writer, the identity resolver, the keys, retention
 * and clustering schedules, whatever the engine.
 */
export async function assembleRuntime<S extends RegistryStore, R extends ReportReads>(
  parts: StorageParts<S, R>, isNewDatabase: boolean, config: Config, logger: Logger, options: RuntimeOptions = {},
): Promise<Runtime<AppDeps & { store: S; reads: R }>> {
  const { store, failed } = parts;
  const writer = await EventWriter.open(parts.events, {
    commitDelayMs: config.testCommitDelayMs,
    onCommitFailed: (error, rows) => {
      logger.error({ rows, error: redactedErrorMessage(error) }, 'events could not be committed');
      failed(error);
    },
    onCompactionFailed: (error) => {
      logger.error({ error: redactedErrorMessage(error) }, 'report facts could not be compacted (retried later)');
      failed(error);
    },
    // The start's count of stored events, logged when known: the server answers before.
    onIndexLoaded: ({ events, ms }) => logger.info({ events, seconds: Math.round(ms / 100) / 10 }, 'duplicate index loaded'),
    onIndexLoadFailed: (error) => {
      logger.error({ error: redactedErrorMessage(error) }, 'the duplicate index could not load: every event id is checked against the database until a restart');
      failed(error);
    },
    ...parts.writer,
    ...options.writer,
  });
  const secretsKeySource = loadSecretsKey(config.databasePath, config.secretsKey);
  const secretBox = new SecretBox(secretsKeySource.value);
  await sealStoredSecrets(store, secretBox, logger);
  const registry = new RegistrySnapshot(store, { shared: parts.watchRegistry !== undefined });
  await registry.reload();
  const registryWatch = await parts.watchRegistry?.(() => registry.reload());
  const pseudonymKeySource = loadPseudonymKey(config.databasePath, config.pseudonymKey);
  const adminTokenSource = loadAdminToken(config.databasePath, config.adminToken);
  const persons = await PersonResolver.open(parts.links, writer, (outcome) => {
    if ('error' in outcome) logger.error({ error: redactedErrorMessage(outcome.error) }, 'the stored identifiers could not be read: every new identifier is looked up in the database');
    else logger.info({ records: outcome.records, seconds: Math.round(outcome.ms / 100) / 10 }, 'stored identifiers read');
  });
  const pseudonymiser = new Pseudonymiser(pseudonymKeySource.value);
  const previousPseudonymKey = config.previousPseudonymKey
    ? { pseudonymiser: new Pseudonymiser(decodeKey(config.previousPseudonymKey.key)), untilMs: config.previousPseudonymKey.untilMs }
    : undefined;
  const deps = {
    store,
    writer,
    persons,
    registry,
    pseudonymiser,
    ...(previousPseudonymKey ? { previousPseudonymKey } : {}),
    ...(config.intakeThreads > 0 ? { intakeThreads: new IntakeThreads(config.intakeThreads, { pseudonymiser, previousPseudonymKey }) } : {}),
    retentionDays: config.retentionDays,
    now: options.now ?? Date.now,
    adminToken: adminTokenSource.token,
    proxyTrust: { publicUrl: config.publicUrl, trustedProxies: config.trustedProxies },
    secretBox,
    logger,
    reads: parts.reads,
    fileSql: parts.fileSql,
    keyQuotas: new IngestKeyQuotas(config.ingestKeyQuota, writer.maxQueuedRows),
    minCohort: config.minCohort,
    keyCustody: { store: config.store.kind, pseudonymKey: pseudonymKeySource.source },
    ...(registryWatch ? { announceRegistryChange: registryWatch.announce } : {}),
    ...(parts.signInThrottle ? { signInThrottle: parts.signInThrottle(options.now ?? Date.now) } : {}),
    alertEndpointsAllowHttp: config.alertEndpointsAllowHttp,
  } satisfies AppDeps;
  // Retention: at start and daily, in the writer's queue, first after the count of stored events
  // and the fold of the last run's parts. Not awaited: its deletes grow with what expired while
  // the server was down, and the server answers at once (a failure is logged and retried daily).
  const retention = scheduleRetention(deps);
  retention.first.catch(failed);
  const clustering = scheduleClustering({ writer, now: deps.now, logger, onFailed: failed }, { atStart: options.clusterAtStart ?? true });
  const timing = scheduleTiming({ writer, store, logger, onFailed: failed });
  const alertDelivery = startAlertDelivery(deps, options.alertDelivery);
  const alertEvaluation = startAlertEvaluation(deps, { intervalMs: config.alertEvaluationIntervalMs, ...options.alertEvaluation });
  const residencyAlerts = startResidencyAlerts(deps, { intervalMs: config.alertEvaluationIntervalMs, ...options.alertEvaluation });
  let closed = false;
  return {
    app: createApp(deps),
    deps,
    isNewDatabase,
    pseudonymKeySource,
    secretsKeySource,
    adminTokenSource,
    countEvents: () => parts.events.countEvents(),
    purgeRetention: () => purgeRetention(deps),
    clusterSettledDays: clustering.runNow,
    timeConversations: timing.runNow,
    deliverAlerts: alertDelivery.runOnce,
    evaluateAlerts: alertEvaluation.evaluateNow,
    evaluateResidencyAlerts: residencyAlerts.evaluateNow,
    close: async () => {
      if (closed) return;
      closed = true;
      await retention.stop();
      await clustering.stop();
      await timing.stop();
      await alertEvaluation.stop();
      await residencyAlerts.stop();
      await alertDelivery.stop();
      await registryWatch?.stop();
      await deps.intakeThreads?.close();
      await persons.drain();
      await writer.close();
      await parts.close();
    },
  };
}
