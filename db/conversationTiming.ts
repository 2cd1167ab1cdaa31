import { createHash } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { BusinessHours, BusinessRecord } from './registry';
import { businessSecondsSql, openSecondsUpTo, openSegmentsSql, segmentHolding, type OpenInterval } from './openingHoursSql';

/**
 * The stored business-hours first response time of conversation_facts (frt_bh_s, and the hours
 * it was measured against: frt_bh_hours_key). Reports read it instead of joining every
 * conversation of their period to the opening hours twice (at 10M events, about a third of the
 * conversation metrics' time), and time at query time only the conversations it does not cover:
 * those combined or derived since the last timing (their key is NULL), and all of them after the
 * hours changed (their key is an older one). So a stored value is only ever a shortcut to
 * the figure the query would compute, never a different one.
 */

/** What the stored timing of a business's conversations rests on: its registry entry's hours. */
export type ScheduledBusiness = Pick<BusinessRecord, 'id' | 'timezone' | 'businessHours'>;

/**
 * The registry's opening hours as a number: the first 48 bits of a SHA-256 of every business's
 * id, time zone and weekly hours (a safe integer in JavaScript, a BIGINT in SQL). A stored timing
 * counts only under the current key, so a report tells a usable one by one integer comparison; a
 * change to any business's hours, or a business added or removed, has every conversation timed
 * again (in the background; reports time them meanwhile).
 */
export function hoursKeyOf(businesses: readonly ScheduledBusiness[]): number {
  const canonical = [...businesses]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((b) => [b.id, b.timezone, (Object.keys(b.businessHours) as (keyof BusinessHours)[]).sort().map((day) => [day, b.businessHours[day]])]);
  return createHash('sha256').update(JSON.stringify(canonical)).digest().readUIntBE(0, 6);
}

/** Conversations that need a stored timing: customer-initiated and answered, timed under other hours or none. */
const UNTIMED = `business = $1 AND started_at = first_at AND replied_at IS NOT NULL AND frt_bh_hours_key IS DISTINCT FROM $2`;

export interface UntimedSpan {
  /** The earliest start and the latest first reply (ms) of the conversations to time. */
  fromMs: number;
  toMs: number;
  rows: number;
}

/** What timeConversations would time for this business and key; undefined when nothing. */
export async function untimedSpan(connection: DuckDBConnection, business: string, hoursKey: number): Promise<UntimedSpan | undefined> {
  const reader = await connection.runAndReadAll(
    `SELECT epoch_ms(min(started_at))::DOUBLE, epoch_ms(max(replied_at))::DOUBLE, count(*)::DOUBLE FROM conversation_facts WHERE ${UNTIMED}`,
    [business, hoursKey],
  );
  const [fromMs, toMs, rows] = reader.getRowsJson()[0]!.map(Number) as [number, number, number];
  return rows > 0 ? { fromMs, toMs, rows } : undefined;
}

export interface ConversationTiming {
  business: string;
  hoursKey: number;
  /** The business's opening intervals covering [fromMs, untilMs] (secondsBefore counted from their first). */
  intervals: readonly OpenInterval[];
  /** What the intervals cover: conversations that start before or answer after it are left untimed. */
  fromMs: number;
  untilMs: number;
}

/**
 * Stores the business-hours first response time of the business's conversations that need one,
 * measured as the reports measure it (./openingHoursSql.ts), with the key of the hours used.
 * Returns the rows timed. One UPDATE: its own transaction, or the caller's.
 */
export async function timeConversations(connection: DuckDBConnection, timing: ConversationTiming): Promise<number> {
  const params: (string | number)[] = [timing.business, timing.hoursKey, timing.fromMs, timing.untilMs];
  const param = (value: string) => `$${params.push(value)}`;
  const segments = openSegmentsSql(timing.intervals.filter((i) => i.business === timing.business), timing.untilMs, param);
  const result = await connection.run(`UPDATE conversation_facts SET frt_bh_s = timed.frt_bh_s, frt_bh_hours_key = $2
FROM (
  WITH hours AS (
    ${segments}
  ),
  conv AS (
    SELECT business, conversation, epoch_us(started_at) AS start_us, epoch_us(replied_at) AS reply_us
    FROM conversation_facts
    WHERE ${UNTIMED} AND started_at >= make_timestamptz($3::BIGINT * 1000) AND replied_at <= make_timestamptz($4::BIGINT * 1000)
  ),
  at_start AS (
    SELECT c.*, ${openSecondsUpTo('h', 'c.start_us')} AS open_before_start
    FROM conv c LEFT JOIN hours h ON ${segmentHolding('h', 'c', 'c.start_us')}
  )
  SELECT c.business, c.conversation, ${businessSecondsSql(openSecondsUpTo('h', 'c.reply_us'), 'c.open_before_start')} AS frt_bh_s
  FROM at_start c LEFT JOIN hours h ON ${segmentHolding('h', 'c', 'c.reply_us')}
) AS timed
WHERE conversation_facts.business = timed.business AND conversation_facts.conversation = timed.conversation`, params as never);
  return Number(result.rowsChanged);
}
