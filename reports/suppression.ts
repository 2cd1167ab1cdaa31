/**
 * Small-cohort suppression, one rule for the report API and every export: a figure
 * computed from at least 1 but fewer than k (MIN_COHORT) distinct customers is replaced by null
 * and its path is named in the row's `suppressed` list. A figure from no customer at all is not
 * suppressed (a count is 0, a rate or a time is null already). Which customers count for each
 * figure is decided where the figure is defined (metrics/definitions.ts, residency/).
 */

export function isSmallCohort(customers: number, k: number): boolean {
  return customers >= 1 && customers < k;
}

/** Collects a row's figures, nulling and naming the small-cohort ones in the order they come. */
export class Suppressor {
  readonly suppressed: string[] = [];

  constructor(readonly k: number) {
    if (!Number.isInteger(k) || k < 1) throw new Error(`k must be a positive integer, got ${k}`);
  }

  /** The value to publish for a figure at `path` computed from `customers` distinct customers. */
  figure<T extends number | null>(path: string, value: T, customers: number): T | null {
    if (!isSmallCohort(customers, this.k)) return value;
    this.suppressed.push(path);
    return null;
  }
}
