import { messageFactsSql } from '../../../db/clickhouse/factsSql';
import { occurredBetween } from '../../../db/clickhouse/occurredBetween';
import { EVENTS_TABLE } from '../../../db/clickhouse/schema';
import { literal } from '../../../db/clickhouse/sqlLiteral';
import type { CampaignScope } from '../../campaigns/campaignSql';
import type { SqlQuery } from '../../metrics/sqlText';
import { periodBounds } from '../../period';

/**
 * The campaigns report's charged messages on ClickHouse: the result columns and rows of
 * reports/campaigns/campaignCharges.ts (DuckDB's). The country is the customer_region of the
 * message's earliest send, joined by message key (messageFactsSql's send tuple is left as it is:
 * a second, small grouping over the period's sends is cheaper than widening every fact query).
 */

const DAY_US = 86_400_000_000;

export function clickhouseCampaignCharges(scope: CampaignScope): SqlQuery {
  const { startMs, endMs } = periodBounds(scope);
  const business = literal(scope.business);
  const channel = scope.channel === undefined ? '' : ` AND channel = ${literal(scope.channel)}`;
  // Filtered before renaming (a SELECT alias shadows the column of the same name in WHERE).
  const charged = `SELECT message, assumeNotNull(template) AS template, coalesce(status_category, send_category) AS category, campaign,
      toInt32(intDiv(sent_us, ${DAY_US})) AS day
    FROM (
      SELECT * FROM (${messageFactsSql({ business: scope.business, period: { startMs, endMs } })}) AS message_facts
      WHERE has_send = 1 AND template IS NOT NULL AND ifNull(pricing, '') = 'regular'
        AND sent_us >= ${startMs * 1000} AND sent_us < ${endMs * 1000}${channel}
    ) AS charged_facts`;
  const countries = `SELECT message_key AS message, country FROM (
      SELECT coalesce(message, event_id) AS message_key, argMin(customer_region, occurred_us) AS country
      FROM ${EVENTS_TABLE}
      WHERE business = ${business} AND type = 'message.sent'
        AND ${occurredBetween(startMs, endMs).join(' AND ')}
      GROUP BY message_key
    ) AS send_parts`;
  const sql = `SELECT template, category, campaign, country, day, count() AS charged
FROM (${charged}) AS charged
ALL INNER JOIN (${countries}) AS send_countries USING (message)
GROUP BY template, category, campaign, country, day
ORDER BY template, category NULLS FIRST, campaign NULLS FIRST, country, day`;
  return { sql, params: [] };
}
