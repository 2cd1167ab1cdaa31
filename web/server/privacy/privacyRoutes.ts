import { createRoute, z } from '@hono/zod-openapi';
import { listBusinesses } from '../../../db/registry';
import { CHANNELS } from '../../../ingest/events/eventSchema';
import { BusinessId } from '../admin/businessSchemas';
import { visibleTo } from '../auth/businessScope';
import { principalOf, requireRole, type AuthDeps } from '../auth/principal';
import { ApiError } from '../http/apiError';
import { errorResponses } from '../http/openapiSchemas';
import { createRouter } from '../http/router';
import { erasePerson, type ErasureDeps } from './erasure';

const ErasureBody = z.strictObject({
  customer: z.string().min(1).max(256).openapi({
    description: 'The raw identifier as the platform gives it (phone number in any format, wa_id, page-scoped id, ...). ' +
      'Pseudonymised like the intake does; never stored or logged.',
  }),
  businesses: z.array(BusinessId).min(1).max(1000).openapi({ description: 'The businesses whose data of this person is erased.' }),
  channel: z.enum(CHANNELS).optional().openapi({
    description: 'Optional: read the identifier as this channel does. Without it, every reading (phone number and opaque id) is erased.',
  }),
}).openapi('ErasureRequest');

const ErasureReply = z.object({
  deleted_events: z.number().int(),
  deleted_webhook_messages: z.number().int(),
  deleted_webhook_watermarks: z.number().int(),
  deleted_customer_links: z.number().int().openapi({ description: "The person's linked identifiers (phone numbers, business-scoped user ids) forgotten." }),
}).openapi('ErasureReply');

export const erasureRoute = createRoute({
  method: 'post',
  path: '/v1/privacy/erasure',
  tags: ['Privacy'],
  security: [{ adminToken: [] }],
  summary: 'Erase one person (dpo, admin)',
  description:
    'Deletes every event of this person, and the webhook state derived from them, in the businesses named, under the current ' +
    'pseudonym key and (when configured) the previous one; records the request in the audit log without the identifier.',
  request: { body: { required: true, content: { 'application/json': { schema: ErasureBody } } } },
  responses: {
    200: { description: 'Erased', content: { 'application/json': { schema: ErasureReply } } },
    ...errorResponses(400, 401, 403),
  },
});

/** POST /v1/privacy/erasure. */
export function privacyRoutes(deps: ErasureDeps & AuthDeps) {
  const router = createRouter();
  router.use('/v1/privacy/*', requireRole('dpo', deps));
  router.openapi(erasureRoute, async (c) => {
    const body = c.req.valid('json');
    // A business outside the caller's scope is refused as an unregistered one.
    const principal = principalOf(c);
    const known = new Set(visibleTo(principal, await listBusinesses(deps.store), (b) => b.id).map((b) => b.id));
    const unknown = body.businesses.filter((b) => !known.has(b));
    if (unknown.length > 0) {
      throw new ApiError(400, 'validation_failed', 'unknown businesses', unknown.map((b) => ({ field: 'businesses', error: `${b} is not registered` })));
    }
    const counts = await erasePerson(deps, body, principal.actor);
    return c.json({
      deleted_events: counts.events,
      deleted_webhook_messages: counts.webhookMessages,
      deleted_webhook_watermarks: counts.webhookWatermarks,
      deleted_customer_links: counts.customerLinks,
    }, 200);
  });
  return router;
}
