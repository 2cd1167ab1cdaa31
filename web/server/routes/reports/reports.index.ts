import type { Context } from 'hono';
import type { Logger } from 'pino';
import type { RegistryStore } from '../../../../db/store';
import { requireRole } from '../../auth/principal';
import { createRouter } from '../../http/router';
import { auditReply } from '../../http/auditReply';
import { businessReport, overviewReport, residencyReport, type ResidencyReport } from '../../../../reports/reports';
import { ADEQUACY } from '../../../../reports/residency/adequacy';
import { adequacyRoute } from './adequacy.routes';
import { narrowedTo, reportContext } from '../../../../reports/api/reportContext';
import { scopeOf, unknownBusiness } from '../../auth/businessScope';
import type { ReportReads } from '../../../../reports/db/reportSource';
import { businessReportRoute, overviewRoute, residencyRoute } from './reports.routes';
import { campaignReportRoute } from './campaigns.routes';
import { campaignReport } from '../../../../reports/campaigns/campaignReport';
import { rateCardFromRegistry } from '../../../../reports/campaigns/campaignCosts';
import { recordServed } from '../../http/servedFile';
import { previousPeriod } from '../../../../reports/compare/previousPeriod';
import { compareBusiness, compareCampaigns, compareOverview } from '../../../../reports/compare/compareReports';
import { utcDateOf } from '../../../../reports/residency/residency';

export interface ReportDeps {
  store: RegistryStore;
  /** Report reads on connections of their own (DuckDB's or ClickHouse's). */
  reads: ReportReads;
  /** MIN_COHORT. */
  minCohort: number;
  adminToken: string;
  now: () => number;
  logger?: Logger;
}

/**
 * GET /v1/reports/overview, /v1/reports/businesses/:id, /v1/reports/campaigns, /v1/reports/residency, and the
 * adequacy list the residency flags rest on.
 * Engagement reports need the marketing role or higher, residency the dpo role. Every
 * report read is written to the audit log with the SHA-256 of the body served. A user scoped
 * to some businesses sees only those: others are left out of the lists and answer 404 as an
 * unregistered id does.
 */
export function reportRoutes(deps: ReportDeps) {
  const router = createRouter();
  const ctx = reportContext(deps);
  const visible = (c: Context) => narrowedTo(ctx, scopeOf(c));

  router.use('/v1/reports/overview', requireRole('marketing', deps));
  router.use('/v1/reports/businesses/*', requireRole('marketing', deps));
  router.use('/v1/reports/campaigns', requireRole('marketing', deps));
  router.use('/v1/reports/residency', requireRole('dpo', deps));
  router.use('/v1/reports/adequacy', requireRole('marketing', deps));
  // Every report read is audited, not only exports: differencing attacks (the same report for
  // periods a day apart, or overlapping filters) leave their trail in the log (docs/threat-model.md).
  router.use('/v1/reports/overview', auditReply(deps, {
    action: 'report.overview',
    filters: (query) => ({ from: query.from, to: query.to, channel: query.channel, compare: query.compare }),
    rowCount: (body) => (body as { businesses: unknown[] }).businesses.length,
  }));
  router.use('/v1/reports/businesses/*', auditReply(deps, {
    action: 'report.business',
    target: (path) => decodeURIComponent(path.split('/')[4] ?? ''),
    filters: (query) => ({ from: query.from, to: query.to, channel: query.channel, granularity: query.granularity, compare: query.compare }),
    rowCount: () => 1,
  }));
  router.use('/v1/reports/residency', auditReply(deps, {
    action: 'report.residency',
    filters: (query) => ({ from: query.from, to: query.to }),
    rowCount: (body) => (body as ResidencyReport).businesses.reduce((n, b) => n + 1 + b.locations.length, 0),
  }));

  // With ?compare=previous the preceding period's report is computed as its own request would
  // be (after the current one: one request never holds two report reads at once), and the
  // rows compared (reports/compare/). Still one report read for the audit log.
  router.openapi(overviewRoute, async (c) => {
    const { compare, ...query } = c.req.valid('query');
    const report = await overviewReport(visible(c), query);
    if (!compare) return c.json(report, 200);
    return c.json(compareOverview(report, await overviewReport(visible(c), { ...query, ...previousPeriod(query) })), 200);
  });
  router.openapi(businessReportRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { compare, ...query } = c.req.valid('query');
    const report = await businessReport(visible(c), id, query);
    if (!report) throw unknownBusiness(id);
    if (!compare) return c.json(report, 200);
    const previous = (await businessReport(visible(c), id, { ...query, ...previousPeriod(query) }))!;
    return c.json(compareBusiness(report, previous), 200);
  });
  const rateCardOf = rateCardFromRegistry(deps.store);
  router.openapi(campaignReportRoute, async (c) => {
    const { business, compare, ...query } = c.req.valid('query');
    const campaignContext = { ...visible(c), rateCardOf };
    const current = await campaignReport(campaignContext, business, query);
    if (!current) throw unknownBusiness(business);
    const report = compare ? compareCampaigns(current, (await campaignReport(campaignContext, business, { ...query, ...previousPeriod(query) }))!) : current;
    // Audited here rather than by auditReply, whose target comes from the path: the entry names
    // the business (a query parameter here) as report.business's does. The bytes hashed are
    // c.json's: JSON.stringify of the same object.
    const filters = { business, from: query.from, to: query.to, channel: query.channel, compare };
    await recordServed(c, deps, { action: 'report.campaigns', target: business, filters, rowCount: report.rows.length }, new TextEncoder().encode(JSON.stringify(report)));
    return c.json(report, 200);
  });
  router.openapi(residencyRoute, async (c) => c.json(await residencyReport(visible(c), c.req.valid('query'), utcDateOf(deps.now())), 200));
  router.openapi(adequacyRoute, (c) => c.json(ADEQUACY, 200));
  return router;
}
