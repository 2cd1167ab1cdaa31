import type { DuckDBConnection } from '@duckdb/node-api';
import { listBusinesses } from '../../db/registry';
import type { SerialStore } from '../../db/store';
import { requireRole } from '../../web/server/auth/principal';
import { notFound } from '../../web/server/http/apiError';
import { createRouter } from '../../web/server/http/router';
import { ReadQueue, reportSource } from '../db/reportSource';
import { businessReport, overviewReport, residencyReport, type ReportContext } from '../reports';
import { businessReportRoute, overviewRoute, residencyRoute } from './reportRoutesContract';

export interface ReportDeps {
  store: SerialStore;
  /** A DuckDB connection of its own for report reads. */
  reads: DuckDBConnection;
  /** MIN_COHORT. */
  minCohort: number;
  adminToken: string;
  now: () => number;
}

/**
 * GET /v1/reports/overview, /v1/reports/businesses/:id, /v1/reports/residency (SPEC 9).
 * Engagement reports need the marketing role or higher, residency the dpo role (SPEC 5).
 */
export function reportRoutes(deps: ReportDeps) {
  const router = createRouter();
  const reads = new ReadQueue(deps.reads);
  const ctx: ReportContext = { source: reportSource(reads, () => listBusinesses(deps.store)), k: deps.minCohort };

  router.use('/v1/reports/overview', requireRole('marketing', deps));
  router.use('/v1/reports/businesses/*', requireRole('marketing', deps));
  router.use('/v1/reports/residency', requireRole('dpo', deps));

  router.openapi(overviewRoute, async (c) => c.json(await overviewReport(ctx, c.req.valid('query')), 200));
  router.openapi(businessReportRoute, async (c) => {
    const { id } = c.req.valid('param');
    const report = await businessReport(ctx, id, c.req.valid('query'));
    if (!report) throw notFound(`business ${id} is not registered`);
    return c.json(report, 200);
  });
  router.openapi(residencyRoute, async (c) => c.json(await residencyReport(ctx, c.req.valid('query')), 200));
  return router;
}
