import { factKeySql } from '../../db/factKey';
import { CURRENT_MESSAGE_FACTS } from '../../db/messageFacts';
import { EFFECTIVE_CATEGORY_SQL } from '../metrics/compileSql';
import { Params, type SqlQuery } from '../metrics/sqlText';
import { isoOfMs, periodBounds, type Period } from '../period';
import type { Channel } from '../vocabulary';

/**
 * The campaigns report's counts on DuckDB, per (template, category, campaign) of the period's
 * template sends; the definition is the one of ./testing/naiveCampaigns.ts, which the tests compare
 * this with on random data.
 *
 * A reaction can only be attributed to a send at most 7 days before it, and counts only when that
 * send is in the period: the reactions read are those of [start, end + 7 days), the sends they
 * may go to those of [start - 7 days, end + 7 days). Of a reaction's candidates within 7 days, the
 * most recent (ties: the greater template, category, campaign) is the one it goes to in both
 * windows: a send within 24 hours is also the most recent within 7 days.
 */

export interface CampaignScope extends Period {
  business: string;
  channel?: Channel;
  /** What a row is (default 'row'). */
  grouping?: CampaignGrouping;
}

/**
 * What one result row counts: 'row' one (template, category, campaign); 'campaign' one campaign
 * tag over all its templates; 'template_week' one template over the sends of one ISO week (UTC).
 * Every query returns the columns template, category, campaign and week (the Monday's day number,
 * days since 1970-01-01), NULL where the grouping does not split by them.
 */
export const CAMPAIGN_GROUPINGS = ['row', 'campaign', 'template_week'] as const;
export type CampaignGrouping = (typeof CAMPAIGN_GROUPINGS)[number];

/** The grouping's key columns, as the result names them; the others are NULL. */
export const GROUPING_KEYS: Record<CampaignGrouping, readonly ('template' | 'category' | 'campaign' | 'week')[]> = {
  row: ['template', 'category', 'campaign'],
  campaign: ['campaign'],
  template_week: ['template', 'week'],
};

/** Days since 1970-01-01 of the Monday starting the ISO week of day number `day` (1970-01-01 was a Thursday). */
export const mondayOf = (day: number) => day - ((((day + 3) % 7) + 7) % 7);

export const REACTION_TYPES = { blocked: 'customer.blocked', muted: 'customer.muted', reported: 'customer.reported', opted_out: 'customer.opted_out' } as const;
export type ReactionName = keyof typeof REACTION_TYPES;
export const ATTRIBUTION_WINDOWS = { '24h': 24, '7d': 7 * 24 } as const;
export type AttributionWindow = keyof typeof ATTRIBUTION_WINDOWS;

const WEEK_MS = 7 * 86_400_000;
// mondayOf in SQL, on the send's UTC day number.
const SEND_DAY_SQL = 'CAST(floor(epoch_us(sent_at) / 86400000000) AS INTEGER)';
const MONDAY_SQL = `${SEND_DAY_SQL} - (${SEND_DAY_SQL} + 3) % 7`;

/** The count columns of a row, e.g. blocked_24h: distinct customers with a block attributed to the row within 24 hours. */
export const ATTRIBUTED_COLUMNS = (Object.keys(ATTRIBUTION_WINDOWS) as AttributionWindow[])
  .flatMap((window) => (Object.keys(REACTION_TYPES) as ReactionName[]).map((reaction) => ({ reaction, window, name: `${reaction}_${window}` as const })));

export function compileCampaignRows(scope: CampaignScope): SqlQuery {
  const params = new Params();
  const { startMs, endMs } = periodBounds(scope);
  const at = (ms: number) => `CAST(${params.add(isoOfMs(ms))} AS TIMESTAMPTZ)`;
  const business = params.add(scope.business);
  const [start, end, attributionEnd] = [at(startMs), at(endMs), at(endMs + WEEK_MS)];
  const channel = scope.channel === undefined ? '' : ` AND channel = ${params.add(scope.channel)}`;
  const keys = GROUPING_KEYS[scope.grouping ?? 'row'];
  const keyColumns = (['template', 'category', 'campaign', 'week'] as const)
    .map((column) => (keys.includes(column) ? column : `NULL AS ${column}`)).join(', ');
  const reactionTypes = Object.values(REACTION_TYPES).map((t) => `'${t}'`).join(', ');
  const attributed = ATTRIBUTED_COLUMNS.map(({ reaction, window, name }) =>
    `CASE WHEN a.type = '${REACTION_TYPES[reaction]}' AND a.at - a.sent_at <= INTERVAL ${ATTRIBUTION_WINDOWS[window]} HOUR THEN a.customer END AS ${name}`);
  const noAttribution = ATTRIBUTED_COLUMNS.map(({ name }) => `CAST(NULL AS UHUGEINT) AS ${name}`);
  const sql = `WITH template_sends AS (
  SELECT message, customer, sent_at, channel, template, ${EFFECTIVE_CATEGORY_SQL} AS category, campaign, delivered, read, limited, pricing
  FROM ${CURRENT_MESSAGE_FACTS} AS message_facts
  WHERE business = ${business} AND template IS NOT NULL AND sent_at IS NOT NULL
    AND sent_at >= ${at(startMs - WEEK_MS)} AND sent_at < ${attributionEnd}
), period_sends AS (
  SELECT *, ${MONDAY_SQL} AS week FROM template_sends WHERE sent_at >= ${start} AND sent_at < ${end}${channel}
), reactions AS (
  SELECT DISTINCT ${factKeySql('customer')} AS customer, type, occurred_at AS at
  FROM events
  WHERE business = ${business} AND type IN (${reactionTypes}) AND occurred_at >= ${start} AND occurred_at < ${attributionEnd}
), attributed AS (
  SELECT r.customer, r.type, r.at,
    arg_max(s.message, (s.sent_at, s.template, coalesce(s.category, ''), coalesce(s.campaign, ''))) AS message,
    max(s.sent_at) AS sent_at
  FROM reactions AS r JOIN template_sends AS s
    ON s.customer = r.customer AND s.sent_at <= r.at AND s.sent_at >= r.at - INTERVAL 7 DAY
  GROUP BY r.customer, r.type, r.at
)
SELECT ${keyColumns},
  CAST(count(message) AS INTEGER) AS sent,
  CAST(count(DISTINCT recipient) AS INTEGER) AS recipients,
  CAST(count(*) FILTER (WHERE delivered) AS INTEGER) AS delivered,
  CAST(count(*) FILTER (WHERE read) AS INTEGER) AS read,
  CAST(count(*) FILTER (WHERE limited) AS INTEGER) AS limited,
  CAST(count(*) FILTER (WHERE pricing = 'regular') AS INTEGER) AS charged,
  ${ATTRIBUTED_COLUMNS.map(({ name }) => `CAST(count(DISTINCT ${name}) AS INTEGER) AS ${name}`).join(',\n  ')}
FROM (
  SELECT template, category, campaign, week, message, customer AS recipient, delivered, read, limited, pricing, ${noAttribution.join(', ')}
  FROM period_sends
  UNION ALL
  SELECT p.template, p.category, p.campaign, p.week, NULL, NULL, false, false, false, NULL, ${attributed.join(', ')}
  FROM attributed AS a JOIN period_sends AS p ON p.message = a.message
) AS counted
GROUP BY ${keys.join(', ')}
ORDER BY ${keys.map((k) => `${k} NULLS FIRST`).join(', ')}`;
  return { sql, params: params.values };
}
