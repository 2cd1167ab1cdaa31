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
  actor: z.string().min(1).max(200).optional()
    .openapi({ param: { name: 'actor', in: 'query' }, example: 'mia@example.com', description: 'Only this actor\'s entries (a user\'s email, or "admin")' }),
  action: z.string().regex(/^[a-z_.]{1,64}$/, { error: 'action is a prefix of lower-case words and dots, e.g. report. or export.business' }).optional()
    .openapi({ param: { name: 'action', in: 'query' }, example: 'report.', description: 'Only actions starting with this, e.g. `report.` or `export.business.`' }),
}).refine((q) => !q.from || !q.to || q.from <= q.to, { path: ['to'], error: 'to must not be before from' });

export const AuditEntrySchema = z.object({
  id: z.string(),
  at: z.string().openapi({ description: 'When it was served (RFC 3339, UTC)' }),
  actor: z.string().openapi({ description: 'The user\'s email, or "admin" for the built-in admin token' }),
  action: z.string().openapi({ example: 'export.residency.pdf', description: '`export.<report>.<format>`, `report.overview`, `report.business`, `report.residency`, `report.campaigns`, `privacy.erasure`, `auth.*` (sign-ins) or `admin.*` (admin actions)' }),
  target: z.string().nullable().openapi({ description: 'The business of a business export' }),
  filters: z.record(z.string(), z.unknown()).openapi({
    description: 'The report parameters (from, to, channel, granularity); `scope`: the businesses a scoped reader\'s report was limited to',
  }),
  row_count: z.number().int().nullable().openapi({ description: 'Data rows of the report in its table form (as in its CSV)' }),
  sha256: z.string().nullable().openapi({ description: 'Hex SHA-256 of the exact bytes served' }),
}).openapi('AuditEntry');

export const auditRoute = createRoute({
  method: 'get', path: '/v1/audit', tags: ['Audit'], security: [{ adminToken: [] }],
  summary: 'The audit log of exports and residency report reads, newest first (role dpo or higher)',
  description: 'A user scoped to some businesses sees only the entries whose businesses (target, else `filters.scope`) are all in their scope.',
  request: { query: AuditQuery },
  responses: {
    200: { description: 'Audit entries', content: { 'application/json': { schema: z.object({ entries: z.array(AuditEntrySchema) }) } } },
    ...errorResponses(400, 401, 403),
  },
});
