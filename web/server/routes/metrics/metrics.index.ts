import { METRIC_GROUPS, METRICS } from '../../../../reports/metrics/definitions';
import { requireRole, type AuthDeps } from '../../auth/principal';
import { createRouter } from '../../http/router';
import { metricsRoute } from './metrics.routes';

/** The catalogue every consumer renders from: the dashboard's headers, the exports' too. */
const CATALOGUE = {
  metrics: METRICS.map((m) => ({
    id: m.id, label: m.label, short_label: m.shortLabel, unit: m.unit, group: m.group, description: m.description, formula: m.formula,
  })),
  groups: METRIC_GROUPS.map((g) => ({ id: g.id, title: g.title })),
};

/** GET /v1/metrics. */
export function metricsRoutes(deps: AuthDeps) {
  const router = createRouter();
  router.use('/v1/metrics', requireRole('marketing', deps));
  router.openapi(metricsRoute, (c) => c.json(CATALOGUE, 200));
  return router;
}
