import { CURRENT_MESSAGE_FACTS } from '../../db/messageFacts';
import { isoOfMs, periodBounds, type Period } from '../period';
import type { ReportSource } from '../db/reportSource';
import { Suppressor } from '../suppression';
import type { Channel } from '../vocabulary';
import { Params, type SqlQuery } from './sqlText';

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
  // message_facts: one row per sent message with its earliest send and its statuses (see
  // compileSql.ts); sent messages of the period are those whose send falls in it.
  const sql = `SELECT category, template,
       CAST(count(*) AS INTEGER) AS sent,
       CAST(count_if(delivered) AS INTEGER) AS delivered,
       CAST(count_if(read) AS INTEGER) AS read,
       CAST(count(DISTINCT customer) AS INTEGER) AS customers
FROM ${CURRENT_MESSAGE_FACTS} AS message_facts
WHERE business = ${business}
  AND sent_at >= CAST(${params.add(isoOfMs(startMs))} AS TIMESTAMPTZ) AND sent_at < CAST(${params.add(isoOfMs(endMs))} AS TIMESTAMPTZ)${channel}
GROUP BY category, template
ORDER BY category, template NULLS FIRST`;
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
