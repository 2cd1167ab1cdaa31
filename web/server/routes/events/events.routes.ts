import { createRoute, z } from '@hono/zod-openapi';
import { ErrorBodySchema } from '../../http/openapiSchemas';
import { EventBatch, IngestReply } from '../../../../ingest/events/eventSchema';

const errorContent = { 'application/json': { schema: ErrorBodySchema } };

/** The contract of POST /v1/events, for the OpenAPI document. */
export const postEventsRoute = createRoute({
  method: 'post',
  path: '/v1/events',
  tags: ['Ingest'],
  summary: 'Ingest conversation events',
  description:
    'Up to 10,000 events and 5 MiB a request, as {"events": [...]} or NDJSON. Valid events are stored even when others are ' +
    'rejected; the reply comes only after they are committed. Identifiers are pseudonymised before anything is written.',
  security: [{ ingestKey: [] }],
  request: {
    body: {
      required: true,
      content: {
        'application/json': { schema: EventBatch },
        'application/x-ndjson': { schema: z.string().openapi({ description: 'One IngestEvent JSON object a line.' }) },
      },
    },
  },
  responses: {
    200: { description: 'Stored, duplicate and rejected counts', content: { 'application/json': { schema: IngestReply } } },
    400: { description: 'Unparseable body; nothing stored', content: errorContent },
    401: { description: 'Missing or unknown ingest key', content: errorContent },
    403: { description: 'Every event was for a business outside the key\'s scope', content: { 'application/json': { schema: IngestReply.extend(ErrorBodySchema.shape) } } },
    413: { description: 'More than 10,000 events or 5 MiB', content: errorContent },
    415: { description: 'Neither JSON nor NDJSON', content: errorContent },
    422: { description: 'Every event was rejected', content: { 'application/json': { schema: IngestReply.extend(ErrorBodySchema.shape) } } },
    429: {
      description: 'Write queue full (overloaded) or this key over its own quota (key_quota_exceeded); answered before the body is read; ' +
        'nothing stored; retry after Retry-After seconds',
      content: errorContent,
    },
    503: { description: 'Storage failed; nothing of this request stored', content: errorContent },
  },
});
