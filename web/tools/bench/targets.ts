import type { BenchResults, TargetCheck } from './benchResults';
import type { ReportLatency } from './reportLatency';
import { formatBytes, formatMs, formatRatio } from './textTable';

const GIB = 2 ** 30;

/** Issue 25's intake target: 5x the ~25k events/s of before, on this 2-core machine, loader included. */
export const HTTP_INGEST_TARGET_EVENTS_PER_SEC = 125_000;
/** The memory target at 50M events, with margin under the 2 GiB the machine's users plan for. */
export const PEAK_RSS_TARGET_BYTES = 1.5 * GIB;

/** PostgreSQL warm p50 / ours warm p50, per report and period (higher: we are faster). */
export function postgresRatios(results: Pick<BenchResults, 'postgres' | 'reports'>): { report: string; days: number; ratio: number }[] {
  if ('skipped' in results.postgres) return [];
  return results.postgres.reports.flatMap((p) => {
    const ours = results.reports.find((r) => r.phase === 'warm' && r.report === p.report && r.days === p.days);
    return ours ? [{ report: p.report, days: p.days, ratio: p.warm.p50Ms / ours.stats.p50Ms }] : [];
  });
}

/**
 * Which report-latency target a run of this many events is held to: 150 ms (set for 10M events)
 * until the run reaches 50M, then 1 s. Latency grows with the data, so a run between the two
 * scales that meets 1 s says nothing about 50M, while one that misses 150 ms misses it at 10M
 * too (an 11.5M run had been shown "yes" against the 1 s target).
 */
export function reportLatencyTarget(events: number): { limitMs: number; scale: '10M' | '50M' } {
  return events >= 47_500_000 ? { limitMs: 1000, scale: '50M' } : { limitMs: 150, scale: '10M' };
}

const worst = (reports: ReportLatency[]) => reports.reduce((a, b) => (b.stats.p95Ms > a.stats.p95Ms ? b : a));

/** The targets (issues 6 and 25), each with what this run measured and whether it holds. */
export function checkTargets(results: Omit<BenchResults, 'targets' | 'durationSeconds'>): TargetCheck[] {
  const events = results.dataset.events;
  const checks: TargetCheck[] = [];
  checks.push({
    target: `HTTP ingest >= ${HTTP_INGEST_TARGET_EVENTS_PER_SEC / 1000}k events/s`,
    measured: `${(results.httpIngest.eventsPerSec / 1000).toFixed(1)}k events/s`,
    holds: results.httpIngest.eventsPerSec >= HTTP_INGEST_TARGET_EVENTS_PER_SEC,
  });
  // The moonshot beside it: the same intake against DuckDB's own best bulk load on this machine.
  checks.push({
    target: 'HTTP ingest >= 50% of the best bulk-load rate',
    measured: `${(results.httpIngest.ratioToBestLimit * 100).toFixed(1)}%`,
    holds: results.httpIngest.ratioToBestLimit >= 0.5,
  });
  const warm = results.reports.filter((r) => r.phase === 'warm');
  if (warm.length > 0) {
    const slowest = worst(warm);
    const { limitMs, scale } = reportLatencyTarget(events);
    checks.push({
      target: `report p95 < ${limitMs} ms (target at ${scale} events; this run: ${(events / 1e6).toFixed(1)}M)`,
      measured: `worst warm p95 ${formatMs(slowest.stats.p95Ms)} (${slowest.report} ${slowest.days} d)`,
      holds: slowest.stats.p95Ms < limitMs,
    });
  }
  const ratios = postgresRatios(results);
  if (ratios.length > 0) {
    const least = ratios.reduce((a, b) => (b.ratio < a.ratio ? b : a));
    checks.push({
      target: '>= 20x faster than PostgreSQL (warm p50)',
      measured: `least ${formatRatio(least.ratio)} (${least.report} ${least.days} d)`,
      holds: least.ratio >= 20,
    });
  } else {
    checks.push({ target: '>= 20x faster than PostgreSQL (warm p50)', measured: 'PostgreSQL comparison skipped', holds: undefined });
  }
  const slowestStart = Math.max(...results.server.startSeconds);
  checks.push({
    target: 'health answers < 2 s after start at 50M events',
    measured: `slowest of ${results.server.startSeconds.length} starts ${slowestStart.toFixed(1)} s at ${(results.server.eventsStored / 1e6).toFixed(1)}M events`,
    holds: results.server.eventsStored >= 50_000_000 ? slowestStart < 2 : undefined,
  });
  checks.push({
    target: `server peak RSS < ${PEAK_RSS_TARGET_BYTES / GIB} GiB at 50M events`,
    measured: `${formatBytes(results.server.peakRssBytes)} at ${(results.server.eventsStored / 1e6).toFixed(1)}M events`,
    holds: results.server.eventsStored >= 50_000_000 ? results.server.peakRssBytes < PEAK_RSS_TARGET_BYTES : undefined,
  });
  return checks;
}
