import { isoOfMs, periodBounds, type Period } from '../period';
import type { ReportSource } from '../db/reportSource';
import { Suppressor } from '../suppression';
import type { Channel } from '../vocabulary';
import { literal, literalList, Params, type SqlQuery } from './sqlText';

/**
 * Delivery and read rates of one business's sent messages by category and template: the
 * delivery_rate and read_rate of SPEC 7 (distinct sent messages of the period with a delivered,
 * or read, status, over distinct sent messages of the period), cut by what was sent. A send
 * without a platform message id counts as its own message that no status can match, exactly as
 * in the overview's rates.
 */
export interface TemplateRow {
  category: string;
  /** null: sent without a template (free-form replies). */
  template: string | null;
  sent: number | null;
  delivery_rate: number | null;
  read_rate: number | null;
  suppressed: string[];
}

export interface TemplateScope extends Period {
  business: string;
  channel?: Channel;
}

export function compileTemplateBreakdown(scope: TemplateScope): SqlQuery {
  const params = new Params();
  const { startMs, endMs } = periodBounds(scope);
  const business = params.add(scope.business);
  const channel = scope.channel === undefined ? '' : `\n    AND channel = ${params.add(scope.channel)}`;
  const sql = `WITH sent AS (
  SELECT coalesce(message, event_id) AS message, category, template, customer
  FROM events
  WHERE business = ${business} AND type = ${literal('message.sent')}
    AND occurred_at >= CAST(${params.add(isoOfMs(startMs))} AS TIMESTAMPTZ) AND occurred_at < CAST(${params.add(isoOfMs(endMs))} AS TIMESTAMPTZ)${channel}
),
status AS (
  SELECT message, bool_or(type = ${literal('message.read')}) AS has_read
  FROM events
  WHERE business = ${business} AND type IN (${literalList(['message.delivered', 'message.read'])})
    AND message IN (SELECT message FROM sent)
  GROUP BY message
)
SELECT sent.category, sent.template,
       CAST(count(DISTINCT sent.message) AS INTEGER) AS sent,
       CAST(count(DISTINCT sent.message) FILTER (WHERE status.message IS NOT NULL) AS INTEGER) AS delivered,
       CAST(count(DISTINCT sent.message) FILTER (WHERE status.has_read) AS INTEGER) AS read,
       CAST(count(DISTINCT sent.customer) AS INTEGER) AS customers
FROM sent LEFT JOIN status ON status.message = sent.message
GROUP BY sent.category, sent.template
ORDER BY sent.category, sent.template NULLS FIRST`;
  return { sql, params: params.values };
}

interface TemplateCounts {
  category: string;
  template: string | null;
  sent: number;
  delivered: number;
  read: number;
  customers: number;
}

/** Counts to published figures: every figure of a row comes from the customers its messages went to. */
export function templateRow(counts: TemplateCounts, k: number): TemplateRow {
  const suppressor = new Suppressor(k);
  const rate = (n: number) => (counts.sent === 0 ? null : n / counts.sent);
  return {
    category: counts.category,
    template: counts.template,
    sent: suppressor.figure('sent', counts.sent, counts.customers),
    delivery_rate: suppressor.figure('delivery_rate', rate(counts.delivered), counts.customers),
    read_rate: suppressor.figure('read_rate', rate(counts.read), counts.customers),
    suppressed: suppressor.suppressed,
  };
}

export async function templateBreakdown(source: ReportSource, scope: TemplateScope, k: number): Promise<TemplateRow[]> {
  const rows = await source.query<TemplateCounts>(compileTemplateBreakdown(scope));
  return rows.map((r) => templateRow({ ...r, sent: Number(r.sent), delivered: Number(r.delivered), read: Number(r.read), customers: Number(r.customers) }, k));
}
