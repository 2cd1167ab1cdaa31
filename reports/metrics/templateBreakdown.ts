import { CURRENT_MESSAGE_FACTS } from '../../db/messageFacts';
import { isoOfMs, periodBounds, type Period } from '../period';
import type { ReportSource } from '../db/reportSource';
import { Suppressor } from '../suppression';
import type { Channel } from '../vocabulary';
import { cohortSettledSql, sampledCustomersSql } from './cohortSample';
import { compileMessageFilter, EFFECTIVE_CATEGORY_SQL } from './compileSql';
import { EVENT_METRICS, type EventMetric } from './definitions';
import { Params, type SqlQuery } from './sqlText';

/**
 * Delivery, read and limited rates of one business's sent messages by category and template: the
 * delivery_rate, read_rate and limited_rate of ./definitions.ts cut by what was sent. The
 * messages are those with a send in the period (a message that only failed has no template);
 * delivered and read are over those the platform did not limit, limited over all of them. A
 * send without a platform message id counts as its own message that no status can match, exactly
 * as in the overview's rates. The category is the effective one (a delivered/read status's
 * category corrects the send's), as in every message count.
 */
export interface TemplateRow {
  category: string;
  /** null: sent without a template (free-form replies); OTHER_TEMPLATES: the category's rows beyond the limit. */
  template: string | null;
  sent: number | null;
  delivery_rate: number | null;
  read_rate: number | null;
  limited_rate: number | null;
  suppressed: string[];
}

export interface TemplateScope extends Period {
  business: string;
  channel?: Channel;
}

type TemplateRate = 'delivery_rate' | 'read_rate' | 'limited_rate';
const TEMPLATE_RATES: readonly TemplateRate[] = ['delivery_rate', 'read_rate', 'limited_rate'];

/** The rate's own definition, so a template's rate and the overview's never differ but by the cut. */
function rateDefinition(id: TemplateRate): Extract<EventMetric, { kind: 'rate' }> {
  const metric = EVENT_METRICS.find((m) => m.id === id);
  if (metric?.kind !== 'rate' || metric.numerator.distinct !== 'message') throw new Error(`${id} is not a rate of messages`);
  return metric;
}

// count(*) FILTER, not count_if: count_if over only NULLs is NULL, not 0.
const rateCounts = (id: TemplateRate) => {
  const { numerator, denominator } = rateDefinition(id);
  return [
    [`${id}_numerator`, `count(*) FILTER (WHERE ${compileMessageFilter(numerator.where)})`],
    [`${id}_denominator`, `count(*) FILTER (WHERE ${compileMessageFilter(denominator.where)})`],
  ] as const;
};

/**
 * The most template rows a report lists: a client sending many distinct `template` values would
 * otherwise grow every report and PDF of its business without bound. The rows (category and
 * template) with the most sent messages are listed, ties by template then category; the others
 * are grouped per category into one row, OTHER_TEMPLATES, suppressed by the same rules as any row.
 */
export const TEMPLATE_ROWS_LIMIT = 50;
/** The grouped row's template: outside the template-name alphabet, so no real template is named so. */
export const OTHER_TEMPLATES = '(other)';

export function compileTemplateBreakdown(scope: TemplateScope, k: number, limit = TEMPLATE_ROWS_LIMIT): SqlQuery {
  const params = new Params();
  const { startMs, endMs } = periodBounds(scope);
  const business = params.add(scope.business);
  const channel = scope.channel === undefined ? '' : `\n    AND channel = ${params.add(scope.channel)}`;
  const counts = TEMPLATE_RATES.flatMap(rateCounts);
  // message_facts: one row per message with its earliest send and its statuses (see
  // compileSql.ts); sent messages of the period are those whose send falls in it. The counts are
  // taken per row (category and template) first, and the rows placed by their sent messages
  // among those few: placing each message by a window over the period's messages took ~60% of
  // the query (10M events, 90 days: 236 -> 95 ms). Beyond the limit a row counts in its
  // category's grouped row: its counts add up, and its customers are counted again over the
  // grouped rows' messages together (a customer may have messages in several). A row's customers
  // only decide its suppression (./cohortSample.ts): a sample settles most rows, and only the
  // others are counted exactly (52M events, 90 days, one business: 265-280 -> 160-175 ms).
  const settled = cohortSettledSql('sampled_customers', 'customer_rows', k);
  const sql = `WITH sent AS (
  SELECT ${EFFECTIVE_CATEGORY_SQL} AS effective_category, *
  FROM ${CURRENT_MESSAGE_FACTS} AS message_facts
  WHERE business = ${business}
    AND sent_at >= CAST(${params.add(isoOfMs(startMs))} AS TIMESTAMPTZ) AND sent_at < CAST(${params.add(isoOfMs(endMs))} AS TIMESTAMPTZ)${channel}
), templates AS (
  SELECT effective_category AS category, template, count(*) AS row_sent,
         ${counts.map(([name, count]) => `${count} AS ${name}`).join(',\n         ')},
         ${sampledCustomersSql(k)} AS sampled_customers,
         count(customer) AS customer_rows
  FROM sent
  GROUP BY ALL
), placed AS (
  SELECT *, dense_rank() OVER (ORDER BY row_sent DESC, template NULLS FIRST, category) > ${Number(limit)} AS grouped
  FROM templates
), row_customers AS (
  SELECT s.effective_category AS category, s.template, count(DISTINCT s.customer) AS customers
  FROM sent s SEMI JOIN (SELECT category, template FROM placed WHERE NOT grouped AND NOT ${settled}) AS p
    ON p.category IS NOT DISTINCT FROM s.effective_category AND p.template IS NOT DISTINCT FROM s.template
  GROUP BY ALL
), grouped_customers AS (
  SELECT s.effective_category AS category, count(DISTINCT s.customer) AS customers
  FROM sent s JOIN placed p ON p.grouped AND p.category IS NOT DISTINCT FROM s.effective_category AND p.template IS NOT DISTINCT FROM s.template
  GROUP BY ALL
)
SELECT p.category, p.template, false AS grouped, CAST(row_sent AS INTEGER) AS sent,
       ${counts.map(([name]) => `CAST(${name} AS INTEGER) AS ${name}`).join(',\n       ')},
       CAST(CASE WHEN ${settled} THEN sampled_customers ELSE r.customers END AS INTEGER) AS customers
FROM placed p LEFT JOIN row_customers r ON r.category IS NOT DISTINCT FROM p.category AND r.template IS NOT DISTINCT FROM p.template
WHERE NOT grouped
UNION ALL
SELECT p.category, NULL, true, CAST(sum(row_sent) AS INTEGER),
       ${counts.map(([name]) => `CAST(sum(${name}) AS INTEGER)`).join(',\n       ')},
       CAST(any_value(g.customers) AS INTEGER)
FROM placed p JOIN grouped_customers g ON g.category IS NOT DISTINCT FROM p.category
WHERE p.grouped
GROUP BY p.category
ORDER BY grouped, category, template NULLS FIRST`;
  return { sql, params: params.values };
}

type CountColumn = 'sent' | 'customers' | `${TemplateRate}_${'numerator' | 'denominator'}`;
const COUNT_COLUMNS: readonly CountColumn[] = ['sent', 'customers', ...TEMPLATE_RATES.flatMap((id) => [`${id}_numerator`, `${id}_denominator`] as const)];
type TemplateCounts = { category: string; template: string | null } & Record<CountColumn, number>;

/** Counts to published figures: every figure of a row comes from the customers its messages went to. */
export function templateRow(counts: TemplateCounts, k: number): TemplateRow {
  const suppressor = new Suppressor(k);
  const rate = (id: TemplateRate) => {
    const of = counts[`${id}_denominator`];
    return suppressor.figure(id, of === 0 ? null : counts[`${id}_numerator`] / of, counts.customers);
  };
  return {
    category: counts.category,
    template: counts.template,
    sent: suppressor.figure('sent', counts.sent, counts.customers),
    delivery_rate: rate('delivery_rate'),
    read_rate: rate('read_rate'),
    limited_rate: rate('limited_rate'),
    suppressed: suppressor.suppressed,
  };
}

export async function templateBreakdown(source: ReportSource, scope: TemplateScope, k: number): Promise<TemplateRow[]> {
  const rows = await source.query<Record<string, unknown>>(source.queries.templateBreakdown(scope, k));
  return rows.map((r) => templateRow({
    category: String(r.category),
    template: r.grouped === true ? OTHER_TEMPLATES : r.template === null ? null : String(r.template),
    ...(Object.fromEntries(COUNT_COLUMNS.map((c) => [c, Number(r[c])])) as Record<CountColumn, number>),
  }, k));
}
