/**
 * Report periods: `from`..`to` are UTC calendar dates, both inclusive, so a period
 * covers the instants [from 00:00Z, to+1 00:00Z). Days are counted as whole UTC days since the
 * epoch ("day numbers"), which lets SQL and TypeScript bucket the same way without any
 * time-zone setting of the database session.
 */

export const DAY_MS = 86_400_000;
export const DAY_US = 86_400_000_000;

export interface Period {
  /** YYYY-MM-DD, inclusive. */
  from: string;
  /** YYYY-MM-DD, inclusive. */
  to: string;
}

export type Granularity = 'day' | 'week';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a YYYY-MM-DD string naming a real calendar date. */
export function isIsoDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** Days since 1970-01-01 (UTC) of a YYYY-MM-DD date. */
export function dayNumber(date: string): number {
  if (!isIsoDate(date)) throw new Error(`not a date: ${date}`);
  return Date.parse(`${date}T00:00:00Z`) / DAY_MS;
}

export function dateOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The UTC day an instant (ms since the epoch) falls in. */
export const dayOfMs = (ms: number) => Math.floor(ms / DAY_MS);

/** Monday of the ISO week of a day number (1970-01-01 was a Thursday). */
export const weekStartDay = (day: number) => day - ((((day + 3) % 7) + 7) % 7);

export interface PeriodBounds {
  /** First instant of the period, ms since the epoch. */
  startMs: number;
  /** First instant after the period (exclusive), ms since the epoch. */
  endMs: number;
}

export function periodBounds(period: Period): PeriodBounds {
  return { startMs: dayNumber(period.from) * DAY_MS, endMs: (dayNumber(period.to) + 1) * DAY_MS };
}

export const isoOfMs = (ms: number) => new Date(ms).toISOString();

/** The period of `days` days ending with (and including) `to`: the very-responsive window. */
export function trailingWindow(to: string, days: number): Period {
  return { from: dateOfDay(dayNumber(to) - days + 1), to };
}

export interface Bucket extends Period {
  /**
   * The bucket's key as SQL computes it: the day number of the day, or of the Monday of the
   * ISO week. Weeks are clipped to the period, so `from` may be later than the key's date.
   */
  key: number;
}

/** Every day or ISO week (Monday to Sunday) of the period, clipped to it, empty ones included. */
export function bucketsOf(period: Period, granularity: Granularity): Bucket[] {
  const first = dayNumber(period.from);
  const last = dayNumber(period.to);
  const buckets: Bucket[] = [];
  if (granularity === 'day') {
    for (let d = first; d <= last; d++) buckets.push({ key: d, from: dateOfDay(d), to: dateOfDay(d) });
    return buckets;
  }
  for (let monday = weekStartDay(first); monday <= last; monday += 7) {
    buckets.push({ key: monday, from: dateOfDay(Math.max(monday, first)), to: dateOfDay(Math.min(monday + 6, last)) });
  }
  return buckets;
}

export function bucketKeyOfDay(day: number, granularity: Granularity): number {
  return granularity === 'day' ? day : weekStartDay(day);
}
