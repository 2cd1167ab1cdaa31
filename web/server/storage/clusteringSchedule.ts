import { settledThroughDay, type ClusteredBlock } from '../../../db/clustering';
import type { EventWriter } from '../../../ingest/buffer/eventWriter';
import { dateOfDay } from '../../../reports/period';
import { redactedErrorMessage, type Logger } from '../logger';

const HOUR_MS = 3_600_000;

export interface ClusteringDeps {
  writer: EventWriter;
  now: () => number;
  logger: Logger;
  /** Told of a failed block (the server checks it for an invalidated database). */
  onFailed?: (error: unknown) => void;
}

/**
 * Clusters every settled block not yet clustered (db/clustering.ts), one block per turn of the
 * writer's queue: commits wait for one block at most (0.3-0.5 s at 11.5M events), never for
 * all of them.
 */
async function clusterSettledDays(deps: ClusteringDeps, stopped: () => boolean, onBlock?: (block: ClusteredBlock) => void): Promise<ClusteredBlock[]> {
  const blocks: ClusteredBlock[] = [];
  // Facts still in their parts are not in the tables yet: fold them first, or they would wait
  // for the block's next rewrite.
  await deps.writer.compactFacts();
  while (!stopped()) {
    const settled = settledThroughDay(deps.now());
    const started = performance.now();
    const block = await deps.writer.exclusive((store) => store.clusterNextBlock(settled));
    if (!block) break;
    blocks.push(block);
    onBlock?.(block);
    deps.logger.info(
      { table: block.table, from: dateOfDay(block.fromDay), to: dateOfDay(block.toDay), rows: block.rows, ms: Math.round(performance.now() - started) },
      'report table clustered',
    );
  }
  return blocks;
}

export interface ClusteringSchedule {
  /**
   * Clusters what has settled now, after a run in progress; rejects if a block fails (and tells
   * onFailed, whoever started the run: the hourly timer, the demo seed or a test).
   */
  runNow: (onBlock?: (block: ClusteredBlock) => void) => Promise<ClusteredBlock[]>;
  /** Clears the timer and waits for a run in progress (it stops after its current block). */
  stop: () => Promise<void>;
}

/** Clusters at start (in the background: the server answers meanwhile) and then hourly. */
export function scheduleClustering(deps: ClusteringDeps, { atStart = true, intervalMs = HOUR_MS } = {}): ClusteringSchedule {
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  const runNow = (onBlock?: (block: ClusteredBlock) => void) => {
    const run = running.then(() => clusterSettledDays(deps, () => stopped, onBlock)).catch((error: unknown) => {
      deps.onFailed?.(error);
      throw error;
    });
    running = run.catch(() => undefined);
    return run;
  };
  const runLogged = () => {
    runNow().catch((error: unknown) => {
      deps.logger.error({ error: redactedErrorMessage(error) }, 'report tables could not be clustered (retried later)');
    });
  };
  if (atStart) runLogged();
  const timer = setInterval(runLogged, intervalMs);
  timer.unref();
  return {
    runNow,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
