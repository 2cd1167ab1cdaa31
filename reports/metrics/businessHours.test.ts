import { describe, expect, it } from 'vitest';
import { BusinessCalendar, businessSecondsBetween, mergedIntervals } from './businessHours';

const WEEKDAYS_9_17 = { mon: [['09:00', '17:00']], tue: [['09:00', '17:00']], wed: [['09:00', '17:00']], thu: [['09:00', '17:00']], fri: [['09:00', '17:00']] } as const;
const hours = WEEKDAYS_9_17 as unknown as Parameters<typeof businessSecondsBetween>[3];
const ms = (iso: string) => Date.parse(iso);
const H = 3600;

describe('business-hours seconds', () => {
  it('counts only the open part of a span inside one day (UTC)', () => {
    // Mon 2026-03-02 08:00 -> 10:30 UTC: open from 09:00 -> 1.5 h.
    expect(businessSecondsBetween(ms('2026-03-02T08:00:00Z'), ms('2026-03-02T10:30:00Z'), 'UTC', hours)).toBe(1.5 * H);
    // Entirely after closing.
    expect(businessSecondsBetween(ms('2026-03-02T17:00:00Z'), ms('2026-03-02T23:00:00Z'), 'UTC', hours)).toBe(0);
    // End before start.
    expect(businessSecondsBetween(ms('2026-03-02T12:00:00Z'), ms('2026-03-02T11:00:00Z'), 'UTC', hours)).toBe(0);
  });

  it('skips a weekend', () => {
    // Fri 2026-03-06 16:00 -> Mon 2026-03-09 10:00 UTC: Fri 1 h + Mon 1 h.
    expect(businessSecondsBetween(ms('2026-03-06T16:00:00Z'), ms('2026-03-09T10:00:00Z'), 'UTC', hours)).toBe(2 * H);
    // A span wholly inside the weekend.
    expect(businessSecondsBetween(ms('2026-03-07T09:00:00Z'), ms('2026-03-08T17:00:00Z'), 'UTC', hours)).toBe(0);
    // Two full weeks: 10 working days x 8 h.
    expect(businessSecondsBetween(ms('2026-03-02T00:00:00Z'), ms('2026-03-16T00:00:00Z'), 'UTC', hours)).toBe(80 * H);
  });

  it('reads the opening hours in the business time zone', () => {
    // 07:30Z -> 08:30Z is 08:30 -> 09:30 in Berlin (CET, +1): 30 min open there, none in UTC.
    expect(businessSecondsBetween(ms('2026-03-02T07:30:00Z'), ms('2026-03-02T08:30:00Z'), 'Europe/Berlin', hours)).toBe(1800);
    expect(businessSecondsBetween(ms('2026-03-02T07:30:00Z'), ms('2026-03-02T08:30:00Z'), 'UTC', hours)).toBe(0);
    // Kolkata (+05:30): 09:00 local is 03:30Z.
    expect(businessSecondsBetween(ms('2026-03-02T03:00:00Z'), ms('2026-03-02T04:00:00Z'), 'Asia/Kolkata', hours)).toBe(1800);
  });

  it('stays exact across a weekend with a daylight-saving change', () => {
    // New York: Fri 2026-03-06 16:00 EST = 21:00Z; Mon 2026-03-09 10:00 EDT = 14:00Z (DST from Sun 03-08).
    expect(businessSecondsBetween(ms('2026-03-06T21:00:00Z'), ms('2026-03-09T14:00:00Z'), 'America/New_York', hours)).toBe(2 * H);
    // Monday 09:00 EDT is 13:00Z, not 14:00Z: from 13:00Z to 14:00Z is one open hour.
    expect(businessSecondsBetween(ms('2026-03-09T13:00:00Z'), ms('2026-03-09T14:00:00Z'), 'America/New_York', hours)).toBe(H);
    // Berlin's autumn change (Sun 2026-10-25) makes a 25-hour day: open all Sunday -> 90000 s.
    const sunday = { sun: [['00:00', '24:00']] } as unknown as typeof hours;
    expect(businessSecondsBetween(ms('2026-10-24T00:00:00Z'), ms('2026-10-27T00:00:00Z'), 'Europe/Berlin', sunday)).toBe(25 * H);
    // Spring (Sun 2026-03-29) is a 23-hour day.
    expect(businessSecondsBetween(ms('2026-03-28T00:00:00Z'), ms('2026-03-31T00:00:00Z'), 'Europe/Berlin', sunday)).toBe(23 * H);
  });

  it('merges overlapping intervals and honours split days', () => {
    expect(mergedIntervals([['13:00', '17:00'], ['09:00', '12:00'], ['11:00', '13:30']])).toEqual([[540, 1020]]);
    const split = { mon: [['09:00', '12:00'], ['14:00', '18:00']] } as unknown as typeof hours;
    // Mon 08:00 -> 20:00 UTC: 3 h + 4 h.
    expect(businessSecondsBetween(ms('2026-03-02T08:00:00Z'), ms('2026-03-02T20:00:00Z'), 'UTC', split)).toBe(7 * H);
  });

  it('counts nothing for a business without hours, and caches days', () => {
    const closed = new BusinessCalendar('UTC', {});
    expect(closed.secondsBetween(ms('2026-03-02T00:00:00Z'), ms('2026-04-02T00:00:00Z'))).toBe(0);
    const cal = new BusinessCalendar('Europe/Dublin', hours);
    expect(cal.secondsBetween(ms('2026-03-02T09:00:00Z'), ms('2026-03-02T09:00:30.500Z'))).toBe(30.5);
  });
});
