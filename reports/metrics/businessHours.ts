import type { ScheduledBusiness } from '../../db/conversationTiming';
import type { OpenInterval } from '../../db/openingHoursSql';
import type { BusinessHours } from '../../db/registry';
import { DAY_MS } from '../period';

/**
 * Business-hours durations (the `frt_bh_*` variant): the seconds of [start, end) that fall
 * inside a business's weekly opening intervals, read as wall-clock times in its IANA time zone.
 *
 * The opening intervals are computed in TypeScript rather than in SQL: a local opening time is
 * turned into an instant with the zone's offset on that very day, so daylight-saving changes
 * (a 23- or 25-hour day) are exact, and this is a pure function tested without a database. The
 * report SQL then measures durations against those intervals (./conversationMetricsSql.ts);
 * secondsBetween is the same measure for one duration.
 *
 * Rules:
 * - Intervals are [open, close) in local time; "24:00" is the end of that local day.
 * - Overlapping or touching intervals of a day are merged, so no second counts twice.
 * - A wall time that does not exist (skipped by a spring-forward change) is read with the offset
 *   before the change, i.e. moved later by the gap; a wall time that occurs twice (autumn) is
 *   read as its earlier occurrence. This is Temporal's "compatible" disambiguation, and what
 *   DuckDB's ICU `timezone()` does.
 */

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Minutes after local midnight of "HH:MM" (00:00..24:00). */
export function minutesOf(time: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(time);
  const minutes = m ? Number(m[1]) * 60 + Number(m[2]) : Number.NaN;
  if (!m || Number(m[2]) > 59 || minutes > 24 * 60) throw new Error(`not a time of day: ${time}`);
  return minutes;
}

/** A day's intervals in minutes, sorted and merged. */
export function mergedIntervals(intervals: readonly (readonly [string, string])[]): [number, number][] {
  const sorted = intervals
    .map(([open, close]) => [minutesOf(open), minutesOf(close)] as [number, number])
    .filter(([open, close]) => close > open)
    .sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [open, close] of sorted) {
    const last = merged.at(-1);
    if (last && open <= last[1]) last[1] = Math.max(last[1], close);
    else merged.push([open, close]);
  }
  return merged;
}

/** Weekday of a day number, Monday = 0 (1970-01-01 was a Thursday). */
export const weekdayOfDay = (day: number) => (((day + 3) % 7) + 7) % 7;

const QUARTER_HOUR_MS = 15 * 60_000;
const MAX_CACHED_SLOTS = 200_000;
const offsetCaches = new Map<string, Map<number, number>>();

function offsetCache(timeZone: string): Map<number, number> {
  let cache = offsetCaches.get(timeZone);
  if (!cache) {
    cache = new Map();
    offsetCaches.set(timeZone, cache);
  }
  return cache;
}

export class BusinessCalendar {
  readonly #weekly: [number, number][][];
  readonly #parts: Intl.DateTimeFormat;
  readonly #days = new Map<number, [number, number][]>();

  constructor(
    readonly timeZone: string,
    hours: BusinessHours,
  ) {
    this.#weekly = WEEKDAYS.map((d) => mergedIntervals(hours[d] ?? []));
    // Throws a RangeError for an unknown zone; the registry validates zones on the way in.
    this.#parts = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
  }

  /** True when the week has no opening hours at all. */
  get alwaysClosed(): boolean {
    return this.#weekly.every((d) => d.length === 0);
  }

  /** Wall-clock fields of an instant in the zone, as ms if they were UTC. */
  #wallMs(ms: number): number {
    const p: Record<string, number> = {};
    for (const part of this.#parts.formatToParts(new Date(ms))) if (part.type !== 'literal') p[part.type] = Number(part.value);
    return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour! % 24, p.minute!, p.second!);
  }

  /**
   * The zone's offset from UTC (ms) at an instant. Formatting a date in a zone costs ~10 µs, and
   * a report asks for the offsets of tens of thousands of instants, so offsets are remembered per
   * quarter hour: today's zones change their offset only on quarter-hour boundaries.
   */
  offsetAt(ms: number): number {
    const slot = Math.floor(ms / QUARTER_HOUR_MS);
    const cache = offsetCache(this.timeZone);
    let offset = cache.get(slot);
    if (offset === undefined) {
      const start = slot * QUARTER_HOUR_MS;
      offset = this.#wallMs(start) - start;
      if (cache.size >= MAX_CACHED_SLOTS) cache.clear();
      cache.set(slot, offset);
    }
    return offset;
  }

  /** The local calendar day (as a day number) of an instant. */
  localDayOf(ms: number): number {
    return Math.floor((ms + this.offsetAt(ms)) / DAY_MS);
  }

  /** The instant of a local wall time, given as ms-as-if-UTC ("compatible" disambiguation). */
  instantOfWall(wallMs: number): number {
    const before = this.offsetAt(wallMs - DAY_MS);
    const after = this.offsetAt(wallMs + DAY_MS);
    const early = wallMs - before;
    const late = wallMs - after;
    const earlyValid = this.offsetAt(early) === before;
    const lateValid = this.offsetAt(late) === after;
    if (earlyValid && lateValid) return Math.min(early, late);
    if (earlyValid) return early;
    if (lateValid) return late;
    return early; // in a gap: the offset before the change moves the time later
  }

  /** The opening intervals of one local day, as [open, close) instants (ms). */
  openIntervalsOfDay(day: number): [number, number][] {
    let cached = this.#days.get(day);
    if (!cached) {
      const base = day * DAY_MS;
      cached = this.#weekly[weekdayOfDay(day)]!.map(([open, close]) => [
        this.instantOfWall(base + open * 60_000),
        this.instantOfWall(base + close * 60_000),
      ]);
      this.#days.set(day, cached);
    }
    return cached;
  }

  /**
   * Every opening interval that can overlap [fromMs, toMs), in order, with the open seconds of
   * the ones before it: what SQL needs to compute durations (./conversationMetricsSql.ts).
   */
  openIntervalsCovering(fromMs: number, toMs: number): { openMs: number; closeMs: number; secondsBefore: number }[] {
    const intervals: { openMs: number; closeMs: number; secondsBefore: number }[] = [];
    let secondsBefore = 0;
    const last = this.localDayOf(toMs) + 1;
    for (let day = this.localDayOf(fromMs) - 1; day <= last; day++) {
      for (const [openMs, closeMs] of this.openIntervalsOfDay(day)) {
        if (!(closeMs > openMs)) continue;
        intervals.push({ openMs, closeMs, secondsBefore });
        secondsBefore += (closeMs - openMs) / 1000;
      }
    }
    return intervals;
  }

  /** Seconds of [startMs, endMs) inside opening hours. */
  secondsBetween(startMs: number, endMs: number): number {
    if (!(endMs > startMs) || this.alwaysClosed) return 0;
    let total = 0;
    // An interval of local day D lies within D's local bounds, so only the days from the start's
    // local day to the end's can overlap.
    const last = this.localDayOf(endMs);
    for (let day = this.localDayOf(startMs); day <= last; day++) {
      for (const [open, close] of this.openIntervalsOfDay(day)) {
        const overlap = Math.min(close, endMs) - Math.max(open, startMs);
        if (overlap > 0) total += overlap;
      }
    }
    return total / 1000;
  }
}

/** A business's opening intervals that can overlap [fromMs, untilMs), as the SQL of db/openingHoursSql.ts takes them. */
export function openIntervalsOf(business: ScheduledBusiness, fromMs: number, untilMs: number): OpenInterval[] {
  return new BusinessCalendar(business.timezone, business.businessHours).openIntervalsCovering(fromMs, untilMs)
    .map((interval) => ({ business: business.id, ...interval }));
}

/** Convenience for one duration; build one BusinessCalendar to reuse its cache for many. */
export function businessSecondsBetween(startMs: number, endMs: number, timeZone: string, hours: BusinessHours): number {
  return new BusinessCalendar(timeZone, hours).secondsBetween(startMs, endMs);
}
