import { getBusiness } from '../../../../db/registry';
import { listAlerts } from '../../../../db/alerts';
import type { RegistryStore } from '../../../../db/store';
import { principalOf, requireRole } from '../../auth/principal';
import { canSee, scopeOf, unknownBusiness } from '../../auth/businessScope';
import { createRouter } from '../../http/router';
import { alertReply, sinceMs } from './alerts.handlers';
import { alertsRoute } from './alerts.routes';

export interface AlertRouteDeps {
  store: RegistryStore;
  adminToken: string;
  now: () => number;
}

/** GET /v1/alerts: marketing and higher, limited to the businesses the user may see. */
export function alertRoutes(deps: AlertRouteDeps) {
  const router = createRouter();
  router.use('/v1/alerts', requireRole('marketing', deps));
  router.openapi(alertsRoute, async (c) => {
    const { business, since, limit } = c.req.valid('query');
    if (business !== undefined && (!canSee(principalOf(c), business) || !(await getBusiness(deps.store, business)))) {
      throw unknownBusiness(business);
    }
    const alerts = await listAlerts(deps.store, { businesses: business === undefined ? scopeOf(c) : [business], sinceMs: sinceMs(since), limit });
    return c.json({ alerts: alerts.map(alertReply) }, 200);
  });
  return router;
}
