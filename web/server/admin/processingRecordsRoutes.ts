import type { MiddlewareHandler } from 'hono';
import { getStoredProcessingRecords, setProcessingRecords, type ProcessingRecords } from '../../../db/processingRecords';
import type { RegistryStore } from '../../../db/store';
import { notFound } from '../http/apiError';
import { principalOf, requireRole, type AuthDeps } from '../auth/principal';
import { recordAction } from '../auth/auditAction';
import { canSee, unknownBusiness } from '../auth/businessScope';
import { createRouter } from '../http/router';
import { getProcessingRecordsRoute, putProcessingRecordsRoute } from './processingRecordsSchemas';

export interface ProcessingRecordsDeps extends AuthDeps {
  store: RegistryStore;
}

/** The top-level fields whose value differs from what was stored (all of them when nothing was). */
const changedFields = (before: ProcessingRecords | undefined, after: ProcessingRecords) =>
  (Object.keys(after) as (keyof ProcessingRecords)[]).filter((field) => JSON.stringify(before?.[field]) !== JSON.stringify(after[field]));

async function recordsReply(deps: ProcessingRecordsDeps, id: string) {
  const stored = await getStoredProcessingRecords(deps.store, id);
  if (!stored) return undefined;
  return { business: id, ...stored.records, updated_at: stored.updatedAt };
}

/**
 * A business's records of processing (db/processingRecords.ts), read by the Art. 30 record: an
 * admin sets them, a dpo (or admin) reads them. A business outside the caller's scope is answered
 * as an unregistered one.
 */
export function processingRecordsRoutes(deps: ProcessingRecordsDeps) {
  const router = createRouter();
  const read = requireRole('dpo', deps);
  const write = requireRole('admin', deps);
  const guard: MiddlewareHandler = (c, next) => (c.req.method === 'GET' ? read(c, next) : write(c, next));
  router.use('/v1/businesses/:id/records', guard);

  router.openapi(putProcessingRecordsRoute, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    if (!canSee(principalOf(c), id)) throw unknownBusiness(id);
    const before = (await getStoredProcessingRecords(deps.store, id))?.records;
    if (!(await setProcessingRecords(deps.store, id, body, new Date(deps.now())))) throw unknownBusiness(id);
    // Field names only: the records hold names and addresses of people (controller, DPO).
    await recordAction(deps, { actor: principalOf(c).actor, action: 'admin.business.records', target: id, filters: { changed: changedFields(before, body) } });
    return c.json((await recordsReply(deps, id))!, 200);
  });
  router.openapi(getProcessingRecordsRoute, async (c) => {
    const { id } = c.req.valid('param');
    if (!canSee(principalOf(c), id)) throw unknownBusiness(id);
    const reply = await recordsReply(deps, id);
    if (!reply) throw notFound(`business ${id} has no records of processing (or is not registered)`);
    return c.json(reply, 200);
  });
  return router;
}
