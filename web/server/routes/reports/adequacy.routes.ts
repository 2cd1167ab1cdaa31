import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses } from '../../http/openapiSchemas';

const Decision = z.object({
  country: z.string().nullable(),
  organisation: z.string().optional(),
  name: z.string(),
  decision: z.string().openapi({ description: 'The Commission decision number' }),
  date: z.string(),
  scope: z.enum(['full', 'partial']),
  requires_mechanism: z.string().optional(),
  note: z.string(),
  renewed: z.string().optional(),
  valid_to: z.string().optional(),
  source: z.string(),
}).openapi('AdequacyDecision');

/** GET /v1/reports/adequacy: the list the residency flags are computed from, with its sources. */
export const adequacyRoute = createRoute({
  method: 'get', path: '/v1/reports/adequacy', tags: ['Reports'], security: [{ adminToken: [] }],
  summary: 'The EU adequacy decisions in force that residency reports use, with decision numbers, dates and sources',
  responses: {
    200: {
      description: 'The versioned adequacy list',
      content: {
        'application/json': {
          schema: z.object({ version: z.number().int(), as_of: z.string(), description: z.string(), sources: z.array(z.string()), decisions: z.array(Decision) }).openapi('AdequacyList'),
        },
      },
    },
    ...errorResponses(401, 403),
  },
});
