import type { Logger } from 'pino';
import type { SerialStore } from '../../../../db/store';
import { requireRole } from '../../auth/principal';
import { notFound } from '../../http/apiError';
import { createRouter } from '../../http/router';
import { auditReply } from '../../http/auditReply';
import { businessReport, overviewReport, residencyReport, type ResidencyReport } from '../../../../reports/reports';
import { ADEQUACY } from '../../../../reports/residency/adequacy';
import { adequacyRoute } from './adequacy.routes';
import { reportContext } from '../../../../reports/api/reportContext';
import type { ReadQueue } from '../../../../reports/db/reportSource';
import { businessReportRoute, overviewRoute, residencyRoute } from './reports.routes';

export interface ReportDeps {
  store: SerialStore;
  /** Connections of their own for report reads. */
  reads: ReadQueue;
  /** MIN_COHORT. */
  minCohort: number;
  adminToken: string;
  now: () => number;
  logger?: Logger;
}

/**
 * GET /v1/reports/overview, /v1/reports/businesses/:id, /v1/reports/residency, and the
 * adequacy list the residency flags rest on.
 * Engagement reports need the marketing role or higher, residency the dpo role. Every
 * residency read is written to the audit log with the SHA-256 of the body served.
 */
export function reportRoutes(deps: ReportDeps) {
  const router = createRouter();
  const ctx = reportContext(deps);

  router.use('/v1/reports/overview', requireRole('marketing', deps));
  router.use('/v1/reports/businesses/*', requireRole('marketing', deps));
  router.use('/v1/reports/residency', requireRole('dpo', deps));
  router.use('/v1/reports/adequacy', requireRole('marketing', deps));
  router.use('/v1/reports/residency', auditReply(deps, {
    action: 'report.residency',
    filters: (query) => ({ from: query.from, to: query.to }),
    rowCount: (body) => (body as ResidencyReport).businesses.reduce((n, b) => n + 1 + b.locations.length, 0),
  }));

  router.openapi(overviewRoute, async (c) => c.json(await overviewReport(ctx, c.req.valid('query')), 200));
  router.openapi(businessReportRoute, async (c) => {
    const { id } = c.req.valid('param');
    const report = await businessReport(ctx, id, c.req.valid('query'));
    if (!report) throw notFound(`business ${id} is not registered`);
    return c.json(report, 200);
  });
  router.openapi(residencyRoute, async (c) => c.json(await residencyReport(ctx, c.req.valid('query')), 200));
  router.openapi(adequacyRoute, (c) => c.json(ADEQUACY, 200));
  return router;
}
