import type { Config } from './config';
import type { Logger } from './logger';
import type { Runtime } from './runtime';

/** SEED_DEMO: unset seeds a new database only; 1 always seeds an empty one; 0 never. */
export async function seedDemoIfWanted(runtime: Runtime, config: Config, logger: Logger): Promise<void> {
  const wanted = config.seedDemo ?? runtime.isNewDatabase;
  if (!wanted) return;
  logger.info('demo seeding not available yet');
}
