import type { PeriodBounds } from '../period';
import { groupedPerBusiness } from '../metrics/perBusiness';
import { daysInScopeSql, literal, literalList, Params, type SqlQuery } from '../metrics/sqlText';
import type { Channel } from '../vocabulary';
import { CLASSED_REGIONS, REGION_CLASSES, type RegionClass } from './regionClass';

/**
 * Residency queries. Pure builders. A customer is counted per event: the class is that
 * of the event's stored region, and an EEA customer's data was processed where that event was
 * processed. They read customer_days (db/activityDays.ts): per UTC day, the distinct (business,
 * channel, processing country, region, customer) of the events, with integer customer keys, so
 * a period costs its customer-days instead of its events. Distinct counts are unchanged: a
 * customer with an event processed in X in the period has a day processed in X in it.
 */

export interface ResidencyScope extends PeriodBounds {
  business?: string;
  /** The scope's customer_days rows per business (from processingKeysSql), to group the larger ones alone (without `business`). */
  rowsByBusiness?: ReadonlyMap<string, number>;
  channel?: Channel;
}

/** Where each count is in the row of a business that residencyCountsSql returns. */
export interface ResidencyCountColumns {
  /** Distinct customers per region class. */
  classes: Record<RegionClass, string>;
  /** Distinct EEA customers per processing country. */
  eeaCountries: Map<string, string>;
  /** Distinct EEA customers processed in one of the business's exposed countries. */
  exposure: string;
}

/** Countries per bit column: 62 bits of a BIGINT each (no sign bit involved). */
const BITS_PER_COLUMN = 62;
const bitOf = (i: number) => 1n << BigInt(i % BITS_PER_COLUMN);
const columnOf = (i: number) => `eea_in_${Math.floor(i / BITS_PER_COLUMN)}`;

/** A region class's bit in the per-customer set of classes. */
export const classBit = (c: RegionClass) => 1 << REGION_CLASSES.indexOf(c);

/**
 * The classes of regions, as a WITH item named `classed`: the regions regionClass names
 * (CLASSED_REGIONS) with their class bit; any other region is `third` (classBitsOf).
 */
export function classedRegionsSql(): string {
  const rows = CLASSED_REGIONS.map(([region, c]) => `(${literal(region)}, ${classBit(c)})`).join(', ');
  return `classed AS (SELECT * FROM (VALUES ${rows}) AS classed(customer_region, class_bit))`;
}

/**
 * The rows of `source` (a table and its WHERE clause) with `class_bit`, their region's class,
 * by a join to `classed` (classedRegionsSql) rather than a CASE of IN lists per row: on one
 * business's rows at a time (see residencyCountsSql) the CASE took a quarter of the report, and
 * a DISTINCT of the period's regions joined back cost more in planning and joins than the
 * grouping saved.
 */
export function classBitsOf(source: string): string {
  return `(SELECT scoped_rows.*, coalesce(classed.class_bit, ${classBit('third')}) AS class_bit
  FROM (SELECT * FROM ${source}) AS scoped_rows LEFT JOIN classed USING (customer_region)) AS with_class`;
}

/**
 * One row per business with every residency count, from one pass over the period's customer
 * days: each customer is reduced once to a set of bits (the region classes of its events, and
 * the processing countries of its EEA-region events), and each count is the customers with a
 * bit set. At 10M events, 90 days, this replaced two count(DISTINCT) aggregates and a third
 * grouping for the exposure (~0.48 s) with one grouping of the customers.
 *
 * `eeaCountries`: the processing countries whose EEA customers are counted (those seen with an
 * EEA region, from processingKeysSql); `exposedCountries`: per business, the countries whose
 * EEA customers make up its exposure. A country in neither has no bit and counts nobody.
 */
export function residencyCountsSql(
  scope: ResidencyScope,
  eeaCountries: readonly string[],
  exposedCountries: ReadonlyMap<string, readonly string[]>,
): SqlQuery & { columns: ResidencyCountColumns } {
  const params = new Params();
  const inScope = daysInScopeSql(scope, params);
  const index = new Map(eeaCountries.map((c, i) => [c, i]));
  const bitColumns = [...new Set(eeaCountries.map((_, i) => columnOf(i)))];
  const countryBits = bitColumns.map((column) => {
    const cases = eeaCountries.filter((_, i) => columnOf(i) === column).map((c) => `WHEN ${literal(c)} THEN ${bitOf(index.get(c)!)}`);
    return `bit_or(CASE WHEN class_bit = ${classBit('eea')} THEN CASE processed_in ${cases.join(' ')} ELSE 0 END ELSE 0 END) AS ${column}`;
  });
  const exposedTests = bitColumns.map((column) => {
    const masks = [...exposedCountries].map(([business, countries]) => {
      const bits = countries.map((c) => index.get(c)).filter((i) => i !== undefined && columnOf(i) === column);
      const mask = bits.reduce((m, i) => m | bitOf(i!), 0n);
      return mask === 0n ? '' : `WHEN ${literal(business)} THEN ${mask}`;
    }).filter((w) => w !== '');
    return masks.length === 0 ? undefined : `(${column} & CASE business ${masks.join(' ')} ELSE 0 END) <> 0`;
  }).filter((t) => t !== undefined);

  const columns: ResidencyCountColumns = {
    classes: Object.fromEntries(REGION_CLASSES.map((c) => [c, `class_${c}`])) as Record<RegionClass, string>,
    eeaCountries: new Map(eeaCountries.map((c, i) => [c, `eea_customers_${i}`])),
    exposure: 'exposure',
  };
  const counted = [
    ...REGION_CLASSES.map((c) => `CAST(count_if((classes & ${classBit(c)}) <> 0) AS INTEGER) AS ${columns.classes[c]}`),
    ...eeaCountries.map((c, i) => `CAST(count_if((${columnOf(i)} & ${bitOf(i)}) <> 0) AS INTEGER) AS ${columns.eeaCountries.get(c)}`),
    `CAST(${exposedTests.length === 0 ? '0' : `count_if(${exposedTests.join(' OR ')})`} AS INTEGER) AS ${columns.exposure}`,
  ];
  const sql = `WITH ${classedRegionsSql()},
customers AS (
  ${groupedPerBusiness(params, scope.rowsByBusiness, (b) => `SELECT ${b.select}, bit_or(class_bit) AS classes${countryBits.map((bits) => `,\n         ${bits}`).join('')}
  FROM ${classBitsOf(`customer_days WHERE ${[inScope, ...(b.filter ? [b.filter] : [])].join(' AND ')}`)}
  GROUP BY ${[...b.keys, 'customer'].join(', ')}`, scope.business === undefined ? undefined : params.add(scope.business))}
)
SELECT business,
       ${counted.join(',\n       ')}
FROM customers
GROUP BY business
ORDER BY business`;
  return { sql, params: params.values, columns };
}

/**
 * Rows {business, country, region, rows}: each processing country and customer region seen
 * together in the period, and their customer_days rows. Enough for the flag, which needs where
 * EEA customers' data went, not how many: a grouping into a few hundred keys instead of one over
 * the customers behind them. The rows decide how residencyCountsSql groups each business.
 */
export function processingKeysSql(scope: ResidencyScope): SqlQuery {
  const params = new Params();
  const sql = `SELECT business, processed_in AS country, customer_region AS region, count(*) AS rows
FROM customer_days WHERE ${daysInScopeSql(scope, params)}
GROUP BY business, processed_in, customer_region
ORDER BY business, country, region`;
  return { sql, params: params.values };
}

/**
 * Rows {business, customers}: per business, the distinct EEA customers whose events were processed
 * in one of the countries given for it (those behind its flag: see residency.ts). Only the rows of
 * EEA regions in those countries are read, so the overview's flags cost a few rows, not a pass
 * over the period's customers.
 */
export function flagBasisSql(scope: ResidencyScope, flagCountries: ReadonlyMap<string, readonly string[]>): SqlQuery {
  const params = new Params();
  const inScope = daysInScopeSql(scope, params);
  const eeaRegions = CLASSED_REGIONS.filter(([, c]) => c === 'eea').map(([region]) => region);
  // One branch per business, each with its own `business =` test: the scan skips the other
  // businesses' row groups (the settled days are clustered by business), where one OR of every
  // business's test was evaluated on every row of the period. At 52M events, 90 days:
  // 290 -> 90-110 ms. list_contains rather than IN: DuckDB plans an IN list this long as a join
  // against its values (a MARK join over every row of the period).
  const branches = [...flagCountries]
    .filter(([, countries]) => countries.length > 0)
    .map(([business, countries]) => {
      const name = params.add(business);
      return `SELECT ${name} AS business, CAST(count(DISTINCT customer) AS INTEGER) AS customers
FROM customer_days
WHERE ${inScope} AND business = ${name}
  AND processed_in IN (${countries.map((c) => params.add(c)).join(', ')})
  AND list_contains([${literalList(eeaRegions)}], customer_region)`;
    });
  if (branches.length === 0) return { sql: 'SELECT NULL::VARCHAR AS business, 0 AS customers WHERE false', params: params.values };
  return { sql: `${branches.join('\nUNION ALL\n')}\nORDER BY business`, params: params.values };
}
