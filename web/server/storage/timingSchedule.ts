import { hoursKeyOf } from '../../../db/conversationTiming';
import { listBusinesses } from '../../../db/registry';
import type { RegistryStore } from '../../../db/store';
import type { EventWriter } from '../../../ingest/buffer/eventWriter';
import { openIntervalsOf } from '../../../reports/metrics/businessHours';
import type { Logger } from '../logger';
import { scheduleBackground, type BackgroundSchedule } from './backgroundSchedule';

/** Often enough that what the last compactions folded is stored soon; a run with nothing to do is one small query per business. */
const MINUTE_MS = 60_000;

export interface TimingDeps {
  writer: EventWriter;
  store: RegistryStore;
  logger: Logger;
  /** Told of a failed run (the server checks it for an invalidated database). */
  onFailed?: (error: unknown) => void;
}

/**
 * Stores the business-hours first response time of the conversations folded since the last run,
 * and of every conversation after a change of hours (db/conversationTiming.ts): one
 * business per turn of the writer's queue, so commits wait for one business's timing at most.
 * Until then the reports time those conversations themselves, so nothing waits on this.
 */
async function timeConversations(deps: TimingDeps, stopped: () => boolean): Promise<number> {
  let timed = 0;
  const businesses = await listBusinesses(deps.store);
  const key = hoursKeyOf(businesses);
  for (const business of businesses) {
    if (stopped()) break;
    const started = performance.now();
    const rows = await deps.writer.exclusive((store) => store.timeConversations(business.id, key, (fromMs, untilMs) => openIntervalsOf(business, fromMs, untilMs)));
    if (rows > 0) deps.logger.info({ business: business.id, rows, ms: Math.round(performance.now() - started) }, 'conversations timed in business hours');
    timed += rows;
  }
  return timed;
}

export type TimingSchedule = BackgroundSchedule<[], number>;

/** At start (in the background: the server answers meanwhile) and then every minute. */
export function scheduleTiming(deps: TimingDeps, { atStart = true, intervalMs = MINUTE_MS } = {}): TimingSchedule {
  return scheduleBackground((stopped) => timeConversations(deps, stopped), {
    atStart, intervalMs, logger: deps.logger, onFailed: deps.onFailed,
    failedMessage: 'conversations could not be timed in business hours (retried in a minute)',
  });
}
