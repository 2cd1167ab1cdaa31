import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses } from '../http/openapiSchemas';
import { BusinessId } from './businessSchemas';

const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });
const adminSecurity = [{ adminToken: [] }];

const rate = (name: string) => z.number({ error: `${name} must be a rate between 0 and 1, or null` })
  .gt(0, { error: `${name} must be a rate above 0 and at most 1 (e.g. 0.05 for 5%), or null` })
  .max(1, { error: `${name} must be a rate above 0 and at most 1 (e.g. 0.05 for 5%), or null` });

// Every field may be left out: it then takes its default (docs/metrics.md#alerts).
export const AlertRulesPut = z.strictObject({
  enabled: z.boolean({ error: 'enabled must be true or false' }).optional().openapi({ description: 'false: no alert fires for this business (default true)' }),
  thresholds: z.strictObject({
    opt_out_rate_24h: rate('thresholds.opt_out_rate_24h').nullable().optional(),
    block_rate_24h: rate('thresholds.block_rate_24h').nullable().optional(),
  }).optional().openapi({ description: 'A template\'s 24-hour opt-out or block rate of a day above which an alert fires; null or absent: none (default)' }),
  jump: z.strictObject({
    factor: z.number({ error: 'jump.factor must be a number above 1 (up to 1000), or null to turn the jump rule off' })
      .gt(1, { error: 'jump.factor must be a number above 1 (up to 1000), or null to turn the jump rule off' })
      .max(1000, { error: 'jump.factor must be a number above 1 (up to 1000), or null to turn the jump rule off' }).nullable().optional()
      .openapi({ description: 'Fires when a template\'s rate is above factor × the business\'s baseline (default 3); null: no jump rule' }),
    min_recipients: z.number({ error: 'jump.min_recipients must be a whole number' }).int({ error: 'jump.min_recipients must be a whole number' })
      .max(1_000_000_000, { error: 'jump.min_recipients must be at most 1000000000' }).optional()
      .openapi({ description: 'Recipients a template needs on the day before any rule looks at it, thresholds too (default 100; never below MIN_COHORT)' }),
    baseline_days: z.number({ error: 'jump.baseline_days must be a whole number of days, 7 to 90' }).int({ error: 'jump.baseline_days must be a whole number of days, 7 to 90' })
      .min(7, { error: 'jump.baseline_days must be a whole number of days, 7 to 90' }).max(90, { error: 'jump.baseline_days must be a whole number of days, 7 to 90' }).optional()
      .openapi({ description: 'The days before the day looked at whose rate is the baseline (default 28)' }),
    baseline_floor: z.number({ error: 'jump.baseline_floor must be a rate from 0 to 1' }).min(0, { error: 'jump.baseline_floor must be a rate from 0 to 1' })
      .max(1, { error: 'jump.baseline_floor must be a rate from 0 to 1' }).optional()
      .openapi({ description: 'The least baseline a jump is measured against (default 0.002): a business with no opt-outs before does not alert on one' }),
  }).optional(),
}).openapi('AlertRulesPut');

export const AlertRules = z.object({
  business: z.string(),
  enabled: z.boolean(),
  thresholds: z.object({ opt_out_rate_24h: z.number().nullable(), block_rate_24h: z.number().nullable() }),
  jump: z.object({ factor: z.number().nullable(), min_recipients: z.number().int(), baseline_days: z.number().int(), baseline_floor: z.number() }),
  source: z.enum(['default', 'set']).openapi({ description: '`default`: the business set no rules and these defaults apply; `set`: an admin set them' }),
  updated_at: z.string().nullable(),
}).openapi('AlertRules');

const params = z.object({ id: BusinessId });

export const putAlertRulesRoute = createRoute({
  method: 'put', path: '/v1/businesses/{id}/alert-rules', tags: ['Alerts'], security: adminSecurity,
  summary: 'Set a business\'s alert rules: thresholds and the jump rule (fields left out take their defaults)',
  request: { params, body: { required: true, content: json(AlertRulesPut) } },
  responses: { 200: { description: 'The rules now in effect', content: json(AlertRules) }, ...errorResponses(400, 401, 403, 404) },
});

export const getAlertRulesRoute = createRoute({
  method: 'get', path: '/v1/businesses/{id}/alert-rules', tags: ['Alerts'], security: adminSecurity,
  summary: 'The alert rules in effect for a business (the defaults when it set none)',
  request: { params },
  responses: { 200: { description: 'The rules', content: json(AlertRules) }, ...errorResponses(400, 401, 403, 404) },
});
