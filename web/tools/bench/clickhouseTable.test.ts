import { describe, expect, it } from 'vitest';
import { httpSliceEvents } from './benchDataset';
import { nodePlace, type NodeFootprint } from './clickhouseCluster';
import { reportComparisonRows, shardBytes } from './clickhouseTable';
import type { ReportLatency } from './reportLatency';
import { differingFigures } from './sameFigures';

const latency = (report: ReportLatency['report'], days: number, phase: ReportLatency['phase'], p50Ms: number, p95Ms: number): ReportLatency =>
  ({ report, days, phase, stats: { runs: 5, p50Ms, p95Ms, maxMs: p95Ms } });

describe('reportComparisonRows', () => {
  it('puts each warm ClickHouse figure beside the DuckDB one of the same report and period, with the p50 ratio', () => {
    const duckdb = [latency('overview', 30, 'cold', 900, 900), latency('overview', 30, 'warm', 20, 30), latency('business', 90, 'warm', 10, 12)];
    const clickhouse = [latency('overview', 30, 'warm', 50, 80), latency('residency', 90, 'warm', 40, 41)];
    expect(reportComparisonRows(duckdb, clickhouse)).toEqual([
      ['overview', '30', '50.0 ms', '80.0 ms', '20.0 ms', '30.0 ms', '2.50x'],
      ['residency', '90', '40.0 ms', '41.0 ms', '-', '-', '-'],
    ]);
  });
});

describe('shardBytes and nodePlace', () => {
  it('numbers the nodes shard by shard and sums each shard over its replicas', () => {
    expect([0, 1, 2, 3].map((i) => nodePlace(i, 2))).toEqual([
      { shard: 1, replica: 1 }, { shard: 1, replica: 2 }, { shard: 2, replica: 1 }, { shard: 2, replica: 2 },
    ]);
    const node = (i: number, rows: number, bytesOnDisk: number): NodeFootprint =>
      ({ ...nodePlace(i, 2), url: `http://127.0.0.1:${9000 + i}`, rows, bytesOnDisk, rssBytes: 0, peakRssBytes: 0 });
    expect(shardBytes([node(2, 5, 500), node(0, 10, 1000), node(1, 10, 1100), node(3, 5, 450)])).toEqual([
      { shard: 1, rows: 20, bytesOnDisk: 2100 }, { shard: 2, rows: 10, bytesOnDisk: 950 },
    ]);
  });
});

describe('differingFigures', () => {
  it('finds no difference between equal replies, nor in a division rounded differently in its last digit', () => {
    const reply = { businesses: [{ business: 'b1', rate: 0.1 + 0.2, n: 3, x: null }] };
    expect(differingFigures(reply, { businesses: [{ business: 'b1', rate: 0.3, n: 3, x: null }] })).toEqual([]);
  });

  it('names the path of every figure that differs, and of a missing key or item', () => {
    expect(differingFigures({ a: [1, 2], b: { c: 'x' }, d: 1 }, { a: [1, 3], b: { c: 'y' }, e: 1 })).toEqual([
      '.a[1]: 2 vs 3', '.b.c: "x" vs "y"', '.d: 1 vs undefined', '.e: undefined vs 1',
    ]);
    expect(differingFigures([1], [1, 2])).toEqual(['.: 1 vs 2 items']);
  });
});

describe('httpSliceEvents', () => {
  it('is a tenth of the data set, at least 20k and at most 2M events', () => {
    expect([50_000, 1_000_000, 10_000_000, 50_000_000].map(httpSliceEvents)).toEqual([20_000, 100_000, 1_000_000, 2_000_000]);
  });
});
