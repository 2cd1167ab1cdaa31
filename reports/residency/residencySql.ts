import type { PeriodBounds } from '../period';
import { dayLiteral, literal, literalList, Params, type SqlQuery } from '../metrics/sqlText';
import type { Channel } from '../vocabulary';
import { regionClassSql } from './regionClass';

/**
 * Residency queries (SPEC 8). Pure builders. A customer is counted per event: the class is that
 * of the event's stored region, and an EEA customer's data was processed where that event was
 * processed. They read customer_days (db/activityDays.ts): per UTC day, the distinct (business,
 * channel, processing country, region, customer) of the events, with integer customer keys, so
 * a period costs its customer-days instead of its events. Distinct counts are unchanged: a
 * customer with an event processed in X in the period has a day processed in X in it.
 */

export interface ResidencyScope extends PeriodBounds {
  business?: string;
  channel?: Channel;
}

function scoped(scope: ResidencyScope, params: Params): string {
  const parts = [
    `day >= ${dayLiteral(scope.startMs)} AND day < ${dayLiteral(scope.endMs)}`,
    ...(scope.business === undefined ? [] : [`business = ${params.add(scope.business)}`]),
    ...(scope.channel === undefined ? [] : [`channel = ${params.add(scope.channel)}`]),
  ];
  return parts.join(' AND ');
}

/**
 * Two kinds of rows from the period's customer days:
 * - {business, class, customers, country: NULL}: distinct customers per region class;
 * - {business, country, eea_customers, class: NULL}: every processing country seen, with its
 *   distinct EEA customers.
 * Regions are classified once each (a handful), not once per row. Each count is a plain
 * count(DISTINCT) over a few groups: DuckDB keeps one set of customers per group, and at 10M
 * events (90 days) the two take ~0.3 s, where reducing the days to distinct (business, country,
 * region, customer) keys first and grouping those took ~0.9 s (every key hashed three times, with
 * its text columns).
 */
export function customersAndCountriesSql(scope: ResidencyScope): SqlQuery {
  const params = new Params();
  const inScope = scoped(scope, params);
  const sql = `WITH regions AS (
  SELECT customer_region, ${regionClassSql('customer_region')} AS class
  FROM (SELECT DISTINCT customer_region FROM customer_days WHERE ${inScope})
)
SELECT business, class, NULL AS country, CAST(count(DISTINCT customer) AS INTEGER) AS customers, 0 AS eea_customers
FROM customer_days JOIN regions USING (customer_region) WHERE ${inScope}
GROUP BY business, class
UNION ALL
SELECT business, NULL AS class, processed_in AS country, 0 AS customers,
       CAST(count(DISTINCT customer) FILTER (WHERE class = 'eea') AS INTEGER) AS eea_customers
FROM customer_days JOIN regions USING (customer_region) WHERE ${inScope}
GROUP BY business, processed_in
ORDER BY ALL`;
  return { sql, params: params.values };
}

/**
 * Rows {business, country, region}: each processing country and customer region seen together
 * in the period. Enough for the flag, which needs where EEA customers' data went, not how many:
 * a DISTINCT over a few hundred keys instead of one over the customers behind them.
 */
export function processingKeysSql(scope: ResidencyScope): SqlQuery {
  const params = new Params();
  const sql = `SELECT DISTINCT business, processed_in AS country, customer_region AS region
FROM customer_days WHERE ${scoped(scope, params)}
ORDER BY ALL`;
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
  SELECT business, customer_region, customer FROM customer_days WHERE ${scoped(scope, params)}
    AND (${where})
  GROUP BY business, customer_region, customer
)
SELECT business, CAST(count(DISTINCT customer) AS INTEGER) AS exposure
FROM exposed WHERE ${regionClassSql('customer_region')} = 'eea'
GROUP BY business ORDER BY business`;
  return { sql, params: params.values };
}
