/**
 * Continuous quantile with linear interpolation between the two nearest ranks, the definition
 * DuckDB's quantile_cont uses (SPEC 7): position h = q * (n - 1) in the sorted values, and the
 * value is x[floor h] + (h - floor h) * (x[ceil h] - x[floor h]). Null for no values.
 */
export function quantileCont(values: readonly number[], q: number): number | null {
  if (!(q >= 0 && q <= 1)) throw new Error(`quantile out of range: ${q}`);
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const h = q * (sorted.length - 1);
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  const low = sorted[lo]!;
  return low + (h - lo) * (sorted[hi]! - low);
}
