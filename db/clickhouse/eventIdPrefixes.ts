import type { ClickHouseClient } from './clickhouseClient';
import { EVENTS_TABLE } from './schema';
import { literal } from './sqlLiteral';

/**
 * The first 64 bits of every stored event pseudonym (64 hex digits), as two unsigned 32-bit
 * halves, each event once (FINAL), for the writer's idempotency index (db/eventStore.ts does the
 * same on DuckDB). Read in slices that each fit one reply: per business and month partition
 * (copies of an event share both, so FINAL within a slice collapses them), and a large slice
 * again by ranges of its ids' first 8 hex digits, which the (business, event_id) key finds
 * without a scan.
 */

// Rows per reply, roughly: about 25 bytes of JSON each.
const ROWS_PER_SLICE = 500_000;
const HALF = (from: number) => `reinterpretAsUInt32(reverse(unhex(substring(event_id, ${from}, 8))))`;

/** Bounds splitting the 32-bit space of the first 8 hex digits into `parts` ranges; the first and last are open. */
export function idRanges(parts: number): { from?: string; to?: string }[] {
  const bound = (i: number) => Math.floor((i * 2 ** 32) / parts).toString(16).padStart(8, '0');
  return Array.from({ length: parts }, (_, i) => ({
    ...(i === 0 ? {} : { from: bound(i) }),
    ...(i === parts - 1 ? {} : { to: bound(i + 1) }),
  }));
}

export async function forEachEventIdPrefix(
  client: ClickHouseClient, onChunk: (high: readonly number[], low: readonly number[]) => void, rowsPerSlice = ROWS_PER_SLICE,
): Promise<void> {
  const slices = await client.query<{ business: string; month: number; n: number }>(
    `SELECT business, toYYYYMM(occurred_at) AS month, count() AS n FROM ${EVENTS_TABLE} GROUP BY business, month ORDER BY business, month`,
  );
  for (const slice of slices) {
    const inSlice = `business = ${literal(slice.business)} AND toYYYYMM(occurred_at) = ${literal(Number(slice.month))}`;
    for (const range of idRanges(Math.max(1, Math.ceil(Number(slice.n) / rowsPerSlice)))) {
      const bounds = [range.from && `event_id >= ${literal(range.from)}`, range.to && `event_id < ${literal(range.to)}`].filter(Boolean);
      const rows = await client.query<{ h: number; l: number }>(
        `SELECT ${HALF(1)} AS h, ${HALF(9)} AS l FROM ${EVENTS_TABLE} FINAL WHERE ${[inSlice, ...bounds].join(' AND ')}`,
      );
      if (rows.length > 0) onChunk(rows.map((r) => r.h), rows.map((r) => r.l));
    }
  }
}
