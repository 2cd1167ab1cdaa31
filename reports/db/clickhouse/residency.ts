import { scopedEventsSql } from '../../../db/clickhouse/eventMetricsSql';
import { literal } from '../../../db/clickhouse/sqlLiteral';
import type { SqlQuery } from '../../metrics/sqlText';
import { CLASSED_REGIONS, REGION_CLASSES } from '../../residency/regionClass';
import { classBit, type ResidencyCountColumns, type ResidencyScope } from '../../residency/residencySql';

/**
 * reports/residency/residencySql.ts on ClickHouse, over the scope's events (each once) instead of
 * DuckDB's customer days: the same rows and columns, every value inlined (`params` empty). A
 * customer's region class is that of each event's stored region (transform over the classed
 * regions; any other region is `third`), and an EEA customer's data was processed where such an
 * event was processed.
 */

const BITS_PER_COLUMN = 62;
const bitOf = (i: number) => 1n << BigInt(i % BITS_PER_COLUMN);
const columnOf = (i: number) => `eea_in_${Math.floor(i / BITS_PER_COLUMN)}`;

const uint64 = (value: bigint | number) => `toUInt64(${value})`;
/** `value` looked up in a list of pairs, `otherwise` for anything else; never an empty transform. */
function lookup(value: string, pairs: readonly (readonly [string, string])[], otherwise: string): string {
  if (pairs.length === 0) return otherwise;
  return `transform(${value}, [${pairs.map(([from]) => literal(from)).join(', ')}], [${pairs.map(([, to]) => to).join(', ')}], ${otherwise})`;
}

const CLASS_BIT_SQL = lookup('customer_region', CLASSED_REGIONS.map(([region, c]) => [region, `toUInt8(${classBit(c)})`] as const), `toUInt8(${classBit('third')})`);

// No FINAL: the residency figures are distinct customers (groupBitOr per customer, uniqExact)
// and the key list's row count, which nothing reads here; a copy of an event changes none of them.
const scopedEvents = (scope: ResidencyScope, columns: readonly string[]) =>
  scopedEventsSql({ startMs: scope.startMs, endMs: scope.endMs, business: scope.business, channel: scope.channel }, columns, { final: false });

export function clickhouseResidencyCounts(
  scope: ResidencyScope,
  eeaCountries: readonly string[],
  exposedCountries: ReadonlyMap<string, readonly string[]>,
): SqlQuery & { columns: ResidencyCountColumns } {
  const index = new Map(eeaCountries.map((c, i) => [c, i]));
  const bitColumns = [...new Set(eeaCountries.map((_, i) => columnOf(i)))];
  const countryBits = bitColumns.map((column) => {
    const pairs = eeaCountries.filter((_, i) => columnOf(i) === column).map((c) => [c, uint64(bitOf(index.get(c)!))] as const);
    return `groupBitOr(if(class_bit = ${classBit('eea')}, ${lookup('processed_in', pairs, uint64(0))}, ${uint64(0)})) AS ${column}`;
  });
  const exposedTests = bitColumns.map((column) => {
    const masks = [...exposedCountries].map(([business, countries]) => {
      const bits = countries.map((c) => index.get(c)).filter((i) => i !== undefined && columnOf(i) === column);
      return [business, bits.reduce((m, i) => m | bitOf(i!), 0n)] as const;
    }).filter(([, mask]) => mask !== 0n).map(([business, mask]) => [business, uint64(mask)] as const);
    return masks.length === 0 ? undefined : `bitAnd(${column}, ${lookup('business', masks, uint64(0))}) != 0`;
  }).filter((t) => t !== undefined);

  const columns: ResidencyCountColumns = {
    classes: Object.fromEntries(REGION_CLASSES.map((c) => [c, `class_${c}`])) as ResidencyCountColumns['classes'],
    eeaCountries: new Map(eeaCountries.map((c, i) => [c, `eea_customers_${i}`])),
    exposure: 'exposure',
  };
  const counted = [
    ...REGION_CLASSES.map((c) => `countIf(bitAnd(classes, ${classBit(c)}) != 0) AS ${columns.classes[c]}`),
    ...eeaCountries.map((c, i) => `countIf(bitAnd(${columnOf(i)}, ${uint64(bitOf(i))}) != 0) AS ${columns.eeaCountries.get(c)}`),
    `${exposedTests.length === 0 ? 'toUInt64(0)' : `countIf(${exposedTests.join(' OR ')})`} AS ${columns.exposure}`,
  ];
  const events = scopedEvents(scope, ['business', 'customer', 'processed_in', `${CLASS_BIT_SQL} AS class_bit`]);
  const sql = `SELECT business,
  ${counted.join(',\n  ')}
FROM (
  SELECT business, customer, groupBitOr(class_bit) AS classes${countryBits.map((bits) => `,\n    ${bits}`).join('')}
  FROM (${events}) AS scoped
  GROUP BY business, customer
) AS customers
GROUP BY business
ORDER BY business`;
  return { sql, params: [], columns };
}

/**
 * Rows {business, country, region, rows}. `rows` counts the scope's events (DuckDB's counts its
 * customer-day rows): only DuckDB's builders plan by it; ClickHouse's ignore it.
 */
export function clickhouseProcessingKeys(scope: ResidencyScope): SqlQuery {
  const events = scopedEvents(scope, ['business', 'processed_in', 'customer_region']);
  return {
    sql: `SELECT business, processed_in AS country, customer_region AS region, count() AS rows
FROM (${events}) AS scoped
GROUP BY business, country, region
ORDER BY business, country, region`,
    params: [],
  };
}

/** Rows {business, customers}: per business, its distinct EEA customers processed in one of the countries given for it. */
export function clickhouseFlagBasis(scope: ResidencyScope, flagCountries: ReadonlyMap<string, readonly string[]>): SqlQuery {
  const eeaRegions = CLASSED_REGIONS.filter(([, c]) => c === 'eea').map(([region]) => literal(region));
  const perBusiness = [...flagCountries]
    .filter(([, countries]) => countries.length > 0)
    .map(([business, countries]) => `(business = ${literal(business)} AND processed_in IN (${countries.map((c) => literal(c)).join(', ')}))`);
  const events = scopedEvents(scope, ['business', 'customer', 'processed_in', 'customer_region']);
  return {
    sql: `SELECT business, uniqExact(customer) AS customers
FROM (${events}) AS scoped
WHERE customer_region IN (${eeaRegions.join(', ')})
  AND (${perBusiness.length === 0 ? '0' : perBusiness.join(' OR ')})
GROUP BY business
ORDER BY business`,
    params: [],
  };
}
