/**
 * Business-hours durations in SQL, shared by the reports (reports/metrics/conversationMetricsSql.ts)
 * and the stored timing of conversations (./conversationTiming.ts), so both measure with the same
 * arithmetic. TypeScript computes each business's opening intervals per local day in its time zone
 * (reports/metrics/businessHours.ts, exact across DST changes) and passes them with, for each
 * interval, the open seconds of all intervals before it. The open seconds up to an instant are then
 * one join (the last interval opening at or before it), and a duration is the difference of two.
 */

import { SAFE_SQL_TEXT } from './safeSqlText';

const DAY_MS = 86_400_000;

export interface OpenInterval {
  business: string;
  openMs: number;
  closeMs: number;
  /** Open seconds of this business's intervals before this one (in the list). */
  secondsBefore: number;
}

const FOREVER_US = '9223372036854775807';

/**
 * The opening intervals as segments [open, next open of the same business), one row per UTC day
 * each segment overlaps: the segment holding an instant is found by an equi-join on (business,
 * day) and a range test among the day's one to three segments. The last segment of a business
 * reaches `untilMs`, the latest instant looked up. The rows travel as one comma-separated text
 * parameter per column, unnested in SQL: a VALUES list of the ~2,000 rows of a 90-day overview
 * took DuckDB ~100 ms to parse and bind, the parameters under 2 ms.
 */
const HOURS_COLUMNS = {
  business: 'VARCHAR', day: 'BIGINT', open_us: 'BIGINT', close_us: 'BIGINT', next_open_us: 'BIGINT', seconds_before: 'DOUBLE',
} as const;
type HoursColumn = keyof typeof HOURS_COLUMNS;

/** The segments as a SELECT, its values bound through `param` (which returns the placeholder). */
export function openSegmentsSql(hours: readonly OpenInterval[], untilMs: number, param: (value: string) => string): string {
  const names = Object.keys(HOURS_COLUMNS) as HoursColumn[];
  const columns = Object.fromEntries(names.map((name) => [name, [] as (string | number)[]])) as Record<HoursColumn, (string | number)[]>;
  hours.forEach((h, i) => {
    if (!SAFE_SQL_TEXT.test(h.business)) throw new Error(`not a business id: ${JSON.stringify(h.business).slice(0, 80)}`);
    const next = hours[i + 1]?.business === h.business ? hours[i + 1]!.openMs : undefined;
    const lastDay = Math.floor(((next ?? Math.max(untilMs, h.closeMs) + 1) - 1) / DAY_MS);
    for (let day = Math.floor(h.openMs / DAY_MS); day <= lastDay; day++) {
      columns.business.push(h.business);
      columns.day.push(day);
      columns.open_us.push(Math.round(h.openMs) * 1000);
      columns.close_us.push(Math.round(h.closeMs) * 1000);
      columns.next_open_us.push(next === undefined ? FOREVER_US : Math.round(next) * 1000);
      columns.seconds_before.push(Number(h.secondsBefore));
    }
  });
  if (columns.day.length === 0) return `SELECT ${names.map((name) => `NULL::${HOURS_COLUMNS[name]} AS ${name}`).join(', ')} WHERE false`;
  return `SELECT ${names.map((name) =>
    `unnest(string_split(${param(columns[name].join(','))}, ','))::${HOURS_COLUMNS[name]} AS ${name}`).join(',\n         ')}`;
}

/** The segment of `h` (the segments) holding the instant `at` (µs) of a row of `c`, as a join condition. */
export const segmentHolding = (h: string, c: string, at: string) =>
  `${c}.business = ${h}.business AND ${h}.day = ${at} // ${DAY_MS * 1000} AND ${at} >= ${h}.open_us AND ${at} < ${h}.next_open_us`;

/**
 * Open seconds up to an instant: those before the last interval opening at or before it (the
 * segment `h` holding it), plus its part of that interval; none before the first interval.
 */
export const openSecondsUpTo = (h: string, at: string) => `coalesce(${h}.seconds_before + (least(${at}, ${h}.close_us) - ${h}.open_us) / 1e6, 0)`;

/**
 * A business-hours duration from the open seconds up to its end and up to its start. Rounded to
 * the microsecond the instants have: the two sums grow with the day the intervals are counted
 * from (a period's start, a badge window's, the stored timing's), and their difference would
 * otherwise differ in the last bits between two such origins.
 */
export const businessSecondsSql = (upToEnd: string, upToStart: string) => `round(${upToEnd} - ${upToStart}, 6)`;
