/** p50/p95/max of a set of latencies, in milliseconds. */
export interface LatencyStats {
  runs: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

/**
 * The q-quantile (0..1) with linear interpolation between closest ranks (like quantile_cont and
 * numpy's default), so a p95 of 20 runs lies between the 19th and 20th sorted values.
 */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new Error('quantile of no values');
  if (!(q >= 0 && q <= 1)) throw new Error('q must be within 0..1');
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}

export function latencyStats(valuesMs: readonly number[]): LatencyStats {
  return {
    runs: valuesMs.length,
    p50Ms: quantile(valuesMs, 0.5),
    p95Ms: quantile(valuesMs, 0.95),
    maxMs: Math.max(...valuesMs),
  };
}
