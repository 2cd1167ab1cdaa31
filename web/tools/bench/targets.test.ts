import { describe, expect, it } from 'vitest';
import { reportLatencyTarget } from './targets';

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
