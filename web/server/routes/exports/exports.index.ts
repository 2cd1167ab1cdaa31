import type { Context } from 'hono';
import { requireRole } from '../../auth/principal';
import { createRouter } from '../../http/router';
import { narrowedTo, reportContext } from '../../../../reports/api/reportContext';
import { scopeOf, unknownBusiness } from '../../auth/businessScope';
import { serveAuditedFile } from '../../http/servedFile';
import { businessReport, overviewReport, residencyReport } from '../../../../reports/reports';
import { CONTENT_TYPES, exportMeta, fileNameOf, rowCountOf, type ExportFormat, type ExportInput } from '../../../../reports/exports/exportKinds';
import {
  businessExportRoute, campaignsExportRoute, overviewExportRoutes, parseBusinessFile, parseCampaignsFile, residencyExportRoutes,
} from './exports.routes';
import { campaignReport } from '../../../../reports/campaigns/campaignReport';
import { rateCardFromRegistry } from '../../../../reports/campaigns/campaignCosts';
import { renderExport } from '../../../../reports/exports/render';
import type { RunSql } from '../../../../reports/exports/parquet';
import type { ReportDeps } from '../reports/reports.index';
import { productFactsOf, type ProductFactsDeps } from '../records/productFacts';
import { utcDateOf } from '../../../../reports/residency/residency';

/** What the exports need is what the reports need (they are the reports, rendered), and DuckDB for Parquet. */
export interface ExportDeps extends ReportDeps, ProductFactsDeps {
  /** DuckDB SQL for the files DuckDB writes (Parquet). */
  fileSql: RunSql;
}

/**
 * GET /v1/exports/{overview|residency|business/:id|campaigns/:id}.{csv,json,pdf} and /v1/exports/overview.parquet
 *: the report built exactly as the report API builds it, rendered, recorded in the audit
 * log, then served. Overview, business and campaigns exports need marketing or higher, residency dpo.
 */
export function exportRoutes(deps: ExportDeps) {
  const router = createRouter();
  const ctx = reportContext(deps);
  // A scoped user's files hold only their businesses; another id is 404, as an unregistered one.
  const visible = (c: Context) => narrowedTo(ctx, scopeOf(c));

  const serve = async (c: Context, input: ExportInput, format: ExportFormat, filters: Record<string, unknown>) => {
    // The product's facts: the residency PDF states how identifiers are pseudonymised.
    const bytes = await renderExport(input, format, exportMeta(deps.now(), productFactsOf(deps)), deps.fileSql);
    return serveAuditedFile(
      c, deps,
      { action: `export.${input.kind}.${format}`, target: input.kind === 'business' || input.kind === 'campaigns' ? input.report.business : null, filters, rowCount: rowCountOf(input) },
      { bytes, contentType: CONTENT_TYPES[format], fileName: fileNameOf(input, format) },
    );
  };

  for (const { route } of overviewExportRoutes) router.use(route.path, requireRole('marketing', deps));
  router.use('/v1/exports/business/*', requireRole('marketing', deps));
  router.use('/v1/exports/campaigns/*', requireRole('marketing', deps));
  for (const { route } of residencyExportRoutes) router.use(route.path, requireRole('dpo', deps));

  for (const { format, route } of overviewExportRoutes) {
    router.openapi(route, async (c) => {
      const query = c.req.valid('query');
      return serve(c, { kind: 'overview', report: await overviewReport(visible(c), query) }, format, { ...query });
    });
  }
  for (const { format, route } of residencyExportRoutes) {
    router.openapi(route, async (c) => {
      const query = c.req.valid('query');
      return serve(c, { kind: 'residency', report: await residencyReport(visible(c), query, utcDateOf(deps.now())) }, format, { ...query });
    });
  }
  router.openapi(businessExportRoute, async (c) => {
    const { id, format } = parseBusinessFile(c.req.valid('param').file)!;
    const query = c.req.valid('query');
    const report = await businessReport(visible(c), id, query);
    if (!report) throw unknownBusiness(id);
    return serve(c, { kind: 'business', report }, format, { business: id, ...query });
  });
  const rateCardOf = rateCardFromRegistry(deps.store);
  router.openapi(campaignsExportRoute, async (c) => {
    const { id, format } = parseCampaignsFile(c.req.valid('param').file)!;
    const query = c.req.valid('query');
    const report = await campaignReport({ ...visible(c), rateCardOf }, id, query);
    if (!report) throw unknownBusiness(id);
    return serve(c, { kind: 'campaigns', report }, format, { business: id, ...query });
  });
  return router;
}
