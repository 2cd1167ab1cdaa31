import { createRoute, z } from '@hono/zod-openapi';
import { BusinessId } from '../../admin/businessSchemas';
import { errorResponses } from '../../http/openapiSchemas';
import { WEBHOOK_SOURCES } from '../../../../ingest/webhooks/sources';

export const WebhookReply = z.object({
  accepted: z.number().int().openapi({ description: 'Events stored from this payload.' }),
  duplicates: z.number().int().openapi({ description: 'Events already stored (a platform retry).' }),
  problems: z.number().int().openapi({ description: 'Parts not stored (unmappable or rejected); see GET /v1/businesses/{id}/intake-problems.' }),
}).openapi('WebhookReply');


const params = z.object({ business: BusinessId });

/** The contracts of the webhook endpoints, for the OpenAPI document. */
export const webhookRouteContracts = WEBHOOK_SOURCES.flatMap(({ channel, name }) => [
  createRoute({
    method: 'get',
    path: `/v1/webhooks/${channel}/{business}`,
    tags: ['Webhooks'],
    summary: `${name} webhook verification handshake`,
    description: 'Answers hub.challenge as text/plain when hub.mode is "subscribe" and hub.verify_token is the business\'s verify token.',
    request: {
      params,
      query: z.object({
        'hub.mode': z.string().optional(),
        'hub.verify_token': z.string().optional(),
        'hub.challenge': z.string().optional(),
      }),
    },
    responses: {
      200: { description: 'The challenge', content: { 'text/plain': { schema: z.string() } } },
      ...errorResponses(403),
    },
  }),
  createRoute({
    method: 'post',
    path: `/v1/webhooks/${channel}/{business}`,
    tags: ['Webhooks'],
    summary: `${name} webhook events, as the platform sends them`,
    description:
      'Authenticated by X-Hub-Signature-256 (HMAC-SHA256 of the raw body with the business\'s app secret). Mapped to events, ' +
      'pseudonymised and stored like POST /v1/events; answered once committed. Texts, names and profiles are dropped. A payload ' +
      'that cannot be mapped is acknowledged (200) and counted, never stored. A payload naming a platform account not ' +
      'registered for the business is refused whole (403) and counted.',
    request: {
      params,
      headers: z.object({ 'x-hub-signature-256': z.string().openapi({ example: 'sha256=…' }) }),
      body: { required: true, content: { 'application/json': { schema: z.object({}).passthrough() } } },
    },
    responses: {
      200: { description: 'Committed (or acknowledged and counted)', content: { 'application/json': { schema: WebhookReply } } },
      ...errorResponses(401, 403, 413, 429, 503),
    },
  }),
]);
