import type { z } from '@hono/zod-openapi';
import { getAlertRules, setAlertRules, type AlertRules } from '../../../db/alertRules';
import { getBusiness } from '../../../db/registry';
import type { RegistryStore } from '../../../db/store';
import { defaultAlertRules } from '../../../reports/alerts/alertRules';
import { badRequest, notFound } from '../http/apiError';
import { principalOf, requireRole, type AuthDeps } from '../auth/principal';
import { recordAction } from '../auth/auditAction';
import { createRouter } from '../http/router';
import { getAlertRulesRoute, putAlertRulesRoute, type AlertRulesPut } from './alertRulesSchemas';

export interface AlertRulesDeps extends AuthDeps {
  store: RegistryStore;
  /** MIN_COHORT: min_recipients is never below it. */
  minCohort: number;
}

/** The body over the defaults: a field left out keeps its default. */
function rulesOf(body: z.infer<typeof AlertRulesPut>, k: number): AlertRules {
  const defaults = defaultAlertRules(k);
  return {
    enabled: body.enabled ?? defaults.enabled,
    thresholds: { ...defaults.thresholds, ...body.thresholds },
    jump: { ...defaults.jump, ...body.jump },
  };
}

async function rulesReply(deps: AlertRulesDeps, id: string) {
  if (!(await getBusiness(deps.store, id))) throw notFound(`business ${id} is not registered`);
  const stored = await getAlertRules(deps.store, id);
  const rules = stored?.rules ?? defaultAlertRules(deps.minCohort);
  return { business: id, ...rules, source: stored ? 'set' as const : 'default' as const, updated_at: stored?.updatedAt ?? null };
}

/** Admin endpoints of a business's alert rules (evaluated by web/server/alerts/alertEvaluation.ts). */
export function alertRulesRoutes(deps: AlertRulesDeps) {
  const router = createRouter();
  router.use('/v1/businesses/:id/alert-rules', requireRole('admin', deps));

  router.openapi(putAlertRulesRoute, async (c) => {
    const { id } = c.req.valid('param');
    const rules = rulesOf(c.req.valid('json'), deps.minCohort);
    // A rate resting on fewer than k recipients is never shown: no alert may tell it either.
    if (rules.jump.min_recipients < deps.minCohort) throw badRequest(`jump.min_recipients must be at least MIN_COHORT (${deps.minCohort})`);
    if (!(await setAlertRules(deps.store, id, rules, deps.now()))) throw notFound(`business ${id} is not registered`);
    await recordAction(deps, { actor: principalOf(c).actor, action: 'admin.business.alert_rules', target: id, filters: { ...rules } });
    return c.json(await rulesReply(deps, id), 200);
  });
  router.openapi(getAlertRulesRoute, async (c) => c.json(await rulesReply(deps, c.req.valid('param').id), 200));
  return router;
}
