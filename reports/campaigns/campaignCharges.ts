import { factKeySql } from '../../db/factKey';
import { CURRENT_MESSAGE_FACTS } from '../../db/messageFacts';
import { EFFECTIVE_CATEGORY_SQL } from '../metrics/compileSql';
import { Params, type SqlQuery } from '../metrics/sqlText';
import { isoOfMs, periodBounds } from '../period';
import type { CampaignScope } from './campaignSql';

/**
 * The campaigns report's charged messages on DuckDB, for their estimated cost: per (template,
 * category, campaign) of ./campaignSql.ts's rows, the period's charged template sends (pricing
 * 'regular') by recipient country and UTC send day (`day`: days since 1970-01-01). Each row's
 * `charged` is the sum of its charges here.
 *
 * Message facts keep no region, so the country is the events': of the message's sends, the
 * earliest's customer_region, as the facts' other send columns (a fact's earliest send is in the
 * period when the fact is, so the period's sends suffice).
 */
export function compileCampaignCharges(scope: CampaignScope): SqlQuery {
  const params = new Params();
  const { startMs, endMs } = periodBounds(scope);
  const business = params.add(scope.business);
  const [start, end] = [startMs, endMs].map((ms) => `CAST(${params.add(isoOfMs(ms))} AS TIMESTAMPTZ)`);
  const channel = scope.channel === undefined ? '' : ` AND channel = ${params.add(scope.channel)}`;
  const sql = `WITH charged AS (
  SELECT message, template, ${EFFECTIVE_CATEGORY_SQL} AS category, campaign, CAST(floor(epoch_us(sent_at) / 86400000000) AS INTEGER) AS day
  FROM ${CURRENT_MESSAGE_FACTS} AS message_facts
  WHERE business = ${business} AND template IS NOT NULL AND pricing = 'regular'
    AND sent_at >= ${start} AND sent_at < ${end}${channel}
), send_countries AS (
  SELECT ${factKeySql('coalesce(message, event_id)')} AS message, arg_min(customer_region, occurred_at) AS country
  FROM events
  WHERE business = ${business} AND type = 'message.sent' AND occurred_at >= ${start} AND occurred_at < ${end}
  GROUP BY coalesce(message, event_id)
)
SELECT c.template, c.category, c.campaign, s.country, c.day, CAST(count(*) AS INTEGER) AS charged
FROM charged AS c JOIN send_countries AS s ON s.message = c.message
GROUP BY ALL
ORDER BY template, category NULLS FIRST, campaign NULLS FIRST, country, day`;
  return { sql, params: params.values };
}
