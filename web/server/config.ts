import { isIP } from 'node:net';
import { z } from 'zod';
import { DEFAULT_MEMORY_LIMIT } from '../../db/duckdb';

/** The process's configuration, from the environment. */
export interface Config {
  port: number;
  host: string;
  databasePath: string;
  /** undefined: seed demo data only when the database is new. */
  seedDemo: boolean | undefined;
  adminToken: string | undefined;
  /** PUBLIC_URL: the address browsers use; https there makes the session cookie Secure. */
  publicUrl: URL | undefined;
  /** TRUST_PROXY: reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed. */
  trustedProxies: string[];
  pseudonymKey: string | undefined;
  /** SECRETS_KEY: seals the webhook secrets stored in the database (else a key file beside it). */
  secretsKey: string | undefined;
  /** The key before the last rotation (hex or base64), and the end of the overlap (ms). */
  previousPseudonymKey: { key: string; untilMs: number } | undefined;
  minCohort: number;
  retentionDays: number;
  /** DuckDB's memory_limit (its buffer pool and working memory), e.g. "1GB". */
  duckdbMemoryLimit: string;
  logLevel: string;
  /** Testing knob (MPA_TEST_COMMIT_DELAY_MS): a slow writer for overload and shutdown tests. */
  testCommitDelayMs: number;
  /** Per-ingest-key quotas (INGEST_KEY_EVENTS_PER_SECOND, INGEST_KEY_BURST_EVENTS, INGEST_KEY_QUEUE_SHARE). */
  ingestKeyQuota: { eventsPerSecond: number; burstEvents: number; queueShare: number };
  /** Report queries that may wait for a read connection (REPORT_QUEUE_MAX), and for how long (REPORT_QUEUE_TIMEOUT_MS). */
  reportQueue: { maxWaiting: number; timeoutMs: number };
  /** STORE: the embedded DuckDB file (default), or ClickHouse for events with PostgreSQL for the registry. */
  store: StoreConfig;
  /** ALERT_ENDPOINT_ALLOW_HTTP=1: alert endpoints may be plain http beyond localhost. */
  alertEndpointsAllowHttp: boolean;
  /** ALERT_EVALUATION_INTERVAL_SECONDS, in ms: how often the alert rules are evaluated. */
  alertEvaluationIntervalMs: number;
  /** INTAKE_THREADS: worker threads that parse, check and anonymise POST /v1/events bodies; 0: the main thread does. */
  intakeThreads: number;
}

export type StoreConfig =
  | { kind: 'duckdb' }
  | {
    kind: 'clickhouse';
    /** CLICKHOUSE_URL: HTTP endpoints, comma-separated; any that answers serves. */
    clickhouseUrls: string[];
    /** CLICKHOUSE_DATABASE. */
    clickhouseDatabase: string;
    /** CLICKHOUSE_CLUSTER: Replicated tables with Distributed ones over them; unset: one server. */
    clickhouseCluster: string | undefined;
    /** CLICKHOUSE_USER, CLICKHOUSE_PASSWORD. */
    clickhouseUser: string | undefined;
    clickhousePassword: string | undefined;
    /** DATABASE_URL: the PostgreSQL of the registry, users, sessions, audit log and webhook state. */
    databaseUrl: string;
  };

/** The smallest k allowed without ALLOW_SMALL_COHORTS=1. */
export const MIN_SAFE_COHORT = 5;

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_PATH: z.string().min(1).default('data/analytics.duckdb'),
  SEED_DEMO: z.enum(['0', '1']).optional(),
  ADMIN_TOKEN: z.string().min(16, 'ADMIN_TOKEN must be at least 16 characters').optional(),
  PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'an http(s) URL, e.g. https://analytics.example.com' }).optional(),
  TRUST_PROXY: z.string().optional().transform((v) => (v ?? '').split(',').map((a) => a.trim()).filter((a) => a.length > 0))
    .refine((list) => list.every((a) => isIP(a) !== 0), { error: 'comma-separated IP addresses of your reverse proxies, e.g. 127.0.0.1,::1' }),
  PSEUDONYM_KEY: z.string().min(1).optional(),
  PSEUDONYM_KEY_PREVIOUS: z.string().min(1).optional(),
  SECRETS_KEY: z.string().min(1).optional(),
  PSEUDONYM_KEY_PREVIOUS_UNTIL: z.iso.date({ error: 'a date (YYYY-MM-DD): the end of the rotation overlap' }).optional(),
  MIN_COHORT: z.coerce.number().int().min(1).default(10),
  ALLOW_SMALL_COHORTS: z.enum(['0', '1']).default('0'),
  RETENTION_DAYS: z.coerce.number().int().min(1).default(400),
  DUCKDB_MEMORY_LIMIT: z.string().regex(/^\d+(\.\d+)?\s*(KB|MB|GB|KiB|MiB|GiB)$/i, 'a size such as 768MB or 2GB').default(DEFAULT_MEMORY_LIMIT),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'silent']).default('info'),
  MPA_TEST_COMMIT_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  INGEST_KEY_EVENTS_PER_SECOND: z.coerce.number().int().min(0).default(0),
  INGEST_KEY_BURST_EVENTS: z.coerce.number().int().min(1).default(10_000),
  INGEST_KEY_QUEUE_SHARE: z.coerce.number().gt(0).max(1).default(0.25),
  REPORT_QUEUE_MAX: z.coerce.number().int().min(1).default(256),
  REPORT_QUEUE_TIMEOUT_MS: z.coerce.number().int().min(1).default(30_000),
  STORE: z.enum(['duckdb', 'clickhouse']).default('duckdb'),
  ALERT_ENDPOINT_ALLOW_HTTP: z.enum(['0', '1']).default('0'),
  ALERT_EVALUATION_INTERVAL_SECONDS: z.coerce.number().int().min(10).max(86_400).default(300),
  CLICKHOUSE_URL: z.string().optional().transform((v) => (v ?? '').split(',').map((u) => u.trim()).filter((u) => u.length > 0))
    .refine((urls) => urls.every((u) => /^https?:\/\/[^\s]+$/.test(u)), { error: 'comma-separated http(s) URLs of ClickHouse servers, e.g. http://127.0.0.1:8123' }),
  CLICKHOUSE_DATABASE: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a plain identifier, e.g. mpa').default('mpa'),
  CLICKHOUSE_CLUSTER: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'the cluster name of the servers\' remote_servers').optional(),
  CLICKHOUSE_USER: z.string().min(1).optional(),
  CLICKHOUSE_PASSWORD: z.string().optional(),
  INTAKE_THREADS: z.coerce.number().int().min(0).max(64).optional(),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'a PostgreSQL URL, e.g. postgres://user@127.0.0.1:5432/mpa').optional(),
}).refine((e) => (e.PSEUDONYM_KEY_PREVIOUS === undefined) === (e.PSEUDONYM_KEY_PREVIOUS_UNTIL === undefined), {
  path: ['PSEUDONYM_KEY_PREVIOUS_UNTIL'],
  message: 'PSEUDONYM_KEY_PREVIOUS and PSEUDONYM_KEY_PREVIOUS_UNTIL go together (the old key and the end of its overlap)',
}).superRefine((e, ctx) => {
  if (e.STORE !== 'clickhouse') return;
  if (e.CLICKHOUSE_URL.length === 0) ctx.addIssue({ code: 'custom', path: ['CLICKHOUSE_URL'], message: 'STORE=clickhouse needs the ClickHouse servers, e.g. CLICKHOUSE_URL=http://127.0.0.1:8123' });
  if (e.DATABASE_URL === undefined) ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: 'STORE=clickhouse needs PostgreSQL for the registry, e.g. DATABASE_URL=postgres://user@127.0.0.1:5432/mpa' });
  // Several servers share one store: each must pseudonymise, seal and authenticate with the same
  // keys, so they come from the environment, never from a key file one server would generate.
  for (const name of ['PSEUDONYM_KEY', 'SECRETS_KEY', 'ADMIN_TOKEN'] as const) {
    if (e[name] === undefined) ctx.addIssue({ code: 'custom', path: [name], message: `STORE=clickhouse needs ${name} in the environment (every server of the store uses the same; npm run cluster prints a set)` });
  }
}).refine((e) => e.MIN_COHORT >= MIN_SAFE_COHORT || e.ALLOW_SMALL_COHORTS === '1', {
  path: ['MIN_COHORT'],
  // A k of 1 or 2 publishes single people's figures: only on purpose (tests, a controller's own data).
  message: `MIN_COHORT below ${MIN_SAFE_COHORT} shows figures of a handful of people: set ALLOW_SMALL_COHORTS=1 to mean it`,
});

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databasePath: e.DATABASE_PATH,
    seedDemo: e.SEED_DEMO === undefined ? undefined : e.SEED_DEMO === '1',
    adminToken: e.ADMIN_TOKEN,
    publicUrl: e.PUBLIC_URL === undefined ? undefined : new URL(e.PUBLIC_URL),
    trustedProxies: e.TRUST_PROXY,
    pseudonymKey: e.PSEUDONYM_KEY,
    secretsKey: e.SECRETS_KEY,
    previousPseudonymKey: e.PSEUDONYM_KEY_PREVIOUS && e.PSEUDONYM_KEY_PREVIOUS_UNTIL
      // The overlap ends at the end of the stated day (UTC).
      ? { key: e.PSEUDONYM_KEY_PREVIOUS, untilMs: Date.parse(`${e.PSEUDONYM_KEY_PREVIOUS_UNTIL}T00:00:00Z`) + 86_400_000 }
      : undefined,
    minCohort: e.MIN_COHORT,
    retentionDays: e.RETENTION_DAYS,
    duckdbMemoryLimit: e.DUCKDB_MEMORY_LIMIT,
    logLevel: e.LOG_LEVEL,
    testCommitDelayMs: e.MPA_TEST_COMMIT_DELAY_MS,
    ingestKeyQuota: { eventsPerSecond: e.INGEST_KEY_EVENTS_PER_SECOND, burstEvents: e.INGEST_KEY_BURST_EVENTS, queueShare: e.INGEST_KEY_QUEUE_SHARE },
    reportQueue: { maxWaiting: e.REPORT_QUEUE_MAX, timeoutMs: e.REPORT_QUEUE_TIMEOUT_MS },
    store: e.STORE === 'clickhouse'
      ? {
        kind: 'clickhouse', clickhouseUrls: e.CLICKHOUSE_URL, clickhouseDatabase: e.CLICKHOUSE_DATABASE, clickhouseCluster: e.CLICKHOUSE_CLUSTER,
        clickhouseUser: e.CLICKHOUSE_USER, clickhousePassword: e.CLICKHOUSE_PASSWORD, databaseUrl: e.DATABASE_URL!,
      }
      : { kind: 'duckdb' },
    alertEndpointsAllowHttp: e.ALERT_ENDPOINT_ALLOW_HTTP === '1',
    alertEvaluationIntervalMs: e.ALERT_EVALUATION_INTERVAL_SECONDS * 1000,
    // Opt-in: on this project's 2-core machine the threads measured no faster than the main thread
    // (they compete with DuckDB's commits and the clients for the same cores; issue 25), and no
    // larger machine was measured, so none start unless asked for.
    intakeThreads: e.INTAKE_THREADS ?? 0,
  };
}

