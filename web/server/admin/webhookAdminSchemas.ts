import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses } from '../http/openapiSchemas';
import { BusinessId } from './businessSchemas';

const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });
const adminSecurity = [{ adminToken: [] }];

// Meta's ids are digits; any printable id is taken, so that test and sandbox payloads can be tied too.
const AccountId = z.string().regex(/^[\x21-\x7e]{1,64}$/, { error: 'an account id is 1-64 printable characters without spaces' });
const AccountIds = z.array(AccountId).max(100);

export const WebhookAccounts = z.strictObject({
  whatsapp: AccountIds.optional().openapi({ description: 'WhatsApp Business Account ids (entry[].id) or phone number ids (metadata.phone_number_id).' }),
  messenger: AccountIds.optional().openapi({ description: 'Facebook page ids (entry[].id).' }),
  instagram: AccountIds.optional().openapi({ description: 'Instagram professional account ids (entry[].id).' }),
}).openapi('WebhookAccounts');

export const WebhookSecretsPut = z.strictObject({
  app_secret: z.string().min(1).max(256).openapi({ description: 'The Meta app\'s App Secret (signs X-Hub-Signature-256).' }),
  // Meta echoes nothing of it back; a short token could be guessed to subscribe a stranger's webhook.
  verify_token: z.string().min(16, { error: 'verify_token must be at least 16 characters' }).max(256).openapi({ description: 'The token you type into the platform\'s webhook settings.' }),
  accounts: WebhookAccounts.optional().openapi({
    description: 'The platform accounts whose payloads this business takes; a payload naming any other is refused (403). Absent: the registered ones are kept.',
  }),
}).openapi('WebhookSecretsPut');

export const WebhookConfig = z.object({
  business: z.string(),
  webhooks_configured: z.boolean(),
  accounts: z.object({ whatsapp: z.array(z.string()), messenger: z.array(z.string()), instagram: z.array(z.string()) })
    .openapi({ description: 'The registered platform accounts per channel (payloads naming others are refused).' }),
  callback_urls: z.object({ whatsapp: z.string(), messenger: z.string(), instagram: z.string() }).openapi({ description: 'Paths to give the platform (prefix your public origin).' }),
}).openapi('WebhookConfig');

export const IntakeProblems = z.object({
  business: z.string(),
  total: z.number().int(),
  problems: z.array(z.object({
    channel: z.string(),
    kind: z.string().openapi({ description: 'unparseable_payload, unmappable (a payload or part the mapping does not understand), rejected_event (e.g. older than the retention period) or foreign_account (parts of refused payloads naming an account not registered for the business).' }),
    count: z.number().int(),
    last_at: z.string(),
  })),
  policy_events: z.array(z.object({ channel: z.string(), action: z.string(), occurred_at: z.string() }))
    .openapi({ description: 'Platform policy enforcement on the business (e.g. Messenger warning/block/unblock).' }),
}).openapi('IntakeProblems');

export const putWebhookSecretsRoute = createRoute({
  method: 'put', path: '/v1/businesses/{id}/webhooks', tags: ['Registry'], security: adminSecurity,
  summary: 'Set or rotate a business\'s webhook app secret and verify token (never returned)',
  request: { params: z.object({ id: BusinessId }), body: { required: true, content: json(WebhookSecretsPut) } },
  responses: { 200: { description: 'Set', content: json(WebhookConfig) }, ...errorResponses(400, 401, 403, 404) },
});

export const getWebhookConfigRoute = createRoute({
  method: 'get', path: '/v1/businesses/{id}/webhooks', tags: ['Registry'], security: adminSecurity,
  summary: 'Whether webhooks are configured, and the callback paths (secrets are never returned)',
  request: { params: z.object({ id: BusinessId }) },
  responses: { 200: { description: 'Configuration', content: json(WebhookConfig) }, ...errorResponses(400, 401, 403, 404) },
});

export const getIntakeProblemsRoute = createRoute({
  method: 'get', path: '/v1/businesses/{id}/intake-problems', tags: ['Registry'], security: adminSecurity,
  summary: 'Webhook payloads (or parts) that could not be stored, counted per kind; never the payloads',
  request: { params: z.object({ id: BusinessId }) },
  responses: { 200: { description: 'Counters', content: json(IntakeProblems) }, ...errorResponses(400, 401, 403, 404) },
});
