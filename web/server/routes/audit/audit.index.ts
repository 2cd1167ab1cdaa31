import type { RegistryStore } from '../../../../db/store';
import { principalOf, requireRole } from '../../auth/principal';
import { createRouter } from '../../http/router';
import { DAY_MS, dayNumber } from '../../../../reports/period';
import { auditRoute } from './audit.routes';
import { listVisibleAudit } from './visibleAudit';

export interface AuditRouteDeps {
  store: RegistryStore;
  adminToken: string;
  now: () => number;
}

/** GET /v1/audit: dpo and admin only; a user scoped to some businesses sees the entries about those. */
export function auditRoutes(deps: AuditRouteDeps) {
  const router = createRouter();
  router.use('/v1/audit', requireRole('dpo', deps));
  router.openapi(auditRoute, async (c) => {
    const { from, to, limit, actor, action } = c.req.valid('query');
    const entries = await listVisibleAudit(deps.store, principalOf(c), {
      since: from ? new Date(dayNumber(from) * DAY_MS) : undefined,
      until: to ? new Date((dayNumber(to) + 1) * DAY_MS) : undefined,
      actor,
      actionPrefix: action,
      limit,
    });
    return c.json({
      entries: entries.map((e) => ({ id: e.id, at: e.at, actor: e.actor, action: e.action, target: e.target, filters: e.filters, row_count: e.rowCount, sha256: e.sha256 })),
    }, 200);
  });
  return router;
}
