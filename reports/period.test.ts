import { describe, expect, it } from 'vitest';
import { quantileCont } from './metrics/quantile';
import { bucketsOf, dayNumber, isIsoDate, periodBounds, trailingWindow, weekStartDay } from './period';

describe('periods', () => {
  it('validates real dates and turns a period into [from 00:00Z, to+1 00:00Z)', () => {
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2028-02-29')).toBe(true);
    expect(isIsoDate('2026-1-01')).toBe(false);
    const b = periodBounds({ from: '2026-03-02', to: '2026-03-08' });
    expect(new Date(b.startMs).toISOString()).toBe('2026-03-02T00:00:00.000Z');
    expect(new Date(b.endMs).toISOString()).toBe('2026-03-09T00:00:00.000Z');
    expect(trailingWindow('2026-03-08', 7)).toEqual({ from: '2026-03-02', to: '2026-03-08' });
  });

  it('buckets ISO weeks from Monday, clipped to the period', () => {
    expect(weekStartDay(dayNumber('2026-03-08'))).toBe(dayNumber('2026-03-02'));
    expect(weekStartDay(dayNumber('2026-03-02'))).toBe(dayNumber('2026-03-02'));
    expect(bucketsOf({ from: '2026-03-04', to: '2026-03-17' }, 'week').map((b) => [b.from, b.to])).toEqual([
      ['2026-03-04', '2026-03-08'], ['2026-03-09', '2026-03-15'], ['2026-03-16', '2026-03-17'],
    ]);
    expect(bucketsOf({ from: '2026-03-04', to: '2026-03-05' }, 'day').map((b) => b.from)).toEqual(['2026-03-04', '2026-03-05']);
  });
});

describe('quantile_cont', () => {
  it('interpolates linearly between ranks', () => {
    expect(quantileCont([], 0.5)).toBeNull();
    expect(quantileCont([7], 0.9)).toBe(7);
    expect(quantileCont([10, 1, 2], 0.5)).toBe(2);
    // h = 0.9 * 3 = 2.7 -> 3 + 0.7 * (10 - 3)
    expect(quantileCont([1, 2, 3, 10], 0.9)).toBeCloseTo(7.9, 12);
  });
});
