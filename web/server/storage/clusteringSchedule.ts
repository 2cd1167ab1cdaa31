import { settledThroughDay, type ClusteredBlock } from '../../../db/clustering';
import type { EventWriter } from '../../../ingest/buffer/eventWriter';
import { dateOfDay } from '../../../reports/period';
import type { Logger } from '../logger';
import { scheduleBackground, type BackgroundSchedule } from './backgroundSchedule';

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

export type ClusteringSchedule = BackgroundSchedule<[onBlock?: (block: ClusteredBlock) => void], ClusteredBlock[]>;

/** Clusters at start (in the background: the server answers meanwhile) and then hourly. */
export function scheduleClustering(deps: ClusteringDeps, { atStart = true, intervalMs = HOUR_MS } = {}): ClusteringSchedule {
  return scheduleBackground((stopped, onBlock?: (block: ClusteredBlock) => void) => clusterSettledDays(deps, stopped, onBlock), {
    atStart, intervalMs, logger: deps.logger, onFailed: deps.onFailed, failedMessage: 'report tables could not be clustered (retried later)',
  });
}
