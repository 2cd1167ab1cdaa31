import { createRoute, z } from '@hono/zod-openapi';
import { METRIC_GROUPS, METRIC_IDS, UNITS } from '../../../../reports/metrics/definitions';
import { errorResponses } from '../../http/openapiSchemas';

export const MetricEntry = z.object({
  id: z.enum(METRIC_IDS as [string, ...string[]]).openapi({ description: 'The field of the overview and business reports (and CSV column) that holds the figure.' }),
  label: z.string(),
  short_label: z.string().openapi({ description: 'The column header, the same on the dashboard and in the exports.' }),
  unit: z.enum(UNITS).openapi({ description: 'count; seconds; rate (0 to 1); flag (true/false).' }),
  group: z.enum(METRIC_GROUPS.map((g) => g.id) as [string, ...string[]]),
  description: z.string().openapi({ description: 'What the figure means, in one line.' }),
  formula: z.string().openapi({ description: 'Exactly how it is computed.' }),
}).openapi('MetricEntry');

export const MetricCatalogue = z.object({
  metrics: z.array(MetricEntry),
  groups: z.array(z.object({ id: z.string(), title: z.string() })).openapi({ description: 'The groups, in the order tables show them.' }),
}).openapi('MetricCatalogue');

export const metricsRoute = createRoute({
  method: 'get', path: '/v1/metrics', tags: ['Reports'], security: [{ adminToken: [] }],
  summary: 'The metric catalogue: every figure of the reports with its label, unit, group and meaning (role marketing or higher)',
  responses: { 200: { description: 'The catalogue', content: { 'application/json': { schema: MetricCatalogue } } }, ...errorResponses(401, 403) },
});
