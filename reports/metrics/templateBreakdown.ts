import { CURRENT_MESSAGE_FACTS } from '../../db/messageFacts';
import { isoOfMs, periodBounds, type Period } from '../period';
import type { ReportSource } from '../db/reportSource';
import { Suppressor } from '../suppression';
import type { Channel } from '../vocabulary';
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
    `CAST(count(*) FILTER (WHERE ${compileMessageFilter(numerator.where)}) AS INTEGER) AS ${id}_numerator`,
    `CAST(count(*) FILTER (WHERE ${compileMessageFilter(denominator.where)}) AS INTEGER) AS ${id}_denominator`,
  ];
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

export function compileTemplateBreakdown(scope: TemplateScope, limit = TEMPLATE_ROWS_LIMIT): SqlQuery {
  const params = new Params();
  const { startMs, endMs } = periodBounds(scope);
  const business = params.add(scope.business);
  const channel = scope.channel === undefined ? '' : `\n    AND channel = ${params.add(scope.channel)}`;
  // message_facts: one row per message with its earliest send and its statuses (see
  // compileSql.ts); sent messages of the period are those whose send falls in it. Each message
  // carries its row's place by sent messages; beyond the limit it counts in its category's
  // grouped row, whose customers are then counted over all of its messages.
  const sql = `WITH sent AS (
  SELECT *, count(*) OVER (PARTITION BY ${EFFECTIVE_CATEGORY_SQL}, template) AS row_sent
  FROM ${CURRENT_MESSAGE_FACTS} AS message_facts
  WHERE business = ${business}
    AND sent_at >= CAST(${params.add(isoOfMs(startMs))} AS TIMESTAMPTZ) AND sent_at < CAST(${params.add(isoOfMs(endMs))} AS TIMESTAMPTZ)${channel}
), placed AS (
  SELECT *, dense_rank() OVER (ORDER BY row_sent DESC, template NULLS FIRST, ${EFFECTIVE_CATEGORY_SQL}) > ${Number(limit)} AS grouped
  FROM sent
)
SELECT ${EFFECTIVE_CATEGORY_SQL} AS category, CASE WHEN grouped THEN NULL ELSE template END AS template, grouped,
       CAST(count(*) AS INTEGER) AS sent,
       ${TEMPLATE_RATES.flatMap(rateCounts).join(',\n       ')},
       CAST(count(DISTINCT customer) AS INTEGER) AS customers
FROM placed AS message_facts
GROUP BY ALL
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
  const rows = await source.query<Record<string, unknown>>(source.queries.templateBreakdown(scope));
  return rows.map((r) => templateRow({
    category: String(r.category),
    template: r.grouped === true ? OTHER_TEMPLATES : r.template === null ? null : String(r.template),
    ...(Object.fromEntries(COUNT_COLUMNS.map((c) => [c, Number(r[c])])) as Record<CountColumn, number>),
  }, k));
}
