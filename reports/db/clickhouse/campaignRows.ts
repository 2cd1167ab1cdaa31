import { messageFactsSql } from '../../../db/clickhouse/factsSql';
import { occurredBetween } from '../../../db/clickhouse/occurredBetween';
import { EVENTS_TABLE } from '../../../db/clickhouse/schema';
import { literal } from '../../../db/clickhouse/sqlLiteral';
import { ATTRIBUTED_COLUMNS, ATTRIBUTION_WINDOWS, GROUPING_KEYS, REACTION_TYPES, type CampaignScope } from '../../campaigns/campaignSql';
import type { SqlQuery } from '../../metrics/sqlText';
import { periodBounds } from '../../period';

/**
 * The campaigns report's counts on ClickHouse: the result columns and rows of
 * reports/campaigns/campaignSql.ts (DuckDB's), in the SQL 18.16 and 26.x share: no CTE, a JOIN on
 * equality only (the instants' conditions after it), no Nullable in an aggregate's tuple.
 */

const WEEK_MS = 7 * 86_400_000;
const HOUR_US = 3_600_000_000;
const nullable = (type: string) => `CAST(NULL AS Nullable(${type}))`;
// The distinct non-NULL values of a Nullable column, 0 when there is none (18.16's uniqExact over
// only NULLs is NULL, 26.x's 0).
const distinct = (column: string) => `uniqExactIf(assumeNotNull(${column}), isNotNull(${column}))`;
// The Monday's day number of the send's ISO week (day 0, 1970-01-01, was a Thursday).
const SEND_DAY = `intDiv(sent_us, ${86_400 * 1_000_000})`;
const MONDAY = `${SEND_DAY} - (${SEND_DAY} + 3) % 7`;
const KEY_TYPES = { template: 'String', category: 'String', campaign: 'String', week: 'Int64' } as const;

export function clickhouseCampaignRows(scope: CampaignScope): SqlQuery {
  const { startMs, endMs } = periodBounds(scope);
  const [wideStart, wideEnd] = [startMs - WEEK_MS, endMs + WEEK_MS];
  const business = literal(scope.business);
  // The template sends a reaction of [start, end + 7 days) may go to.
  // Filtered before the template is renamed: in ClickHouse a SELECT alias shadows the column of the
  // same name in WHERE, so `template IS NOT NULL` would test assumeNotNull(template).
  const templateSends = `SELECT message, customer, sent_us, channel, assumeNotNull(template) AS template,
      coalesce(status_category, send_category) AS category, campaign, delivered, was_read, limited, pricing
    FROM (
      SELECT * FROM (${messageFactsSql({ business: scope.business, period: { startMs: wideStart, endMs: wideEnd } })}) AS message_facts
      WHERE has_send = 1 AND template IS NOT NULL AND sent_us >= ${wideStart * 1000} AND sent_us < ${wideEnd * 1000}
    ) AS template_facts`;
  const channel = scope.channel === undefined ? '' : ` AND channel = ${literal(scope.channel)}`;
  const periodSends = `SELECT *, ${MONDAY} AS week FROM (${templateSends}) AS template_sends WHERE sent_us >= ${startMs * 1000} AND sent_us < ${endMs * 1000}${channel}`;
  const reactions = `SELECT DISTINCT customer AS r_customer, type AS r_type, occurred_us AS r_at
    FROM ${EVENTS_TABLE}
    WHERE business = ${business} AND type IN (${Object.values(REACTION_TYPES).map((t) => literal(t)).join(', ')})
      AND ${occurredBetween(startMs, wideEnd).join(' AND ')}`;
  // Of a reaction's template sends within 7 days before it, the most recent; ties by the greater
  // (template, category, campaign), NULL as ''.
  const attributed = `SELECT r_customer, r_type, r_at,
      argMax(message, tuple(sent_us, template, ifNull(category, ''), ifNull(campaign, ''))) AS a_message, max(sent_us) AS a_sent
    FROM (${reactions}) AS reactions
    ALL INNER JOIN (SELECT assumeNotNull(customer) AS r_customer, message, sent_us, template, category, campaign FROM (${templateSends}) AS sends) AS candidates USING (r_customer)
    WHERE sent_us <= r_at AND sent_us + ${7 * 24 * HOUR_US} >= r_at
    GROUP BY r_customer, r_type, r_at`;
  const attributedColumns = ATTRIBUTED_COLUMNS.map(({ reaction, window, name }) =>
    `if(r_type = ${literal(REACTION_TYPES[reaction])} AND r_at - a_sent <= ${ATTRIBUTION_WINDOWS[window] * HOUR_US}, toNullable(r_customer), ${nullable('String')}) AS ${name}`);
  const noAttribution = ATTRIBUTED_COLUMNS.map(({ name }) => `${nullable('String')} AS ${name}`);
  const keys = GROUPING_KEYS[scope.grouping ?? 'row'];
  const keyColumns = (Object.keys(KEY_TYPES) as (keyof typeof KEY_TYPES)[])
    .map((column) => (keys.includes(column) ? column : `${nullable(KEY_TYPES[column])} AS ${column}`)).join(', ');
  const sql = `SELECT ${keyColumns},
  count(message) AS sent,
  ${distinct('recipient')} AS recipients,
  countIf(delivered = 1) AS delivered,
  countIf(was_read = 1) AS read,
  countIf(limited = 1) AS limited,
  countIf(ifNull(pricing, '') = 'regular') AS charged,
  ${ATTRIBUTED_COLUMNS.map(({ name }) => `${distinct(name)} AS ${name}`).join(',\n  ')}
FROM (
  SELECT template, category, campaign, week, toNullable(message) AS message, toNullable(customer) AS recipient,
    delivered, was_read, limited, pricing, ${noAttribution.join(', ')}
  FROM (${periodSends}) AS period_sends
  UNION ALL
  SELECT template, category, campaign, week, ${nullable('String')}, ${nullable('String')}, toUInt8(0), toUInt8(0), toUInt8(0), ${nullable('String')},
    ${attributedColumns.join(', ')}
  FROM (${attributed}) AS attributed
  ALL INNER JOIN (SELECT message AS a_message, template, category, campaign, week FROM (${periodSends}) AS period_sends) AS rows USING (a_message)
) AS counted
GROUP BY ${keys.join(', ')}
ORDER BY ${keys.map((k) => `${k} NULLS FIRST`).join(', ')}`;
  return { sql, params: [] };
}
