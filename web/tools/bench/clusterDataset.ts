import { dateOfDay } from '../../../reports/period';
import type { Runtime } from '../../server/runtime';
import { formatCount } from './textTable';

export interface ClusteringFigures {
  blocks: number;
  rows: number;
  seconds: number;
}

/**
 * Clusters the data set's settled days (db/clustering.ts) before the reports are measured, as a
 * server that has run a day would have: the hourly run would do it in the background.
 */
export async function clusterDataset(runtime: Runtime): Promise<ClusteringFigures> {
  process.stderr.write('clustering the report tables by business (settled days, a block at a time) ...\n');
  const started = performance.now();
  let previous = started;
  const blocks = await runtime.clusterSettledDays((block) => {
    const now = performance.now();
    process.stderr.write(`  ${block.table} ${dateOfDay(block.fromDay)}..${dateOfDay(block.toDay)}: ${formatCount(block.rows)} rows, ${((now - previous) / 1000).toFixed(1)} s\n`);
    previous = now;
  });
  return { blocks: blocks.length, rows: blocks.reduce((sum, b) => sum + b.rows, 0), seconds: (performance.now() - started) / 1000 };
}
