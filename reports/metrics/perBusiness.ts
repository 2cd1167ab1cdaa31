import type { Params } from './sqlText';

/**
 * The costliest step of the overview and the residency report at scale is one GROUP BY of every
 * customer key of the period with its business. For a business with many rows, grouping its rows
 * alone is cheaper: the key is the 128-bit integer alone, the hash table holds one business's
 * keys, and on the clustered days (db/clustering.ts) the reading skips the other businesses' row
 * groups. The customer grouping of a 90-day overview: 11.5M events 150 -> 90 ms, 54M events
 * 1.4 -> 0.6 s. But each grouping has a fixed cost of ~1.5-2.5 ms, more than it saves below some
 * 50k rows (a 30-day overview of 1M events took 26 -> 42 ms with one grouping per business), so
 * only businesses with OWN_GROUPING_MIN_ROWS rows in the scope get one; the others share one.
 */
export const OWN_GROUPING_MIN_ROWS = 100_000;
const MAX_OWN_GROUPINGS = 32;

/** How one grouping reads its business. */
export interface BusinessColumn {
  /** The business column of its SELECT list. */
  select: string;
  /** Its rows' filter, if any: one business, or all but those grouped alone. */
  filter?: string;
  /** The business among its grouping keys: ['business'] when it reads several, [] for one. */
  keys: readonly string[];
}

/** The rows per business of a scope (`where`, over customer_days): what groupedPerBusiness decides by. */
export const rowsPerBusinessSql = (where: string) => `SELECT business, count(*) AS rows FROM customer_days WHERE ${where} GROUP BY business`;

/** rowsPerBusinessSql's result as a map. */
export const rowsByBusinessOf = (rows: readonly Record<string, unknown>[]) =>
  new Map(rows.map((r) => [String(r.business), Number(r.rows)]));

/** The businesses that get a grouping of their own, largest first. */
function ownGroupings(rowsByBusiness: ReadonlyMap<string, number> | undefined): string[] {
  return [...(rowsByBusiness ?? [])]
    .filter(([, rows]) => rows >= OWN_GROUPING_MIN_ROWS)
    .sort((a, b) => b[1] - a[1])
    .slice(0, MAX_OWN_GROUPINGS)
    .map(([business]) => business);
}

/** A grouping of one business, given as a bound parameter. */
const alone = (business: string): BusinessColumn => ({ select: `${business} AS business`, filter: `business = ${business}`, keys: [] });

/**
 * `grouping` once for each business of ownGroupings (its business a parameter, its rows filtered
 * to it) and once for all the others together, joined by UNION ALL. For a scope of one business
 * (`only`, its parameter), its grouping alone: one grouping's fixed cost, no count to decide.
 */
export function groupedPerBusiness(
  params: Params,
  rowsByBusiness: ReadonlyMap<string, number> | undefined,
  grouping: (business: BusinessColumn) => string,
  only?: string,
): string {
  if (only !== undefined) return grouping(alone(only));
  const own = ownGroupings(rowsByBusiness).map((b) => params.add(b));
  const each = own.map((b) => grouping(alone(b)));
  // Always there, even when every business counted has its own: rows stored since the count
  // (a business's first ones, under ingest) are still read.
  const others = grouping({
    select: 'business',
    // NOT list_contains rather than NOT IN: DuckDB runs the IN list as a join against its values
    // over every row of the scope. At 10M events, 90 days, every business grouped alone, this
    // reading finds no row, yet took 124 ms with NOT IN and 15 ms with the list test (the
    // overview's events query 337 -> 253 ms).
    ...(own.length > 0 ? { filter: `NOT list_contains([${own.join(', ')}], business)` } : {}),
    keys: ['business'],
  });
  return [...each, others].join('\n  UNION ALL\n  ');
}
