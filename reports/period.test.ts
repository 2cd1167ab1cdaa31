import { describe, expect, it } from 'vitest';
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
