import { isoOfMs, periodBounds, type Period } from '../period';
import type { ReportSource } from '../db/reportSource';
import { Suppressor } from '../suppression';
import { PRICING_TYPES, type Channel } from '../vocabulary';
import { cohortSettledSql, sampledCustomersSql } from './cohortSample';
import { attemptedMessagesSql, EFFECTIVE_CATEGORY_SQL } from './compileSql';
import { literal, literalList, Params, type SqlQuery } from './sqlText';

/**
 * One business's attempted messages of the period (a send or a failure, as in delivery_rate) by
 * effective category and pricing type: what Meta's own pricing analytics bills. The pricing type
 * is the one the send or a status reported (WhatsApp's pricing.type): `regular` is charged, the
 * two free windows are counted apart, and a message nobody reported one for is `unknown`. A
 * message that only failed, with no category reported, is in no row: it was never priced.
 */
export interface PricingRow {
  /** The category a delivered/read status reported, else the send's. */
  category: string;
  /** pricing = regular. */
  charged: number | null;
  free_customer_service: number | null;
  free_entry_point: number | null;
  /** No pricing type reported. */
  unknown: number | null;
  suppressed: string[];
}

export interface PricingScope extends Period {
  business: string;
  channel?: Channel;
}

/** The row's figure of each pricing type, in the order of PRICING_TYPES. */
const FIGURE_OF: Record<(typeof PRICING_TYPES)[number], 'charged' | 'free_customer_service' | 'free_entry_point'> = {
  regular: 'charged',
  free_customer_service: 'free_customer_service',
  free_entry_point: 'free_entry_point',
};
export const PRICING_FIGURES = [...PRICING_TYPES.map((type) => FIGURE_OF[type]), 'unknown'] as const;
export type PricingFigure = (typeof PRICING_FIGURES)[number];

export function compilePricingBreakdown(scope: PricingScope, k: number): SqlQuery {
  const params = new Params();
  const { startMs, endMs } = periodBounds(scope);
  const messages = attemptedMessagesSql({
    start: params.add(isoOfMs(startMs)),
    end: params.add(isoOfMs(endMs)),
    business: params.add(scope.business),
    channel: scope.channel === undefined ? undefined : params.add(scope.channel),
  });
  // count(*) FILTER, not count_if: count_if over only NULLs is NULL, not 0.
  const byType = PRICING_TYPES.map((type) => `CAST(count(*) FILTER (WHERE pricing = ${literal(type)}) AS INTEGER) AS ${FIGURE_OF[type]}`);
  const settled = cohortSettledSql('c.sampled_customers', 'c.customer_rows', k);
  // The customers of a row only decide its suppression (./cohortSample.ts): a sample settles most
  // rows, and only the others are counted exactly. At 52M events, 90 days, one business (2M
  // messages): 235-310 -> 175-235 ms against a count(DISTINCT customer) of every row.
  const sql = `WITH priced AS (
  SELECT ${EFFECTIVE_CATEGORY_SQL} AS category, pricing, customer
  FROM ${messages} AS message_facts
  WHERE ${EFFECTIVE_CATEGORY_SQL} IS NOT NULL
), counts AS (
  SELECT category,
         ${byType.join(',\n         ')},
         CAST(count(*) FILTER (WHERE pricing IS NULL OR pricing NOT IN (${literalList(PRICING_TYPES)})) AS INTEGER) AS unknown,
         ${sampledCustomersSql(k)} AS sampled_customers,
         count(customer) AS customer_rows,
         CAST(count(*) FILTER (WHERE customer IS NULL) AS INTEGER) AS without_customer
  FROM priced
  GROUP BY category
), counted AS (
  SELECT category, count(DISTINCT customer) AS customers
  FROM priced SEMI JOIN (SELECT category FROM counts c WHERE NOT ${settled}) AS open USING (category)
  GROUP BY category
)
SELECT c.category, ${PRICING_FIGURES.map((f) => `c.${f}`).join(', ')},
       CAST(CASE WHEN ${settled} THEN c.sampled_customers ELSE counted.customers END AS INTEGER) AS customers,
       c.without_customer
FROM counts c LEFT JOIN counted USING (category)
ORDER BY c.category`;
  return { sql, params: params.values };
}

type PricingCounts = { category: string; customers: number; without_customer: number } & Record<PricingFigure, number>;

/**
 * Counts to published figures: every figure of a row comes from the customers its messages went
 * to. The facts take the customer from the send; a message delivered or read (it reached someone)
 * whose send was never reported has none, and is counted as one customer at most (the fewest it
 * can be), so a row never escapes suppression through it. A message that only failed has no
 * category: it is in no row.
 */
export function pricingRow(counts: PricingCounts, k: number): PricingRow {
  const suppressor = new Suppressor(k);
  const customers = Math.max(counts.customers, Math.min(counts.without_customer, 1));
  const figure = (name: PricingFigure) => suppressor.figure(name, counts[name], customers);
  return {
    category: counts.category,
    charged: figure('charged'),
    free_customer_service: figure('free_customer_service'),
    free_entry_point: figure('free_entry_point'),
    unknown: figure('unknown'),
    suppressed: suppressor.suppressed,
  };
}

export async function pricingBreakdown(source: ReportSource, scope: PricingScope, k: number): Promise<PricingRow[]> {
  const rows = await source.query<Record<string, unknown>>(source.queries.pricingBreakdown(scope, k));
  const numbers = (r: Record<string, unknown>) =>
    Object.fromEntries([...PRICING_FIGURES, 'customers', 'without_customer'].map((c) => [c, Number(r[c])])) as Omit<PricingCounts, 'category'>;
  return rows.map((r) => pricingRow({ category: String(r.category), ...numbers(r) }, k));
}
