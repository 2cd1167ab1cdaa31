import { ProgressBar } from '../../../ingest/demo/progress';
import { periodStart } from './benchDataset';
import { latencyStats, type LatencyStats } from './latencyStats';

export type ReportName = 'overview' | 'business' | 'residency';

/** One report over one period, as the dashboard asks for it. */
export interface ReportCase {
  report: ReportName;
  days: number;
  from: string;
  to: string;
  path: string;
}

export interface ReportLatency {
  report: ReportName;
  days: number;
  /** cold: the first request after a server start; warm: repeated; under-ingest: warm, during ingest at 80%. */
  phase: 'cold' | 'warm' | 'under-ingest';
  stats: LatencyStats;
}

export const REPORT_DAYS = [30, 90] as const;

export function reportCases(endDate: string, business: string): ReportCase[] {
  return REPORT_DAYS.flatMap((days) => {
    const from = periodStart(endDate, days);
    const query = `from=${from}&to=${endDate}`;
    return [
      { report: 'overview' as const, days, from, to: endDate, path: `/v1/reports/overview?${query}` },
      { report: 'business' as const, days, from, to: endDate, path: `/v1/reports/businesses/${business}?${query}&granularity=day` },
      { report: 'residency' as const, days, from, to: endDate, path: `/v1/reports/residency?${query}` },
    ];
  });
}

/** Milliseconds from request to the last byte of a 200 reply. */
export async function timeReport(url: string, token: string, path: string): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const body = await res.text();
  const ms = performance.now() - started;
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${body.slice(0, 300)}`);
  return ms;
}

/**
 * Each case `runs` times, round-robin (so no case profits from having just run), after one
 * unmeasured request per case. Stops early when `stop` says so; cases with no run are left out.
 */
export async function warmLatencies(
  url: string, token: string, cases: readonly ReportCase[], runs: number, phase: ReportLatency['phase'], stop?: () => boolean,
): Promise<ReportLatency[]> {
  for (const c of cases) await timeReport(url, token, c.path);
  const times = cases.map(() => [] as number[]);
  const progress = new ProgressBar(runs * cases.length, { label: `report requests (${phase})` });
  let done = 0;
  for (let run = 0; run < runs && !stop?.(); run++) {
    for (const [i, c] of cases.entries()) {
      times[i]!.push(await timeReport(url, token, c.path));
      progress.update(++done);
    }
  }
  progress.finish();
  return cases.flatMap((c, i) => (times[i]!.length > 0 ? [{ report: c.report, days: c.days, phase, stats: latencyStats(times[i]!) }] : []));
}
