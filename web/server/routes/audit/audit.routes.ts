import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses } from '../../http/openapiSchemas';
import { isIsoDate } from '../../../../reports/period';

const DateParam = (name: 'from' | 'to') =>
  z.string()
    .refine(isIsoDate, { error: `${name} must be a real UTC date YYYY-MM-DD` })
    .optional()
    .openapi({ param: { name, in: 'query' }, example: name === 'from' ? '2026-11-01' : '2026-11-30', description: `UTC date, inclusive (${name})` });

export const AuditQuery = z.strictObject({
  from: DateParam('from'),
  to: DateParam('to'),
  limit: z.coerce.number({ error: 'limit must be a whole number 1..1000' }).int({ error: 'limit must be a whole number 1..1000' })
    .min(1, { error: 'limit must be a whole number 1..1000' }).max(1000, { error: 'limit must be a whole number 1..1000' }).default(100)
    .openapi({ param: { name: 'limit', in: 'query' }, description: 'At most this many entries (default 100)' }),
}).refine((q) => !q.from || !q.to || q.from <= q.to, { path: ['to'], error: 'to must not be before from' });

export const AuditEntrySchema = z.object({
  id: z.string(),
  at: z.string().openapi({ description: 'When it was served (RFC 3339, UTC)' }),
  actor: z.string().openapi({ description: 'The user\'s email, or "admin" for the built-in admin token' }),
  action: z.string().openapi({ example: 'export.residency.pdf', description: '`export.<report>.<format>` or `report.residency`' }),
  target: z.string().nullable().openapi({ description: 'The business of a business export' }),
  filters: z.record(z.string(), z.unknown()).openapi({ description: 'The report parameters (from, to, channel, granularity)' }),
  row_count: z.number().int().nullable().openapi({ description: 'Data rows of the report in its table form (as in its CSV)' }),
  sha256: z.string().nullable().openapi({ description: 'Hex SHA-256 of the exact bytes served' }),
}).openapi('AuditEntry');

export const auditRoute = createRoute({
  method: 'get', path: '/v1/audit', tags: ['Audit'], security: [{ adminToken: [] }],
  summary: 'The audit log of exports and residency report reads, newest first (role dpo or higher)',
  request: { query: AuditQuery },
  responses: {
    200: { description: 'Audit entries', content: { 'application/json': { schema: z.object({ entries: z.array(AuditEntrySchema) }) } } },
    ...errorResponses(400, 401, 403),
  },
});
