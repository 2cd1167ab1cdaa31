import { isoOfMs, type PeriodBounds } from '../period';
import type { Channel } from '../vocabulary';
import { Params, type SqlQuery } from './sqlText';

/**
 * One row per customer-initiated conversation whose start falls in [startMs, endMs), with its
 * first response (SPEC 7). Pure: text and parameters only.
 *
 * Reads `conversation_facts` (db/conversationFacts.ts), one row per conversation merged at write
 * time, never the events: the earliest message.* event (first_at), the earliest
 * message.received with its customer and channel (started_at), and the earliest agent/bot
 * message.sent (replied_at), each over all time.
 * - A conversation is customer-initiated when its earliest message.* event is a
 *   message.received: started_at = first_at (a message.received sharing the earliest instant
 *   with another message.* event counts: the customer's message is there at the start).
 * - Its first response is the earliest agent/bot message.sent at or after the start: for a
 *   customer-initiated conversation every message.* event is at or after the start, so that is
 *   replied_at. automation replies never count.
 * - A channel filter keeps the conversations whose start was on that channel.
 */

export interface ConversationScope extends PeriodBounds {
  business?: string;
  channel?: Channel;
}

/** A row as the query returns it: instants as microseconds since the epoch (DOUBLE: exact up to 2^53). */
export interface ConversationFactRow {
  business: string;
  channel: string;
  customer: string;
  start_us: number;
  reply_us: number | null;
}

export function compileConversationFacts(scope: ConversationScope): SqlQuery {
  const params = new Params();
  const filters = [
    'started_at = first_at',
    `started_at >= CAST(${params.add(isoOfMs(scope.startMs))} AS TIMESTAMPTZ)`,
    `started_at < CAST(${params.add(isoOfMs(scope.endMs))} AS TIMESTAMPTZ)`,
    ...(scope.business === undefined ? [] : [`business = ${params.add(scope.business)}`]),
    ...(scope.channel === undefined ? [] : [`channel = ${params.add(scope.channel)}`]),
  ];
  const sql = `SELECT business, channel, customer,
       CAST(epoch_us(started_at) AS DOUBLE) AS start_us,
       CAST(epoch_us(replied_at) AS DOUBLE) AS reply_us
FROM conversation_facts
WHERE ${filters.join('\n  AND ')}
ORDER BY business, start_us`;
  return { sql, params: params.values };
}
