import { serve } from '@hono/node-server';
import { DatabaseLockedError } from '../../db/duckdb';
import { loadConfig } from './config';
import { createLogger, redactedErrorMessage } from './logger';
import { openRuntime, type Runtime, type RuntimeOptions } from './runtime';
import { describeClickHouseStore, openClickHouseRuntime } from './storage/clickhouseRuntime';
import type { Config } from './config';
import { seedDemoIfWanted } from './seedOnStart';

const SHUTDOWN_GRACE_MS = 15_000;

function fail(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(1);
}

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    fail((error as Error).message);
  }
  const logger = createLogger(config.logLevel);
  let runtime: Runtime;
  try {
    runtime = await openConfiguredRuntime(config, logger, {
      // Exit at once: a commit that failed was not acknowledged (its clients got 503 and retry),
      // every acknowledged one is in the write-ahead log, and a restart replays it. Staying up
      // would answer every request with an error while looking alive.
      onDatabaseInvalidated: (error) => {
        logger.fatal({ error: redactedErrorMessage(error) }, 'DuckDB invalidated the database; exiting so that a restart reopens it and replays its log');
        process.exit(70);
      },
    });
  } catch (error) {
    if (error instanceof DatabaseLockedError) fail(error.message);
    if (config.store.kind === 'clickhouse') fail(`the ClickHouse or PostgreSQL store could not be opened: ${redactedErrorMessage(error)}`);
    throw error;
  }
  announceSecrets(runtime);
  await seedDemoIfWanted(runtime, config, logger);

  // Once stopping, a request that still arrives on an open keep-alive connection is refused
  // (nothing stored, retry elsewhere or later) instead of racing the shutdown.
  let stopping = false;
  const fetch = (request: Request, env: unknown) =>
    stopping
      ? Response.json(
          { error: { code: 'shutting_down', message: 'the server is shutting down; nothing of this request was stored; retry later' } },
          { status: 503, headers: { 'retry-after': '5', connection: 'close' } },
        )
      : runtime.app.fetch(request, env as never);
  const server = serve({ fetch, port: config.port, hostname: config.host });
  server.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE') fail(`port ${config.port} on ${config.host} is already in use; set PORT to another port`);
    fail(error.message);
  });
  server.on('listening', () => {
    process.stdout.write(`\nDashboard and API: http://localhost:${config.port}  (API docs: http://localhost:${config.port}/docs)\n\n`);
    const store = config.store.kind === 'clickhouse' ? describeClickHouseStore(config.store) : { database: config.databasePath };
    logger.info({ port: config.port, host: config.host, ...store }, 'listening');
  });

  // SIGTERM/SIGINT: stop accepting connections; let the requests in flight finish (their events
  // are committed and they are answered); then commit whatever is still queued, CHECKPOINT and
  // exit 0. If requests do not finish within SHUTDOWN_GRACE_MS their connections are cut, but
  // events already handed to the writer are still committed before the exit.
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    const grace = new Promise<void>((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS).unref());
    Promise.race([closed, grace])
      .then(() => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        return runtime.close();
      })
      .then(
        () => {
          logger.info({ signal }, 'stopped: queue committed and checkpointed');
          process.exit(0);
        },
        (error: Error) => {
          logger.error({ error: redactedErrorMessage(error) }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/** The embedded DuckDB file, or (STORE=clickhouse) ClickHouse with PostgreSQL; says which. */
async function openConfiguredRuntime(config: Config, logger: ReturnType<typeof createLogger>, options: RuntimeOptions): Promise<Runtime> {
  if (config.store.kind === 'duckdb') return openRuntime(config, logger, options);
  logger.info(describeClickHouseStore(config.store), 'opening the ClickHouse and PostgreSQL store');
  const runtime = await openClickHouseRuntime(config, logger, options);
  // The writer counts the stored events (a FINAL count) in the background and logs them with
  // its duplicate index ('duplicate index loaded'): not a second count here.
  logger.info('connected to ClickHouse and PostgreSQL');
  return runtime;
}

/**
 * Start-up messages. The admin token is printed once, when it is generated: output is often kept
 * (journald, container logs), so later starts only say where the token is kept.
 */
function announceSecrets(runtime: Runtime) {
  const { adminTokenSource: admin, pseudonymKeySource: key, secretsKeySource: secretsKey } = runtime;
  if (admin.source === 'generated') {
    process.stdout.write(
      `Admin token (generated, kept in ${admin.path}, mode 0600; printed this once): ${admin.token}\n` +
        '  sign in to the dashboard as "admin" with this token as password, or send it as "Authorization: Bearer <token>" to the API\n',
    );
  } else if (admin.source === 'file') {
    process.stdout.write(`Admin token: kept in ${admin.path} (not printed again; read it there)\n`);
  }
  if (secretsKey.source === 'generated') {
    process.stderr.write(
      `warning: generated a new secrets key in ${secretsKey.path} (mode 0600): it seals the webhook secrets stored in the database. ` +
        'Back it up with the database and keep it apart from copies of the database: without it, the webhook secrets must be set again.\n',
    );
  }
  if (key.source === 'generated') {
    process.stderr.write(
      `warning: generated a new pseudonym key in ${key.path} (mode 0600). Back it up with the database and keep it apart from ` +
        'copies of the database: without it, new events can no longer be linked to earlier ones, and erasure requests cannot find a person.\n',
    );
  }
}

void main();
