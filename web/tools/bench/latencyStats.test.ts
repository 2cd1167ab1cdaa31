import { describe, expect, it } from 'vitest';
import { latencyStats, quantile } from './latencyStats';

describe('quantile', () => {
  it('interpolates linearly between closest ranks, like quantile_cont', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([10, 20], 0.95)).toBeCloseTo(19.5);
    expect(quantile([7], 0.95)).toBe(7);
    expect(quantile([3, 1, 2], 0)).toBe(1);
    expect(quantile([3, 1, 2], 1)).toBe(3);
  });

  it('does not reorder its input', () => {
    const values = [3, 1, 2];
    quantile(values, 0.5);
    expect(values).toEqual([3, 1, 2]);
  });

  it('refuses no values and a q outside 0..1', () => {
    expect(() => quantile([], 0.5)).toThrow();
    expect(() => quantile([1], 1.5)).toThrow();
  });
});

describe('latencyStats', () => {
  it('p50, p95 and max of 20 runs', () => {
    const runs = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(latencyStats(runs)).toEqual({ runs: 20, p50Ms: 10.5, p95Ms: 19.05, maxMs: 20 });
  });
});
