import { describe, expect, it } from 'vitest';
import { checkTargets, reportLatencyTarget } from './targets';

describe('reportLatencyTarget', () => {
  it('holds runs below 50M events to the 10M target, and runs of about 50M to the 50M one', () => {
    expect(reportLatencyTarget(1_000_000)).toEqual({ limitMs: 150, scale: '10M' });
    expect(reportLatencyTarget(10_000_000)).toEqual({ limitMs: 150, scale: '10M' });
    // A bench --database run on an 11.5M-event file: still the 150 ms target.
    expect(reportLatencyTarget(11_533_429)).toEqual({ limitMs: 150, scale: '10M' });
    // A 50M run (counted as generated; a kept file may hold a few more or less).
    expect(reportLatencyTarget(47_500_000)).toEqual({ limitMs: 1000, scale: '50M' });
    expect(reportLatencyTarget(54_315_500)).toEqual({ limitMs: 1000, scale: '50M' });
  });
});

describe('checkTargets', () => {
  const run = (eventsPerSec: number, peakRssGiB: number, eventsStored: number) => checkTargets({
    dataset: { events: eventsStored },
    httpIngest: { eventsPerSec, ratioToBestLimit: eventsPerSec / 400_000 },
    reports: [],
    postgres: { skipped: 'not asked' },
    server: { startSeconds: [1.5], peakRssBytes: peakRssGiB * 2 ** 30, eventsStored },
  } as unknown as Parameters<typeof checkTargets>[0]);
  const verdict = (checks: ReturnType<typeof checkTargets>, start: string) => checks.find((c) => c.target.startsWith(start))?.holds;

  it('holds HTTP ingest to 125k events/s, and prints the moonshot ratio beside it', () => {
    expect(verdict(run(126_000, 1, 1e6), 'HTTP ingest >= 125k')).toBe(true);
    expect(verdict(run(124_000, 1, 1e6), 'HTTP ingest >= 125k')).toBe(false);
    expect(verdict(run(124_000, 1, 1e6), 'HTTP ingest >= 50%')).toBe(false);
  });

  it('holds peak RSS to 1.5 GiB, judged only at 50M events', () => {
    expect(verdict(run(1, 1.6, 50_000_000), 'server peak RSS < 1.5 GiB')).toBe(false);
    expect(verdict(run(1, 1.4, 50_000_000), 'server peak RSS < 1.5 GiB')).toBe(true);
    expect(verdict(run(1, 1.6, 10_000_000), 'server peak RSS < 1.5 GiB')).toBeUndefined();
  });
});
