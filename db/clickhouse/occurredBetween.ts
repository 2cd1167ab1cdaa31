/**
 * The conditions selecting the events that happened in [startMs, endMs): occurred_at (whole
 * seconds, the partition key) lets ClickHouse skip months, occurred_us is the exact instant. The
 * occurred_at bounds are the seconds holding the instants, so they never leave out an event the
 * occurred_us bounds take.
 */
export function occurredBetween(startMs: number, endMs: number): string[] {
  if (!(Number.isInteger(startMs) && Number.isInteger(endMs) && endMs > startMs)) throw new Error('a period of whole milliseconds, end after start');
  return [
    `occurred_at >= toDateTime(${Math.floor(startMs / 1000)}, 'UTC')`,
    `occurred_at < toDateTime(${Math.ceil(endMs / 1000)}, 'UTC')`,
    `occurred_us >= ${startMs * 1000}`,
    `occurred_us < ${endMs * 1000}`,
  ];
}
