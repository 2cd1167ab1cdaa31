import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses } from '../../http/openapiSchemas';
import { BusinessIdParam, checkPeriod, compareOf, CompareParam, OverviewQuery, withChange } from '../../../../reports/api/reportSchemas';
import { ATTRIBUTED_COLUMNS } from '../../../../reports/campaigns/campaignSql';
import { CHANNELS } from '../../../../reports/vocabulary';

const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });
// Bearer ADMIN_TOKEN or a dashboard session.
const security = [{ adminToken: [] }];

// The overview's period and channel parameters, with its period check, plus the business.
export const CampaignReportQuery = z.strictObject({
  business: BusinessIdParam.shape.id.openapi({ param: { name: 'business', in: 'query' }, example: 'acme', description: 'The business' }),
  ...OverviewQuery.shape,
  compare: CompareParam,
}).superRefine(checkPeriod);

const Count = z.number().int().nullable();
const Suppressed = z.array(z.string()).openapi({
  description: 'Figures of this row withheld: null above and named here. Every figure of a row rests on its recipients: a row sent to 1..k-1 customers is left out.',
});
const REACTION_WORDS: Record<string, string> = { blocked: 'blocked the business', muted: 'muted it', reported: 'reported it', opted_out: 'opted out of marketing' };
const attributedShape = Object.fromEntries(ATTRIBUTED_COLUMNS.map(({ reaction, window, name }) => [name, Count.openapi({
  description: `Distinct customers who ${REACTION_WORDS[reaction]}, attributed to this row within ${window === '24h' ? '24 hours' : '7 days'} of its send`,
})]));

export const CampaignRowSchema = z.object({
  template: z.string(),
  category: z.string().nullable().openapi({ description: 'The category a delivered/read status reported, else the send\'s' }),
  campaign: z.string().nullable().openapi({ description: 'The send\'s campaign tag; null: none' }),
  sent: Count.openapi({ description: 'Template messages sent in the period' }),
  recipients: Count.openapi({ description: 'Distinct customers they were sent to' }),
  delivered: Count.openapi({ description: 'Of them, with a delivered or read status' }),
  read: Count.openapi({ description: 'Of them, with a read status' }),
  limited: Count.openapi({ description: 'Of them, failed with 131049 or 130472 (the platform\'s cap on marketing messages)' }),
  ...attributedShape,
  opt_out_rate_24h: z.number().nullable().openapi({ description: 'opted_out_24h / recipients' }),
  block_rate_24h: z.number().nullable().openapi({ description: 'blocked_24h / recipients' }),
  charged: Count.openapi({ description: 'Of them, with pricing type regular' }),
  estimated_cost: z.number().nullable().openapi({
    description: 'The priced charged messages\' cost in `currency`, each with the rate card version in force on its send\'s UTC date; null when no card applies or none of them is priced',
  }),
  unpriced_charged: Count.openapi({ description: 'Charged messages without a price (not in estimated_cost); null when no card applies' }),
  suppressed: Suppressed,
}).openapi('CampaignRow');

// A row's figures without its names: the campaign and template-week rows carry the same ones.
const { template: _template, category: _category, campaign: _campaign, ...rowFigures } = CampaignRowSchema.shape;

export const CampaignTotalRowSchema = z.object({
  campaign: z.string().nullable().openapi({ description: 'The campaign tag; null: the template sends without one' }),
  ...rowFigures,
}).openapi('CampaignTotalRow');

export const TemplateWeekRowSchema = z.object({
  template: z.string(),
  from: z.string().openapi({ description: 'First UTC date of the ISO week (Monday), or the period\'s start when later' }),
  to: z.string().openapi({ description: 'Last UTC date of the ISO week (Sunday), or the period\'s end when earlier' }),
  ...rowFigures,
}).openapi('TemplateWeekRow');

export const CampaignReportReply = z.object({
  from: z.string(),
  to: z.string(),
  k: z.number().int(),
  channel: z.enum(CHANNELS).nullable(),
  business: z.string(),
  name: z.string(),
  rate_card: z.string().nullable().openapi({ description: 'The card the costs come from (the business\'s own, else "default"); null: none applies' }),
  currency: z.string().nullable().openapi({ description: 'ISO 4217 currency of estimated_cost; null when no cost is shown' }),
  cost_note: z.string().nullable().openapi({ description: 'Why costs are missing or cover only part of the charged messages; null when all are priced' }),
  rows: z.array(CampaignRowSchema).openapi({
    description: 'By (opted_out_7d + blocked_7d) / recipients, descending; ties by template, campaign, category. A row sent to 1..k-1 customers is left out',
  }),
  campaigns: z.array(CampaignTotalRowSchema).openapi({
    description: 'The same figures per campaign tag (every template and category of it), ranked as `rows`; ties by campaign. A campaign sent to 1..k-1 customers is left out',
  }),
  weeks: z.array(TemplateWeekRowSchema).openapi({
    description: 'The same figures per template and ISO week of the send (UTC), by template then week; a week sent to 1..k-1 customers is left out',
  }),
}).openapi('CampaignReport');

// ?compare=previous: the compared rows and campaigns with their changes, and the preceding period's report.
export const ComparedCampaignReportReply = z.object({
  ...CampaignReportReply.shape,
  rows: z.array(withChange(CampaignRowSchema)),
  campaigns: z.array(withChange(CampaignTotalRowSchema)),
  compare: compareOf(CampaignReportReply),
}).openapi('ComparedCampaignReport');

export const campaignReportRoute = createRoute({
  method: 'get', path: '/v1/reports/campaigns', tags: ['Reports'], security,
  summary: 'Templates and campaigns of a business with the blocks, mutes, reports and opt-outs attributed to them, and their cost (role marketing or higher)',
  description: 'Period: UTC dates from..to inclusive, by send time. A reaction is attributed to the customer\'s most recent template send of the business ' +
    'at or before it, within 24 hours or 7 days (docs/metrics.md#campaigns). A business outside the caller\'s scope answers 404 exactly as an unregistered id.',
  request: { query: CampaignReportQuery },
  responses: { 200: { description: 'The campaigns report', content: json(z.union([CampaignReportReply, ComparedCampaignReportReply])) }, ...errorResponses(400, 401, 403, 404) },
});
