/**
 * A cohort (the distinct customers behind a figure) serves suppression only, which asks whether
 * it reaches k: exact below k, and otherwise any number of at least k. So a group's cohort is
 * first looked for among its `cohortSample(k)` smallest customer keys (a top-n inside the group's
 * own aggregate, duplicates included: a customer with several rows appears several times). That
 * settles the group when the sample holds k distinct customers, or when the group has no more
 * rows than the sample (which then holds them all). Only the other groups (a few customers with
 * very many rows) are counted exactly, by a second reading joined to those groups alone. An exact
 * count(DISTINCT customer) of every group costs a hash table of every customer of the period per
 * group; the sample is a bounded heap.
 */
export const cohortSample = (k: number) => Math.max(64, 8 * k);

/** The distinct customers among a group's sample, as an aggregate; `filter` is a FILTER clause or ''. */
export function sampledCustomersSql(k: number, filter = ''): string {
  // min(x, n) over no row (the filter keeps none) is NULL: its length is 0.
  return `coalesce(len(list_distinct(min(customer, ${cohortSample(k)})${filter})), 0)`;
}

/** Whether the sample settles a group's cohort, from its sampled count and its rows with a customer. */
export const cohortSettledSql = (sampled: string, rows: string, k: number) =>
  `(${sampled} >= ${k} OR ${rows} <= ${cohortSample(k)})`;
