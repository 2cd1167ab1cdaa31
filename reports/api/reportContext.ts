import type { SqlQuery } from '../metrics/sqlText';
import { listBusinesses } from '../../db/registry';
import type { RegistryStore } from '../../db/store';
import { reportSource, type ReportReads } from '../db/reportSource';
import type { ReportContext } from '../reports';

export interface ReportContextDeps {
  store: RegistryStore;
  /** Report reads (and their engine's SQL), shared by the report API and the exports. */
  reads: ReportReads;
  /** MIN_COHORT. */
  minCohort: number;
}

/** What the report API and the exports build reports from: the same source, the same k. */
export function reportContext(deps: ReportContextDeps): ReportContext {
  return { source: reportSource(deps.reads, () => listBusinesses(deps.store)), k: deps.minCohort };
}

/**
 * The same context with its registry narrowed to these businesses (null: all of them): every
 * report lists, and finds by id, only the businesses its source names, so a scoped user's
 * overview and residency report have only their rows and a business report of any other id is
 * undefined, as for an unregistered one.
 */
export function narrowedTo(ctx: ReportContext, businesses: readonly string[] | null): ReportContext {
  if (businesses === null) return ctx;
  const visible = new Set(businesses);
  const { source } = ctx;
  return {
    ...ctx,
    source: {
      query: <T>(query: SqlQuery) => source.query<T>(query),
      businesses: async () => (await source.businesses()).filter((b) => visible.has(b.id)),
      queries: source.queries,
    },
  };
}
