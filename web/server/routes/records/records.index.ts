import type { Context } from 'hono';
import { requireRole } from '../../auth/principal';
import { scopeOf } from '../../auth/businessScope';
import { createRouter } from '../../http/router';
import { serveAuditedFile } from '../../http/servedFile';
import { narrowedTo, reportContext } from '../../../../reports/api/reportContext';
import type { ExportDeps } from '../exports/exports.index';
import { serveEvidencePack } from './evidencePack';
import { productFactsOf } from './productFacts';
import { recordFile, recordOf } from './recordFiles';
import { evidencePackRoute, parseEvidenceFile, parseRecordFile, recordExportRoute } from './records.routes';

/**
 * The DPO's file: GET /v1/exports/records/<id>.<json|pdf> (the Art. 30 record) and
 * GET /v1/exports/evidence/<id>.zip (the evidence pack), role dpo or admin, audited like every
 * export. A business outside the caller's scope is 404, as an unregistered one.
 */
export function recordsRoutes(deps: ExportDeps) {
  const router = createRouter();
  const ctx = reportContext(deps);
  const facts = productFactsOf(deps);
  const fileDeps = { ...deps, facts };
  // The caller's businesses only, then the one named: the residency report of the pack holds no other.
  const businessContext = (c: Context, business: string) => narrowedTo(narrowedTo(ctx, scopeOf(c)), [business]);

  router.use('/v1/exports/records/*', requireRole('dpo', deps));
  router.use('/v1/exports/evidence/*', requireRole('dpo', deps));

  router.openapi(recordExportRoute, async (c) => {
    const { id, format } = parseRecordFile(c.req.valid('param').file)!;
    const period = c.req.valid('query');
    const now = deps.now();
    const record = await recordOf(businessContext(c, id), fileDeps, id, period, now);
    const file = await recordFile(record, format, now, facts);
    return serveAuditedFile(c, deps, file.audit, file);
  });
  router.openapi(evidencePackRoute, async (c) => {
    const id = parseEvidenceFile(c.req.valid('param').file)!;
    return serveEvidencePack(c, businessContext(c, id), fileDeps, id, c.req.valid('query'));
  });
  return router;
}
