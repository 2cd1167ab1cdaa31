import { generateDemo } from '../../ingest/demo/generateDemo';
import { formatRejections, formatSummary, inProcessClient, postDemo } from './seed/postDemo';
import { ProgressBar } from '../../ingest/demo/progress';
import type { Config } from './config';
import { redactedErrorMessage, type Logger } from './logger';
import type { Runtime } from './runtime';

const DEFAULT_EVENTS = 300_000;
const DEMO_SEED = 42;

function demoEventCount(logger: Logger, env: NodeJS.ProcessEnv): number {
  const text = env.SEED_DEMO_EVENTS;
  if (text === undefined || text === '') return DEFAULT_EVENTS;
  if (/^\d+$/.test(text) && Number(text) >= 1) return Number(text);
  logger.warn({ SEED_DEMO_EVENTS: text.slice(0, 20) }, `SEED_DEMO_EVENTS must be a positive whole number; seeding ${DEFAULT_EVENTS} events`);
  return DEFAULT_EVENTS;
}

/**
 * SEED_DEMO: unset seeds a new database only; 1 seeds the database if it holds no events yet;
 * 0 never. The demo goes through the app's own API in-process, before the server listens.
 */
export async function seedDemoIfWanted(runtime: Runtime, config: Config, logger: Logger, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const wanted = config.seedDemo ?? runtime.isNewDatabase;
  if (!wanted) return;
  if ((await runtime.countEvents()) > 0) {
    logger.info('the database already holds events: demo data not seeded');
    return;
  }
  const events = demoEventCount(logger, env);
  // The whole period must lie inside the retention window, or the intake would refuse it.
  const days = Math.min(90, config.retentionDays * 0.9);
  logger.info({ events, seed: DEMO_SEED, days }, 'seeding demo data (SEED_DEMO=0 starts empty)');
  const demo = generateDemo({ seed: DEMO_SEED, events, days, end: runtime.deps.now() });
  const progress = new ProgressBar(events);
  try {
    const summary = await postDemo(inProcessClient(runtime.app), runtime.deps.adminToken, demo, { onProgress: (n) => progress.update(n) });
    progress.finish();
    process.stderr.write(`${formatSummary(summary)}\n`);
    const { firstRejections: _first, ...counts } = summary;
    if (summary.rejected > 0) logger.error({ ...counts, firstRejections: formatRejections(summary) }, 'the intake rejected demo events');
    else logger.info({ ...counts, seconds: Math.round(counts.seconds * 10) / 10 }, 'demo data seeded');
    // Most of the demo's days have settled: clustered now, in the background, not in an hour.
    // Logged like the hourly run's failures (identifiers redacted); that run retries it.
    runtime.clusterSettledDays().catch((error: unknown) =>
      logger.error({ error: redactedErrorMessage(error) }, 'demo data could not be clustered (retried within the hour)'));
  } catch (error) {
    progress.finish();
    // A broken demo must not keep the server from starting: it starts with what was stored.
    logger.error({ err: { message: (error as Error).message } }, 'demo seeding failed');
  }
}
