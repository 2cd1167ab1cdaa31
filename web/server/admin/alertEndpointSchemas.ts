import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses } from '../http/openapiSchemas';
import { BusinessId } from './businessSchemas';

const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });
const adminSecurity = [{ adminToken: [] }];

export const AlertEndpointPut = z.strictObject({
  url: z.string().max(2048).openapi({
    example: 'https://hooks.example.com/analytics-alerts',
    description: 'Where alerts are posted: https (http only to localhost unless the operator sets ALERT_ENDPOINT_ALLOW_HTTP=1).',
  }),
  // The key of every signature: a short one could be guessed to forge alerts.
  secret: z.string().min(16, { error: 'secret must be at least 16 characters' }).max(256)
    .openapi({ description: 'Signs each alert (X-Alert-Signature-256); never returned.' }),
}).openapi('AlertEndpointPut');

export const AlertEndpoint = z.object({
  business: z.string(),
  url: z.string(),
  secret_set: z.boolean().openapi({ description: 'Whether a signing secret is stored (the secret itself is never returned).' }),
  updated_at: z.string(),
}).openapi('AlertEndpoint');

const params = z.object({ id: BusinessId });

export const putAlertEndpointRoute = createRoute({
  method: 'put', path: '/v1/businesses/{id}/alert-endpoint', tags: ['Alerts'], security: adminSecurity,
  summary: 'Register or replace the URL a business\'s alerts are posted to, and their signing secret',
  request: { params, body: { required: true, content: json(AlertEndpointPut) } },
  responses: { 200: { description: 'Registered', content: json(AlertEndpoint) }, ...errorResponses(400, 401, 403, 404) },
});

export const getAlertEndpointRoute = createRoute({
  method: 'get', path: '/v1/businesses/{id}/alert-endpoint', tags: ['Alerts'], security: adminSecurity,
  summary: 'The registered alert URL and whether a secret is set (404 when none is registered)',
  request: { params },
  responses: { 200: { description: 'The endpoint', content: json(AlertEndpoint) }, ...errorResponses(400, 401, 403, 404) },
});

export const deleteAlertEndpointRoute = createRoute({
  method: 'delete', path: '/v1/businesses/{id}/alert-endpoint', tags: ['Alerts'], security: adminSecurity,
  summary: 'Remove the alert endpoint: the business\'s alerts stay listed, undelivered',
  request: { params },
  responses: { 204: { description: 'Removed' }, ...errorResponses(400, 401, 403, 404) },
});
