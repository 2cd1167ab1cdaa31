import { isoOfMs, type PeriodBounds } from '../period';
import { literal, literalList, Params, type SqlQuery } from '../metrics/sqlText';
import type { Channel } from '../vocabulary';
import { regionClassSql } from './regionClass';

/**
 * Residency queries (SPEC 8) over the period's events of every type. Pure builders. A customer
 * is counted per event: the class is that of the event's stored region, and an EEA customer's
 * data was processed where that event was processed.
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
  const sql = `SELECT business, ${regionClassSql('customer_region')} AS class, CAST(count(DISTINCT customer) AS INTEGER) AS customers
FROM events WHERE ${scoped(scope, params)}
GROUP BY ALL ORDER BY ALL`;
  return { sql, params: params.values };
}

/** Rows {business, country, eea_customers}: every processing country seen, with its distinct EEA customers. */
export function processingCountriesSql(scope: ResidencyScope): SqlQuery {
  const params = new Params();
  const sql = `SELECT business, processed_in AS country,
       CAST(count(DISTINCT customer) FILTER (WHERE ${regionClassSql('customer_region')} = 'eea') AS INTEGER) AS eea_customers
FROM events WHERE ${scoped(scope, params)}
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
  const sql = `SELECT business, CAST(count(DISTINCT customer) AS INTEGER) AS exposure
FROM events WHERE ${scoped(scope, params)}
  AND ${regionClassSql('customer_region')} = 'eea'
  AND (${where})
GROUP BY business ORDER BY business`;
  return { sql, params: params.values };
}
