import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses } from '../../http/openapiSchemas';
import { BusinessIdParam, BusinessReportReadQuery, BusinessReportReply, ComparedBusinessReportReply, ComparedOverviewReply, OverviewReadQuery, OverviewReply, PeriodQuery, ResidencyReply } from '../../../../reports/api/reportSchemas';

const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });
// Bearer ADMIN_TOKEN or a dashboard session.
const security = [{ adminToken: [] }];

export const overviewRoute = createRoute({
  method: 'get', path: '/v1/reports/overview', tags: ['Reports'], security,
  summary: 'The metrics and the residency flag, one row per business (role marketing or higher)',
  description: 'Period: UTC dates from..to inclusive. Figures from 1..k-1 distinct customers are null and named in `suppressed`. ' +
    'A user scoped to some businesses gets their rows only.',
  request: { query: OverviewReadQuery },
  responses: { 200: { description: 'The overview (with compare=previous: ComparedOverviewReport)', content: json(z.union([OverviewReply, ComparedOverviewReply])) }, ...errorResponses(400, 401, 403) },
});

export const businessReportRoute = createRoute({
  method: 'get', path: '/v1/reports/businesses/{id}', tags: ['Reports'], security,
  summary: 'One business: totals, a day/week series and per-channel rows (role marketing or higher)',
  description: 'A business outside the caller\'s scope answers 404 exactly as an unregistered id.',
  request: { params: BusinessIdParam, query: BusinessReportReadQuery },
  responses: { 200: { description: 'The business report (with compare=previous: ComparedBusinessReport)', content: json(z.union([BusinessReportReply, ComparedBusinessReportReply])) }, ...errorResponses(400, 401, 403, 404) },
});

export const residencyRoute = createRoute({
  method: 'get', path: '/v1/reports/residency', tags: ['Reports'], security,
  summary: 'Residency and GDPR transfer flags per business (role dpo or higher)',
  description: 'A user scoped to some businesses gets their rows only.',
  request: { query: PeriodQuery },
  responses: { 200: { description: 'The residency report', content: json(ResidencyReply) }, ...errorResponses(400, 401, 403) },
});
