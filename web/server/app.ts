import type { Logger } from 'pino';
import type { RegistryStore } from '../../db/store';
import type { SecretBox } from '../../db/secretBox';
import { eventsRoutes } from './routes/events/events.index';
import type { IntakeDeps } from '../../ingest/events/ingestBatch';
import type { IngestKeyQuotas } from '../../ingest/keys/ingestQuotas';
import type { IntakeThreads } from './routes/events/intakeThreads';
import type { SignInThrottle } from './auth/throttleRules';
import { webhookRoutes } from './routes/webhooks/webhooks.index';
import { reportRoutes } from './routes/reports/reports.index';
import { auditRoutes } from './routes/audit/audit.index';
import { rateCardRoutes } from './routes/rateCards/rateCards.index';
import { exportRoutes } from './routes/exports/exports.index';
import { metricsRoutes } from './routes/metrics/metrics.index';
import { adminRoutes } from './admin/adminRoutes';
import { authRoutes } from './auth/authRouter';
import { webhookAdminRoutes } from './admin/webhookAdminRoutes';
import { alertEndpointRoutes } from './admin/alertEndpointRoutes';
import { alertRulesRoutes } from './admin/alertRulesRoutes';
import { processingRecordsRoutes } from './admin/processingRecordsRoutes';
import { alertRoutes } from './routes/alerts/alerts.index';
import { mountDashboard } from './dashboard';
import { mountDocs } from './docs';
import { onError, onNotFound } from './http/errorHandling';
import { securityHeaders } from './http/securityHeaders';
import { originCheck } from './http/originCheck';
import { requestTransport, type ProxyTrust } from './auth/requestTransport';
import { requestBodyLimit } from './http/bodyLimit';
import { compressReplies } from './http/compressReplies';
import { privacyRoutes } from './privacy/privacyRoutes';
import { requestLog } from './http/requestLog';
import type { ReportReads } from '../../reports/db/reportSource';
import type { RunSql } from '../../reports/exports/parquet';
import { createRouter } from './http/router';
import type { KeyCustody } from './routes/records/productFacts';
import { recordsRoutes } from './routes/records/records.index';

export interface AppDeps extends IntakeDeps {
  /** The registry, users, sessions, audit log and webhook state: DuckDB's file or PostgreSQL. */
  store: RegistryStore;
  adminToken: string;
  /** PUBLIC_URL and TRUST_PROXY: how browsers reach the server (cookies, HSTS, client address). */
  proxyTrust: ProxyTrust;
  /** Seals and opens the webhook secrets stored in the database (db/secretBox.ts). */
  secretBox: SecretBox;
  logger: Logger;
  /** Connections of their own for report reads (never the writer's or the admin store's). */
  reads: ReportReads;
  /** DuckDB SQL for the files DuckDB writes (Parquet): on the read connections, or an in-memory DuckDB beside ClickHouse. */
  fileSql: RunSql;
  /** MIN_COHORT: k of small-cohort suppression. */
  minCohort: number;
  /** Where the pseudonym key is held, for the pseudonymisation statement and the Art. 30 record (reports/records/). */
  keyCustody: KeyCustody;
  /**
   * Tells the other app servers of a shared store that the registry changed (STORE=clickhouse:
   * PostgreSQL's NOTIFY); absent with the embedded store, which one process owns.
   */
  announceRegistryChange?: () => Promise<void>;
  /** Per-ingest-key quotas of POST /v1/events. */
  keyQuotas: IngestKeyQuotas;
  /** INTAKE_THREADS: the threads that parse, check and anonymise ingest bodies (absent: the main thread does). */
  intakeThreads?: IntakeThreads;
  /**
   * The sign-in throttle every server of a shared store counts in (STORE=clickhouse: PostgreSQL);
   * absent with the embedded store, whose one process counts in memory.
   */
  signInThrottle?: SignInThrottle;
  /** ALERT_ENDPOINT_ALLOW_HTTP=1: alert endpoints may be plain http beyond localhost. */
  alertEndpointsAllowHttp?: boolean;
}

/** The one HTTP app: ingest, admin, docs (and later reports, exports and the dashboard). */
export function createApp(deps: AppDeps) {
  const app = createRouter();
  app.use('*', requestLog(deps.logger));
  app.use('*', requestTransport(deps.proxyTrust));
  app.use('*', securityHeaders());
  app.use('*', originCheck());
  app.use('*', requestBodyLimit());
  // Around every route and its own middleware: a reply is audited (hashed) before it is compressed.
  app.use('*', compressReplies());
  // Answers as soon as the server listens; the header says whether the duplicate index is still
  // loading (ingest works meanwhile, each event id checked against the database).
  app.get('/v1/health', (c) => c.json({ status: 'ok' }, 200, { 'x-duplicate-index': deps.writer.indexLoaded ? 'ready' : 'loading' }));
  app.route('/', eventsRoutes(deps));
  app.route('/', authRoutes(deps));
  const onRegistryChanged = async () => {
    await deps.registry.reload();
    await deps.announceRegistryChange?.();
  };
  // Before the admin routes: a DPO reads a business's records, under /v1/businesses/* which
  // the admin routes guard for admins only (the first handler that answers ends the chain).
  app.route('/', processingRecordsRoutes(deps));
  app.route('/', adminRoutes({ ...deps, onRegistryChanged }));
  app.route('/', webhookRoutes(deps));
  app.route('/', webhookAdminRoutes(deps));
  app.route('/', alertEndpointRoutes(deps));
  app.route('/', alertRulesRoutes(deps));
  app.route('/', alertRoutes(deps));
  app.route('/', metricsRoutes(deps));
  app.route('/', reportRoutes(deps));
  app.route('/', exportRoutes(deps));
  app.route('/', recordsRoutes(deps));
  app.route('/', auditRoutes(deps));
  app.route('/', rateCardRoutes(deps));
  app.route('/', privacyRoutes(deps));
  mountDocs(app);
  mountDashboard(app);
  app.onError(onError(deps.logger));
  app.notFound(onNotFound);
  return app;
}

export type App = ReturnType<typeof createApp>;
