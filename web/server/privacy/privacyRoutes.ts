import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { listBusinesses } from '../../../db/registry';
import { CHANNELS } from '../../../ingest/events/eventSchema';
import { BusinessId } from '../admin/businessSchemas';
import { unknownBusiness, visibleTo } from '../auth/businessScope';
import { principalOf, requireRole, type AuthDeps } from '../auth/principal';
import { ApiError } from '../http/apiError';
import { errorResponses } from '../http/openapiSchemas';
import { createRouter } from '../http/router';
import { recordServed } from '../http/servedFile';
import { erasePerson, type ErasureDeps } from './erasure';
import { accessPerson, subjectAccessCsv, subjectAccessReply } from './subjectAccess';

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

const AccessBody = ErasureBody.extend({
  businesses: z.array(BusinessId).min(1).max(1000).openapi({ description: "The businesses whose data of this person is returned; no other business's is." }),
  channel: z.enum(CHANNELS).optional().openapi({
    description: 'Optional: read the identifier as this channel does. Without it, every reading (phone number and opaque id) is looked up.',
  }),
}).openapi('SubjectAccessRequest');

const SubjectEvent = z.object({
  business: z.string(),
  at: z.string().openapi({ description: 'When it happened (RFC 3339, UTC).' }),
  type: z.string(),
  channel: z.string(),
  region: z.string().openapi({ description: "The customer's region (ISO 3166-1 alpha-2; ZZ unknown)." }),
  processed_in: z.string().openapi({ description: 'The country the event was processed in.' }),
  sender: z.string().nullable(),
  category: z.string().nullable(),
  template: z.string().nullable(),
  campaign: z.string().nullable(),
  pricing: z.string().nullable(),
}).openapi('SubjectEvent');

const AccessReply = z.object({
  event_count: z.number().int(),
  businesses: z.array(z.object({ business: z.string(), events: z.number().int() })),
  events: z.array(SubjectEvent),
}).openapi('SubjectAccessReply');

export const accessRoute = createRoute({
  method: 'post',
  path: '/v1/privacy/access',
  tags: ['Privacy'],
  security: [{ adminToken: [] }],
  summary: "A person's data, for a subject access request (dpo, admin)",
  description:
    'Every stored event of this person in the businesses named, found as erasure finds them (the identifier pseudonymised under the ' +
    'current and the previous key, every identifier linked to the person): time, type, channel, region, processing location and the ' +
    'send metadata. There is no message content. JSON, or CSV with `?format=csv` or `Accept: text/csv`. Audited (`privacy.access`) ' +
    'with the businesses and the count, never the identifier; the reply does not repeat it either.',
  request: {
    query: z.object({ format: z.enum(['json', 'csv']).optional().openapi({ param: { name: 'format', in: 'query' }, description: 'Default: JSON, or CSV when the Accept header asks for text/csv.' }) }),
    body: { required: true, content: { 'application/json': { schema: AccessBody } } },
  },
  responses: {
    200: { description: "The person's events", content: { 'application/json': { schema: AccessReply }, 'text/csv': { schema: z.string() } } },
    ...errorResponses(400, 401, 403, 404, 503),
  },
});

/** The businesses of the request the caller cannot see (unregistered or outside their scope). */
async function unseenBusinesses(c: Context, deps: AuthDeps, businesses: readonly string[]): Promise<string[]> {
  const known = new Set(visibleTo(principalOf(c), await listBusinesses(deps.store), (b) => b.id).map((b) => b.id));
  return businesses.filter((b) => !known.has(b));
}

const wantsCsv = (c: Context, format: 'json' | 'csv' | undefined) =>
  format === undefined ? (c.req.header('accept') ?? '').includes('text/csv') : format === 'csv';

/** POST /v1/privacy/erasure and /v1/privacy/access. */
export function privacyRoutes(deps: ErasureDeps & AuthDeps) {
  const router = createRouter();
  router.use('/v1/privacy/*', requireRole('dpo', deps));
  router.openapi(accessRoute, async (c) => {
    const body = c.req.valid('json');
    const csv = wantsCsv(c, c.req.valid('query').format);
    // A business outside the caller's scope is answered as an unregistered one (as the exports do).
    const [unseen] = await unseenBusinesses(c, deps, body.businesses);
    if (unseen !== undefined) throw unknownBusiness(unseen);
    const businesses = [...new Set(body.businesses)];
    const reply = subjectAccessReply(businesses, await accessPerson(deps, body));
    const text = csv ? subjectAccessCsv(reply, new Date(deps.now()).toISOString()) : JSON.stringify(reply);
    const bytes = new TextEncoder().encode(text);
    // What was asked and how much was returned; the identifier and its pseudonyms are not kept.
    await recordServed(c, deps, {
      action: 'privacy.access',
      target: businesses.join(','),
      filters: { businesses, ...(body.channel ? { channel: body.channel } : {}), format: csv ? 'csv' : 'json', events: reply.event_count },
      rowCount: reply.event_count,
    }, bytes);
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
      'content-type': csv ? 'text/csv; charset=utf-8' : 'application/json',
      ...(csv ? { 'content-disposition': 'attachment; filename="subject-access.csv"' } : {}),
      // A person's data: not for shared caches, and not to be kept by the browser either.
      'cache-control': 'no-store',
    });
  });
  router.openapi(erasureRoute, async (c) => {
    const body = c.req.valid('json');
    // A business outside the caller's scope is refused as an unregistered one.
    const principal = principalOf(c);
    const unknown = await unseenBusinesses(c, deps, body.businesses);
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
