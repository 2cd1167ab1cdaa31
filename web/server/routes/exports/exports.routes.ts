import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses } from '../../http/openapiSchemas';
import { BusinessReportQuery, OverviewQuery, PeriodQuery } from '../../../../reports/api/reportSchemas';
import { CONTENT_TYPES, FORMATS_OF, type ExportFormat } from '../../../../reports/exports/exportKinds';

// Bearer ADMIN_TOKEN or a dashboard session.
const security = [{ adminToken: [] }];
const file = z.string().openapi({ format: 'binary' });
const contentOf = (formats: readonly ExportFormat[]) =>
  Object.fromEntries(formats.map((f) => [CONTENT_TYPES[f].split(';')[0]!, { schema: file }]));

const DESCRIPTION =
  'The same figures as the matching report API reply, with the period, k, the adequacy list\'s date and the generation time in the ' +
  'file, served as an attachment. Suppressed figures are null (CSV: an empty cell, named in the row\'s `suppressed` column). ' +
  'Every export is written to the audit log (who, when, filters, rows, SHA-256 of the bytes) before it is served: 503 when it cannot be. ' +
  'A user scoped to some businesses gets theirs only; another business answers 404 exactly as an unregistered id.';

export const overviewExportRoutes = FORMATS_OF.overview.map((format) => ({
  format,
  route: createRoute({
    method: 'get', path: `/v1/exports/overview.${format}`, tags: ['Exports'], security,
    summary: `The overview as ${format.toUpperCase()} (role marketing or higher)`,
    description: DESCRIPTION,
    request: { query: OverviewQuery },
    responses: { 200: { description: `overview_<from>_<to>.${format}`, content: contentOf([format]) }, ...errorResponses(400, 401, 403, 503) },
  }),
}));

export const residencyExportRoutes = FORMATS_OF.residency.map((format) => ({
  format,
  route: createRoute({
    method: 'get', path: `/v1/exports/residency.${format}`, tags: ['Exports'], security,
    summary: `The residency report as ${format.toUpperCase()} (role dpo or higher)`,
    description: DESCRIPTION,
    request: { query: PeriodQuery },
    responses: { 200: { description: `residency_<from>_<to>.${format}`, content: contentOf([format]) }, ...errorResponses(400, 401, 403, 503) },
  }),
}));

const BUSINESS_FILE = new RegExp(`^([a-z0-9][a-z0-9_-]{0,63})\\.(${FORMATS_OF.business.join('|')})$`);

/** `acme.pdf` -> the business and the format (one path segment: the router cannot split `{id}.{format}`). */
export function parseBusinessFile(name: string): { id: string; format: ExportFormat } | undefined {
  const match = BUSINESS_FILE.exec(name);
  return match ? { id: match[1]!, format: match[2] as ExportFormat } : undefined;
}

export const businessExportRoute = createRoute({
  method: 'get', path: '/v1/exports/business/{file}', tags: ['Exports'], security,
  summary: 'One business\'s report as CSV, JSON or PDF: /v1/exports/business/<id>.<csv|json|pdf> (role marketing or higher)',
  description: DESCRIPTION,
  request: {
    params: z.object({
      file: z.string().regex(BUSINESS_FILE, { error: `the file is <business id>.<${FORMATS_OF.business.join('|')}>` })
        .openapi({ param: { name: 'file', in: 'path' }, example: 'acme.pdf', description: 'The business id and the format' }),
    }),
    query: BusinessReportQuery,
  },
  responses: {
    200: { description: 'business_<id>_<from>_<to>.<format>', content: contentOf(FORMATS_OF.business) },
    ...errorResponses(400, 401, 403, 404, 503),
  },
});

const CAMPAIGNS_FILE = new RegExp(`^([a-z0-9][a-z0-9_-]{0,63})\\.(${FORMATS_OF.campaigns.join('|')})$`);

/** `acme.csv` -> the business and the format of a campaigns export. */
export function parseCampaignsFile(name: string): { id: string; format: ExportFormat } | undefined {
  const match = CAMPAIGNS_FILE.exec(name);
  return match ? { id: match[1]!, format: match[2] as ExportFormat } : undefined;
}

export const campaignsExportRoute = createRoute({
  method: 'get', path: '/v1/exports/campaigns/{file}', tags: ['Exports'], security,
  summary: 'One business\'s campaigns report as CSV, JSON or PDF: /v1/exports/campaigns/<id>.<csv|json|pdf> (role marketing or higher)',
  description: `${DESCRIPTION} The JSON holds GET /v1/reports/campaigns's reply for the same business, period and channel; ` +
    'the CSV its rows, campaigns and weeks (a `section` column) with the rate card, currency and cost note; the PDF the ranked tables.',
  request: {
    params: z.object({
      file: z.string().regex(CAMPAIGNS_FILE, { error: `the file is <business id>.<${FORMATS_OF.campaigns.join('|')}>` })
        .openapi({ param: { name: 'file', in: 'path' }, example: 'acme.csv', description: 'The business id and the format' }),
    }),
    query: OverviewQuery,
  },
  responses: {
    200: { description: 'campaigns_<id>_<from>_<to>.<format>', content: contentOf(FORMATS_OF.campaigns) },
    ...errorResponses(400, 401, 403, 404, 503),
  },
});
