import type { DuckDBConnection } from '@duckdb/node-api';
import { listBusinesses } from '../../db/registry';
import type { SerialStore } from '../../db/store';
import { ReadQueue, reportSource } from '../db/reportSource';
import type { ReportContext } from '../reports';

export interface ReportContextDeps {
  store: SerialStore;
  /** A DuckDB connection of its own for report reads. */
  reads: DuckDBConnection;
  /** MIN_COHORT. */
  minCohort: number;
}

// One queue per read connection: the report API and the exports share the connection, and a
// DuckDB connection runs one statement at a time.
const queues = new WeakMap<DuckDBConnection, ReadQueue>();

export function readQueueFor(connection: DuckDBConnection): ReadQueue {
  let queue = queues.get(connection);
  if (!queue) {
    queue = new ReadQueue(connection);
    queues.set(connection, queue);
  }
  return queue;
}

/** What the report API and the exports build reports from: the same source, the same k. */
export function reportContext(deps: ReportContextDeps): ReportContext {
  return { source: reportSource(readQueueFor(deps.reads), () => listBusinesses(deps.store)), k: deps.minCohort };
}
