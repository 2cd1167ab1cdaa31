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
 * In one pass over the period's customer days, two kinds of rows:
 * - {business, class, customers, country: NULL}: distinct customers per region class;
 * - {business, country, eea_customers, class: NULL}: every processing country seen, with its
 *   distinct EEA customers.
 * (GROUPING SETS over one reduction of the days: at 10M events the two separate queries spent
 * most of their time each reading and grouping the same rows.)
 */
export function customersAndCountriesSql(scope: ResidencyScope): SqlQuery {
  const params = new Params();
  const sql = `WITH seen AS (
  SELECT business, processed_in, customer_region, customer FROM customer_days WHERE ${scoped(scope, params)}
  GROUP BY business, processed_in, customer_region, customer
),
classed AS (
  SELECT business, processed_in, ${regionClassSql('customer_region')} AS class, customer FROM seen
)
SELECT business,
       CASE WHEN grouping(class) = 0 THEN class END AS class,
       CASE WHEN grouping(processed_in) = 0 THEN processed_in END AS country,
       CAST(count(DISTINCT customer) AS INTEGER) AS customers,
       CAST(count(DISTINCT customer) FILTER (WHERE class = 'eea') AS INTEGER) AS eea_customers
FROM classed
GROUP BY GROUPING SETS ((business, class), (business, processed_in))
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
