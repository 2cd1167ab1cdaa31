import type { PurgeCounts } from '../../../db/lifecycle';
import type { RegistryStore } from '../../../db/store';
import type { EventWriter } from '../../../ingest/buffer/eventWriter';
import type { PersonResolver } from '../../../ingest/identity/personResolver';
import { redactedErrorMessage, type Logger } from '../logger';

export const DAY_MS = 86_400_000;

export interface RetentionDeps {
  // Held around the purge: on DuckDB it keeps the webhook intake away while the writer's
  // connection deletes webhook state and sessions (on PostgreSQL the event store does).
  store: RegistryStore;
  writer: EventWriter;
  /** Held too: the purge forgets identity links, which the intake may be writing. */
  persons: PersonResolver;
  retentionDays: number;
  now: () => number;
  logger: Logger;
}

/**
 * RETENTION_DAYS: deletes events that happened more than that many days ago and what
 * was derived from them, and expired sessions. Runs in the writer's queue with the admin store
 * held, like erasure, and logs the counts (never a value).
 */
export async function purgeRetention(deps: RetentionDeps): Promise<PurgeCounts> {
  const nowMs = deps.now();
  const cutoffMs = nowMs - deps.retentionDays * DAY_MS;
  // The intake's order: admin store, then persons, then the writer.
  const purge = () => deps.store.exclusive(() =>
    deps.persons.exclusive(() => deps.writer.exclusive((store) => {
      deps.persons.forgetCached();
      return store.purgeExpired(cutoffMs, nowMs);
    })));
  // Servers sharing a store purge one after the other: the later ones find nothing left, instead
  // of sending the same deletions to every node at once.
  const counts = deps.store.acrossProcesses ? await deps.store.acrossProcesses('retention-purge', purge) : await purge();
  deps.logger.info({ retentionDays: deps.retentionDays, cutoff: new Date(cutoffMs).toISOString(), deleted: counts }, 'retention purge');
  return counts;
}

/**
 * Purges now and then once a day. stop() clears the timer and waits for a purge in progress.
 */
export function scheduleRetention(deps: RetentionDeps, intervalMs = DAY_MS): { first: Promise<PurgeCounts>; stop: () => Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const run = () => {
    const purge = purgeRetention(deps);
    running = purge.catch((error: unknown) => deps.logger.error({ error: redactedErrorMessage(error) }, 'retention purge failed'));
    return purge;
  };
  const first = run();
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return {
    first,
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
