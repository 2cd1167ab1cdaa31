import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses } from '../../http/openapiSchemas';
import { BusinessId } from '../../admin/businessSchemas';

// `since`: a UTC date (from its start) or an RFC 3339 time.
const SINCE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;

export const AlertsQuery = z.strictObject({
  business: BusinessId.optional()
    .openapi({ param: { name: 'business', in: 'query' }, description: 'Only this business\'s alerts (else every business you may see)' }),
  since: z.string().regex(SINCE, { error: 'since is a UTC date YYYY-MM-DD or an RFC 3339 time' })
    .refine((text) => !Number.isNaN(Date.parse(text)), { error: 'since is not a real date' }).optional()
    .openapi({ param: { name: 'since', in: 'query' }, example: '2026-11-01', description: 'Only alerts fired at or after this (a date: from its start, UTC)' }),
  limit: z.coerce.number({ error: 'limit must be a whole number 1..1000' }).int({ error: 'limit must be a whole number 1..1000' })
    .min(1, { error: 'limit must be a whole number 1..1000' }).max(1000, { error: 'limit must be a whole number 1..1000' }).default(100)
    .openapi({ param: { name: 'limit', in: 'query' }, description: 'At most this many alerts, newest first (default 100)' }),
});

export const AlertAttemptSchema = z.object({
  attempt: z.number().int(),
  at: z.string().openapi({ description: 'When the attempt started (RFC 3339, UTC)' }),
  status: z.number().int().nullable().openapi({ description: 'The HTTP status the endpoint answered; null when none came back' }),
  error: z.string().nullable().openapi({ description: 'null for an answer; `timeout`, `network` (no connection or reply) or `redirect` (not followed)' }),
  duration_ms: z.number().int(),
}).openapi('AlertAttempt');

export const AlertSchema = z.object({
  id: z.string(),
  business: z.string(),
  kind: z.string().openapi({ example: 'template_opt_out_jump', description: 'The rule that fired' }),
  cause: z.string().openapi({ description: 'What it fired for; an alert fires once per business and cause' }),
  fired_at: z.string(),
  title: z.string(),
  details: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])).openapi({ description: 'The figures behind the alert; never an identifier of a person' }),
  delivery: z.object({
    state: z.enum(['undelivered', 'delivered', 'failed']).openapi({
      description: '`undelivered`: not yet (no endpoint registered, or an attempt is due); `delivered`: an attempt got a 2xx; `failed`: every attempt failed',
    }),
    delivered_at: z.string().nullable(),
    next_attempt_at: z.string().nullable().openapi({ description: 'When the next attempt is due (undelivered; it waits for an endpoint if none is registered)' }),
    attempts: z.array(AlertAttemptSchema),
  }),
}).openapi('Alert');

export const alertsRoute = createRoute({
  method: 'get', path: '/v1/alerts', tags: ['Alerts'], security: [{ adminToken: [] }],
  summary: 'Fired alerts with their delivery state and attempts, newest first (role marketing or higher)',
  description: 'A user scoped to some businesses sees only those businesses\' alerts; another business answers 404 as an unregistered one does.',
  request: { query: AlertsQuery },
  responses: {
    200: { description: 'Alerts', content: { 'application/json': { schema: z.object({ alerts: z.array(AlertSchema) }) } } },
    ...errorResponses(400, 401, 403, 404),
  },
});
