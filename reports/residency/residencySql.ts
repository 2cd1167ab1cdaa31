import { isoOfMs, type PeriodBounds } from '../period';
import { literal, literalList, Params, type SqlQuery } from '../metrics/sqlText';
import type { Channel } from '../vocabulary';
import { regionClassSql } from './regionClass';

/**
 * Residency queries (SPEC 8) over the period's events of every type. Pure builders. A customer
 * is counted per event: the class is that of the event's stored region, and an EEA customer's
 * data was processed where that event was processed.
 *
 * Speed (3M events, 90 days): the period's events are first reduced by one GROUP BY to the
 * distinct (business, ..., region, customer) combinations the figure depends on (a few hundred
 * thousand rows), and the region class CASE and the distinct counts run on those, not on every
 * event (half the time of count(DISTINCT customer) over the CASE of every event). The counts do
 * not change: a distinct count is the same over distinct rows.
 */

export interface ResidencyScope extends PeriodBounds {
  business?: string;
  channel?: Channel;
}

function scoped(scope: ResidencyScope, params: Params): string {
  const parts = [
    `occurred_at >= CAST(${params.add(isoOfMs(scope.startMs))} AS TIMESTAMPTZ)`,
    `occurred_at < CAST(${params.add(isoOfMs(scope.endMs))} AS TIMESTAMPTZ)`,
    ...(scope.business === undefined ? [] : [`business = ${params.add(scope.business)}`]),
    ...(scope.channel === undefined ? [] : [`channel = ${params.add(scope.channel)}`]),
  ];
  return parts.join(' AND ');
}

/** Rows {business, class, customers}: distinct customers per region class. */
export function customersByClassSql(scope: ResidencyScope): SqlQuery {
  const params = new Params();
  const sql = `WITH regions AS (
  SELECT business, customer_region, customer FROM events WHERE ${scoped(scope, params)}
  GROUP BY business, customer_region, customer
),
classes AS (
  SELECT business, ${regionClassSql('customer_region')} AS class, customer FROM regions
  GROUP BY ALL
)
SELECT business, class, CAST(count(*) AS INTEGER) AS customers FROM classes
GROUP BY ALL ORDER BY ALL`;
  return { sql, params: params.values };
}

/** Rows {business, country, eea_customers}: every processing country seen, with its distinct EEA customers. */
export function processingCountriesSql(scope: ResidencyScope): SqlQuery {
  const params = new Params();
  const sql = `WITH seen AS (
  SELECT business, processed_in, customer_region, customer FROM events WHERE ${scoped(scope, params)}
  GROUP BY business, processed_in, customer_region, customer
)
SELECT business, processed_in AS country,
       CAST(count(DISTINCT customer) FILTER (WHERE ${regionClassSql('customer_region')} = 'eea') AS INTEGER) AS eea_customers
FROM seen
GROUP BY ALL ORDER BY ALL`;
  return { sql, params: params.values };
}

/**
 * Rows {business, exposure}: distinct EEA customers with any event processed in one of the
 * business's exposed countries. Undefined when no business has an exposed country.
 */
export function exposureSql(scope: ResidencyScope, exposedCountries: ReadonlyMap<string, readonly string[]>): SqlQuery | undefined {
  const pairs = [...exposedCountries].filter(([, countries]) => countries.length > 0);
  if (pairs.length === 0) return undefined;
  const params = new Params();
  const where = pairs.map(([business, countries]) => `(business = ${literal(business)} AND processed_in IN (${literalList(countries)}))`).join('\n    OR ');
  const sql = `WITH exposed AS (
  SELECT business, customer_region, customer FROM events WHERE ${scoped(scope, params)}
    AND (${where})
  GROUP BY business, customer_region, customer
)
SELECT business, CAST(count(DISTINCT customer) AS INTEGER) AS exposure
FROM exposed WHERE ${regionClassSql('customer_region')} = 'eea'
GROUP BY business ORDER BY business`;
  return { sql, params: params.values };
}
