/**
 * The three reports as the straightforward PostgreSQL a team would write for the metric and residency definitions: one
 * table of raw events with B-tree indexes, CTEs, DISTINCT ON for each conversation's first
 * message, a correlated subquery (index lookup) for its first reply, count(DISTINCT ...) with
 * FILTER for the customer rates, percentile_cont for the FRT quantiles, and a SQL function for
 * the business-hours seconds. Parameters: $1 period start, $2 period end (exclusive),
 * $3 the start of the 7 days ending at `to` (very_responsive, overview) or the business (business
 * report). Each query is given only the parameters it uses (see parameterCount).
 */

/**
 * PostgreSQL's events table: our events' columns that the compared reports read, in this order,
 * which is also the order of the CSV exported for it (datasetQueries.ts exportEventsCsv).
 */
export const EVENTS_COLUMNS: readonly (readonly [name: string, type: string])[] = [
  ['business', 'text NOT NULL'], ['event_id', 'text NOT NULL'], ['type', 'text NOT NULL'], ['channel', 'text NOT NULL'],
  ['customer', 'text NOT NULL'], ['customer_region', 'text NOT NULL'], ['conversation', 'text'], ['message', 'text'],
  ['occurred_at', 'timestamptz NOT NULL'], ['received_at', 'timestamptz NOT NULL'], ['sender', 'text'], ['category', 'text'],
  ['template', 'text'], ['processed_in', 'text NOT NULL'], ['error_code', 'integer'],
];

export const EVENTS_DDL = `CREATE TABLE events (\n  ${EVENTS_COLUMNS.map(([name, type]) => `${name} ${type}`).join(',\n  ')}\n)`;

export const EVENTS_INDEXES = [
  'CREATE INDEX events_business_time ON events (business, occurred_at)',
  'CREATE INDEX events_conversation_time ON events (business, conversation, occurred_at) WHERE conversation IS NOT NULL',
  'CREATE INDEX events_message ON events (business, message) WHERE message IS NOT NULL',
];

export const REFERENCE_DDL = [
  'CREATE TABLE businesses (id text PRIMARY KEY, timezone text NOT NULL)',
  'CREATE TABLE business_hours (business text NOT NULL, isodow int NOT NULL, opens time NOT NULL, closes time NOT NULL)',
  'CREATE TABLE locations (business text NOT NULL, country text NOT NULL, mechanism text NOT NULL)',
  'CREATE TABLE country_rules (country text PRIMARY KEY, eea boolean NOT NULL, adequate boolean NOT NULL, requires_mechanism text)',
  `CREATE FUNCTION business_hours_seconds(b text, s timestamptz, e timestamptz) RETURNS double precision LANGUAGE sql STABLE AS $$
  SELECT coalesce(sum(greatest(0, extract(epoch FROM
           least(e, (d.day + h.closes) AT TIME ZONE bz.timezone) - greatest(s, (d.day + h.opens) AT TIME ZONE bz.timezone)))), 0)
  FROM businesses bz
  CROSS JOIN LATERAL generate_series((s AT TIME ZONE bz.timezone)::date::timestamp, (e AT TIME ZONE bz.timezone)::date::timestamp,
                                     interval '1 day') AS d(day)
  JOIN business_hours h ON h.business = bz.id AND h.isodow = extract(isodow FROM d.day)
  WHERE bz.id = b
$$`,
];

type Scope = 'all' | 'one';

const businessFilter = (scope: Scope) => (scope === 'one' ? ' AND business = $3' : '');

/**
 * Grouping: the overview groups by business; the business report by the whole period, by day
 * and by channel at once (GROUPING SETS).
 */
const grouping = (scope: Scope, dayOf: string) =>
  scope === 'all'
    ? { select: 'business', groupBy: 'business', day: '', }
    : { select: 'business, day, channel', groupBy: 'GROUPING SETS ((business), (business, day), (business, channel))', day: `, date_trunc('day', ${dayOf} AT TIME ZONE 'UTC') AS day` };

/** First response times and the 24-hour response rate of customer-initiated conversations. */
export function responseSql(scope: Scope): string {
  const g = grouping(scope, 'started_at');
  const sevenDays = scope === 'all'
    ? `,
  avg(CASE WHEN replied_at <= started_at + interval '24 hours' THEN 1 ELSE 0 END) FILTER (WHERE started_at >= $3) AS response_rate_7d,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY frt_s) FILTER (WHERE started_at >= $3) AS frt_median_7d`
    : '';
  return `WITH first_message AS (
  SELECT DISTINCT ON (business, conversation) business, conversation, customer, channel, type, occurred_at AS started_at
  FROM events
  WHERE conversation IS NOT NULL AND type LIKE 'message.%' AND occurred_at < $2${businessFilter(scope)}
  ORDER BY business, conversation, occurred_at, type <> 'message.received'
), initiated AS (
  SELECT f.*, (SELECT min(r.occurred_at) FROM events r
               WHERE r.business = f.business AND r.conversation = f.conversation AND r.type = 'message.sent'
                 AND r.sender IN ('agent', 'bot') AND r.occurred_at >= f.started_at) AS replied_at
  FROM first_message f
  WHERE f.type = 'message.received' AND f.started_at >= ${scope === 'all' ? 'least($1::timestamptz, $3::timestamptz)' : '$1'}
), timed AS (
  SELECT *${g.day}, extract(epoch FROM replied_at - started_at) AS frt_s,
         CASE WHEN replied_at IS NOT NULL THEN business_hours_seconds(business, started_at, replied_at) END AS frt_bh_s
  FROM initiated
)
SELECT ${g.select},
  count(*) FILTER (WHERE started_at >= $1) AS customer_initiated,
  count(DISTINCT customer) FILTER (WHERE started_at >= $1) AS initiated_customers,
  count(DISTINCT customer) FILTER (WHERE started_at >= $1 AND replied_at IS NOT NULL) AS answered_customers,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY frt_s) FILTER (WHERE started_at >= $1) AS frt_median_s,
  percentile_cont(0.9) WITHIN GROUP (ORDER BY frt_s) FILTER (WHERE started_at >= $1) AS frt_p90_s,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY frt_bh_s) FILTER (WHERE started_at >= $1) AS frt_bh_median_s,
  percentile_cont(0.9) WITHIN GROUP (ORDER BY frt_bh_s) FILTER (WHERE started_at >= $1) AS frt_bh_p90_s,
  avg(CASE WHEN replied_at <= started_at + interval '24 hours' THEN 1 ELSE 0 END) FILTER (WHERE started_at >= $1) AS response_rate_24h${sevenDays}
FROM timed
GROUP BY ${g.groupBy}`;
}

/** Conversations and the distinct-customer rates (block, mute, report, opt-out) of the period. */
export function engagementSql(scope: Scope): string {
  const g = grouping(scope, 'occurred_at');
  return `WITH period AS (
  SELECT *${g.day} FROM events WHERE occurred_at >= $1 AND occurred_at < $2${businessFilter(scope)}
)
SELECT ${g.select},
  count(DISTINCT conversation) FILTER (WHERE type LIKE 'message.%') AS conversations,
  count(DISTINCT customer) FILTER (WHERE type LIKE 'message.%' AND conversation IS NOT NULL) AS conversation_customers,
  count(DISTINCT customer) FILTER (WHERE type = 'message.sent') AS messaged_customers,
  count(DISTINCT customer) FILTER (WHERE type = 'customer.blocked') AS blocked,
  count(DISTINCT customer) FILTER (WHERE type = 'customer.muted') AS muted,
  count(DISTINCT customer) FILTER (WHERE type = 'customer.reported') AS reported,
  count(DISTINCT customer) FILTER (WHERE type = 'customer.opted_out') AS opted_out,
  count(DISTINCT customer) FILTER (WHERE type = 'message.sent' AND category = 'marketing') AS marketing_customers
FROM period
GROUP BY ${g.groupBy}`;
}

/** Delivery and read rates: distinct sent messages of the period with a delivered / read status. */
export function deliverySql(scope: Scope): string {
  const g = grouping(scope, 'occurred_at');
  return `WITH sent AS (
  SELECT DISTINCT ON (business, message) business, message, channel${g.day}
  FROM events
  WHERE type = 'message.sent' AND message IS NOT NULL AND occurred_at >= $1 AND occurred_at < $2${businessFilter(scope)}
  ORDER BY business, message, occurred_at
), statuses AS (
  SELECT business, message, bool_or(type = 'message.read') AS read
  FROM events
  WHERE type IN ('message.delivered', 'message.read') AND message IS NOT NULL AND occurred_at >= $1${businessFilter(scope)}
  GROUP BY business, message
)
SELECT ${g.select},
  count(*) AS sent_messages,
  count(st.message) AS delivered_messages,
  count(*) FILTER (WHERE st.read) AS read_messages
FROM sent LEFT JOIN statuses st USING (business, message)
GROUP BY ${g.groupBy}`;
}

const STATUS = `CASE WHEN c.eea THEN 'ok'
            WHEN c.adequate AND (c.requires_mechanism IS NULL OR c.requires_mechanism = coalesce(l.mechanism, 'none')) THEN 'ok'
            WHEN l.mechanism IN ('scc', 'bcr', 'derogation') THEN 'safeguarded'
            ELSE 'exposed' END`;

/** Customers by region class, per business. */
export const CUSTOMERS_BY_CLASS_SQL = `SELECT e.business,
  CASE WHEN r.eea THEN 'eea' WHEN r.adequate THEN 'adequate' WHEN e.customer_region = 'ZZ' THEN 'unknown' ELSE 'third' END AS class,
  count(DISTINCT e.customer) AS customers
FROM events e LEFT JOIN country_rules r ON r.country = e.customer_region
WHERE e.occurred_at >= $1 AND e.occurred_at < $2
GROUP BY 1, 2`;

/**
 * EEA customers per processing location (declared or not) with its status, and per business the
 * exposure (distinct EEA customers with any event processed at an exposed location).
 */
export const LOCATIONS_SQL = `WITH eea_events AS (
  SELECT e.business, e.customer, e.processed_in
  FROM events e JOIN country_rules r ON r.country = e.customer_region AND r.eea
  WHERE e.occurred_at >= $1 AND e.occurred_at < $2
), located AS (
  SELECT x.business, x.customer, x.processed_in, coalesce(l.mechanism, 'none') AS mechanism, l.country IS NOT NULL AS declared,
         ${STATUS} AS status
  FROM eea_events x
  LEFT JOIN locations l ON l.business = x.business AND l.country = x.processed_in
  LEFT JOIN country_rules c ON c.country = x.processed_in
)
SELECT business, processed_in, mechanism, declared, status, count(DISTINCT customer) AS eea_customers
FROM located GROUP BY 1, 2, 3, 4, 5
UNION ALL
SELECT business, NULL, NULL, NULL, 'exposure', count(DISTINCT customer) FROM located WHERE status = 'exposed' GROUP BY 1`;

/** The queries behind each report (run one after the other on one connection). */
export function reportQueries(report: 'overview' | 'business' | 'residency'): string[] {
  switch (report) {
    case 'overview': return [responseSql('all'), engagementSql('all'), deliverySql('all'), LOCATIONS_SQL];
    case 'business': return [responseSql('one'), engagementSql('one'), deliverySql('one')];
    case 'residency': return [CUSTOMERS_BY_CLASS_SQL, LOCATIONS_SQL];
  }
}

/** How many parameters a query uses ($1..$n): PostgreSQL refuses parameters a query does not use. */
export function parameterCount(sql: string): number {
  return Math.max(0, ...[...sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
}
