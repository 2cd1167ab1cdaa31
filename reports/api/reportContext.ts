import { listBusinesses } from '../../db/registry';
import type { SerialStore } from '../../db/store';
import { reportSource, type ReadQueue } from '../db/reportSource';
import type { ReportContext } from '../reports';

export interface ReportContextDeps {
  store: SerialStore;
  /** Report reads, shared by the report API and the exports. */
  reads: ReadQueue;
  /** MIN_COHORT. */
  minCohort: number;
}

/** What the report API and the exports build reports from: the same source, the same k. */
export function reportContext(deps: ReportContextDeps): ReportContext {
  return { source: reportSource(deps.reads, () => listBusinesses(deps.store)), k: deps.minCohort };
}
