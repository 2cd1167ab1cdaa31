import { z } from '@hono/zod-openapi';
import { METRICS } from '../metrics/definitions';
import { dayNumber, isIsoDate } from '../period';
import { LOCATION_STATUSES } from '../residency/locationStatus';
import { CHANNELS } from '../vocabulary';

/** Query and reply schemas of the report API, shared by the route contracts. */

/** Longest period a report covers: beyond the retention window (400 days) nothing is kept anyway. */
export const MAX_PERIOD_DAYS = 731;

const DateParam = (name: 'from' | 'to') =>
  z.string({ error: `${name} is required: a UTC date YYYY-MM-DD` })
    .refine(isIsoDate, { error: `${name} must be a real UTC date YYYY-MM-DD` })
    .openapi({ param: { name, in: 'query' }, example: name === 'from' ? '2026-01-01' : '2026-01-31', description: `UTC date, inclusive (${name})` });

const ChannelParam = z.enum(CHANNELS, { error: `channel must be one of ${CHANNELS.join(', ')}` })
  .optional()
  .openapi({ param: { name: 'channel', in: 'query' }, description: 'Only events of this channel' });


/** A report period's own check: `to` not before `from`, at most MAX_PERIOD_DAYS days (every report query refines with it). */
export function checkPeriod(value: { from: string; to: string }, ctx: z.RefinementCtx) {
  if (!isIsoDate(value.from) || !isIsoDate(value.to)) return;
  const days = dayNumber(value.to) - dayNumber(value.from) + 1;
  if (days < 1) ctx.addIssue({ code: 'custom', path: ['to'], message: 'to must not be before from' });
  else if (days > MAX_PERIOD_DAYS) ctx.addIssue({ code: 'custom', path: ['to'], message: `a period covers at most ${MAX_PERIOD_DAYS} days` });
}

// Strict: an unknown parameter (a typo such as `chanel`) is an error, not silently a wider report.
export const PeriodQuery = z.strictObject({ from: DateParam('from'), to: DateParam('to') }).superRefine(checkPeriod);
export const OverviewQuery = z.strictObject({ from: DateParam('from'), to: DateParam('to'), channel: ChannelParam }).superRefine(checkPeriod);
export const BusinessReportQuery = z.strictObject({
  from: DateParam('from'),
  to: DateParam('to'),
  channel: ChannelParam,
  granularity: z.enum(['day', 'week'], { error: 'granularity must be day or week' }).default('day')
    .openapi({ param: { name: 'granularity', in: 'query' }, description: 'Series buckets: UTC days, or ISO weeks (Monday-Sunday) clipped to the period' }),
}).superRefine(checkPeriod);

/** `?compare=previous` of the report reads (not of the exports): the preceding period of the same length. */
export const CompareParam = z.enum(['previous'], { error: 'compare must be "previous" (the period of the same length just before from)' })
  .optional()
  .openapi({
    param: { name: 'compare', in: 'query' },
    description: 'previous: also report the preceding period of the same number of days (ending the day before from) in `compare.previous`, ' +
      'and give compared rows a `change` per figure (docs/api.md#compared-with-the-previous-period)',
  });

// The report reads' queries take `compare`; the exports' (the same queries without it) do not.
export const OverviewReadQuery = z.strictObject({ ...OverviewQuery.shape, compare: CompareParam }).superRefine(checkPeriod);
export const BusinessReportReadQuery = z.strictObject({ ...BusinessReportQuery.shape, compare: CompareParam }).superRefine(checkPeriod);

export const BusinessIdParam = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, { error: 'a business id is 1-64 characters: lower-case letters, digits, "-" and "_"' })
    .openapi({ param: { name: 'id', in: 'path' }, example: 'acme' }),
});

/** A compared row's changes (`?compare=previous`). */
export const ChangeFields = {
  change: z.record(z.string(), z.number().nullable()).openapi({
    description: 'Per figure of the row, its value minus the same row\'s in the preceding period (rates: the difference ' +
      'of the two rates); null when either is null or withheld, or the row has no counterpart then',
  }),
  change_suppressed: z.array(z.string()).openapi({
    description: '"<figure>: <reason>" for each change withheld because a figure it is computed from is withheld or ' +
      'absent. Reasons: "withheld in this period", "withheld in the previous period", "withheld in both periods", "no row in the previous period"',
  }),
};

/** A row schema with its changes. */
export const withChange = <T extends z.ZodRawShape>(row: z.ZodObject<T>) => z.object({ ...row.shape, ...ChangeFields });

/** The reply's `compare` (`?compare=previous`): the preceding period and its whole report, as a separate request for it returns. */
export const compareOf = <T extends z.ZodType>(previous: T) => z.object({
  from: z.string(),
  to: z.string(),
  previous,
}).openapi({ description: 'The preceding period (same number of days, ending the day before from) and its report, as a request for that period returns it' });

const Suppressed = z.array(z.string()).openapi({
  description: 'Figures of this row withheld: null above and named here (nested ones by path). A figure is withheld when it is ' +
    'computed from 1..k-1 distinct customers, or so that no withheld figure of the reply is the difference of shown ones ' +
    '(complementary suppression, docs/metrics.md#suppression).',
});

/** Every metric of reports/metrics/definitions.ts, with its formula as the description. */
const metricShape = Object.fromEntries(
  METRICS.map((m) => [m.id, (m.kind === 'badge' ? z.boolean() : z.number().nullable()).openapi({ description: `${m.label}: ${m.formula}` })]),
) as Record<string, z.ZodType>;

const PricingCount = z.number().int().nullable();

export const MetricFields = z.object({ ...metricShape, suppressed: Suppressed });
const ResidencyFlag = z.enum(LOCATION_STATUSES).nullable().openapi({
  description: 'The worst status of a location holding EEA customers\' data; null: withheld with the EEA customers it rests on (1..k-1), named in `suppressed`.',
});

export const OverviewRow = z.object({
  business: z.string(),
  name: z.string(),
  verified: z.boolean(),
  ...metricShape,
  residency_flag: ResidencyFlag,
  suppressed: Suppressed,
}).openapi('OverviewRow');

export const OverviewReply = z.object({
  from: z.string(),
  to: z.string(),
  k: z.number().int(),
  channel: z.enum(CHANNELS).nullable(),
  businesses: z.array(OverviewRow),
}).openapi('OverviewReport');

// The business report's compared rows, named for the compared reply (ComparedBusinessReport).
const TotalsRow = z.object({ ...metricShape, residency_flag: ResidencyFlag, suppressed: Suppressed });
const ChannelRow = z.object({ channel: z.enum(CHANNELS), ...metricShape, suppressed: Suppressed });
const TemplateRow = z.object({
  category: z.string().openapi({ description: 'The category a delivered/read status reported, else the send\'s' }),
  template: z.string().nullable().openapi({
    description: 'null: sent without a template; "(other)": the category\'s messages of the templates beyond the 50 rows with the most sent messages',
  }),
  sent: z.number().int().nullable().openapi({ description: 'Distinct messages of the period with a send' }),
  delivery_rate: z.number().nullable().openapi({ description: 'Of those the platform did not limit, the share with a delivered or read status' }),
  read_rate: z.number().nullable().openapi({ description: 'Of those the platform did not limit, the share with a read status' }),
  limited_rate: z.number().nullable().openapi({ description: 'Of those, the share that failed with 131049 or 130472 (the platform\'s cap on marketing messages)' }),
  suppressed: Suppressed,
});
const PricingRow = z.object({
  category: z.string().openapi({ description: 'The category a delivered/read status reported, else the send\'s' }),
  charged: PricingCount.openapi({ description: 'Messages with pricing type regular' }),
  free_customer_service: PricingCount.openapi({ description: 'Messages free in the customer service window' }),
  free_entry_point: PricingCount.openapi({ description: 'Messages free because the customer came through a free entry point (a click-to-WhatsApp ad or a Page button)' }),
  unknown: PricingCount.openapi({ description: 'Messages with no pricing type reported' }),
  suppressed: Suppressed,
});

export const BusinessReportReply = z.object({
  from: z.string(),
  to: z.string(),
  k: z.number().int(),
  granularity: z.enum(['day', 'week']),
  channel: z.enum(CHANNELS).nullable(),
  business: z.string(),
  name: z.string(),
  verified: z.boolean(),
  timezone: z.string(),
  totals: TotalsRow,
  series: z.array(z.object({ from: z.string(), to: z.string(), ...metricShape, suppressed: Suppressed })),
  channels: z.array(ChannelRow),
  templates: z.array(TemplateRow).openapi({ description: 'Delivery, read and limited rates by message category and template; a row whose figures are all withheld is not listed' }),
  pricing: z.array(PricingRow).openapi({
    description: 'The attempted messages of the period (a send or a failure, as in delivery_rate) by category and pricing type, ' +
      'as the platform bills them. A message that only failed, with no category reported, is in no row.',
  }),
}).openapi('BusinessReport');


/** `?compare=previous`: the report, its compared rows with their changes, and the preceding period's report. */
export const ComparedOverviewReply = z.object({
  ...OverviewReply.shape,
  businesses: z.array(withChange(OverviewRow)),
  compare: compareOf(OverviewReply),
}).openapi('ComparedOverviewReport');

export const ComparedBusinessReportReply = z.object({
  ...BusinessReportReply.shape,
  totals: withChange(TotalsRow),
  channels: z.array(withChange(ChannelRow)),
  templates: z.array(withChange(TemplateRow)),
  pricing: z.array(withChange(PricingRow)),
  compare: compareOf(BusinessReportReply),
}).openapi('ComparedBusinessReport');

const LegalNote = z.object({
  id: z.string(),
  status: z.string().openapi({ example: 'under_appeal' }),
  text: z.string(),
  date: z.string().openapi({ description: 'The latest development\'s date (YYYY-MM-DD).' }),
  source: z.string().openapi({ description: 'Where the text can be checked (URL).' }),
  fallback: z.string().openapi({ description: 'What a DPO should check instead, should the transfer tool fall.' }),
}).openapi('LegalNote', { description: 'An entry of the legal list (reports/residency/transfer-law.json) that applies to the location.' });

const Location = z.object({
  country: z.string().nullable().openapi({ description: 'null for an international organisation' }),
  organisation: z.string().nullable().openapi({ description: 'An international organisation (its status from the adequacy list\'s organisation entries; it never holds customers: no event is processed "in" it).' }),
  processor: z.string().openapi({ description: '"undeclared" for a processing country nobody declared' }),
  role: z.enum(['controller', 'processor']).nullable(),
  mechanism: z.enum(['eea', 'adequacy', 'dpf', 'scc', 'bcr', 'derogation', 'none']),
  primary: z.boolean(),
  declared: z.boolean(),
  status: z.enum(LOCATION_STATUSES),
  tia_date: z.string().nullable().openapi({ description: 'Date of the transfer impact assessment (YYYY-MM-DD), as declared.' }),
  next_review: z.string().nullable().openapi({ description: 'Next review of the assessment (YYYY-MM-DD), as declared.' }),
  review_overdue: z.boolean().openapi({ description: 'next_review is before today\'s UTC date.' }),
  legal_notes: z.array(LegalNote),
  eea_customers: z.number().int().nullable(),
}).openapi('ResidencyLocation');

const Count = z.number().int().nullable();

export const ResidencyReply = z.object({
  from: z.string(),
  to: z.string(),
  k: z.number().int(),
  adequacy_as_of: z.string(),
  adequacy_version: z.number().int(),
  transfer_law_as_of: z.string().openapi({ description: 'The legal list\'s "as of" date (reports/residency/transfer-law.json).' }),
  transfer_law_version: z.number().int(),
  businesses: z.array(z.object({
    business: z.string(),
    name: z.string(),
    flag: ResidencyFlag,
    exposure: z.number().int().nullable(),
    customers_by_class: z.object({ eea: Count, adequate: Count, third: Count, unknown: Count }),
    locations: z.array(Location),
    suppressed: Suppressed,
  })),
}).openapi('ResidencyReport');
