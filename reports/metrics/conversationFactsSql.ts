import { isoOfMs, type PeriodBounds } from '../period';
import type { Channel } from '../vocabulary';
import { literal, literalList, Params, type SqlQuery } from './sqlText';
import { MESSAGE_TYPES } from '../vocabulary';

/**
 * One row per customer-initiated conversation whose start falls in [startMs, endMs), with its
 * first response (SPEC 7). Pure: text and parameters only.
 *
 * - A conversation is customer-initiated when its earliest message.* event, over ALL time, is a
 *   message.received. When a message.received and another message.*
 *   event share the earliest instant, the conversation counts as customer-initiated (the
 *   customer's message is there at the start; there is no earlier business message).
 * - The start is that earliest message.received; the customer is that event's customer.
 * - The first response is the earliest message.sent with sender agent or bot at or after the
 *   start, at any time (also after the period: the answer belongs to the conversation, which
 *   belongs to the period of its start). automation replies never count.
 * ONE GROUP BY (business, conversation) over the message.* events, no join and no window:
 * - the start is the earliest message.received; the conversation qualifies when that is also its
 *   earliest message.* event and lies in [startMs, endMs). Its events after endMs cannot change
 *   either minimum for a start before endMs, so reading every event gives the same start as
 *   stopping at endMs did;
 * - the first response needs no join on the start: for a qualifying conversation the start is
 *   its earliest message.* event, so every agent/bot message.sent of it is "at or after the
 *   start", and the first response is simply the earliest of them.
 * (The previous shape, DISTINCT candidates + SEMI JOIN on the 64-character conversation
 * pseudonyms + a second join for the reply, took ~4 s for 90 days of 3M events.)
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
  const start = params.add(isoOfMs(scope.startMs));
  const end = params.add(isoOfMs(scope.endMs));
  const filters = [
    ...(scope.business === undefined ? [] : [`business = ${params.add(scope.business)}`]),
    ...(scope.channel === undefined ? [] : [`channel = ${params.add(scope.channel)}`]),
  ];
  const received = literal('message.received');
  const sql = `WITH conv AS (
  SELECT e.business, e.conversation,
         min(e.occurred_at) AS first_at,
         min(e.occurred_at) FILTER (WHERE e.type = ${received}) AS started_at,
         arg_min(e.customer, e.occurred_at) FILTER (WHERE e.type = ${received}) AS customer,
         arg_min(e.channel, e.occurred_at) FILTER (WHERE e.type = ${received}) AS channel,
         min(e.occurred_at) FILTER (WHERE e.type = ${literal('message.sent')} AND e.sender IN (${literalList(['agent', 'bot'])})) AS replied_at
  FROM events e
  WHERE e.type IN (${literalList(MESSAGE_TYPES)}) AND e.conversation IS NOT NULL${filters.map((f) => `\n    AND e.${f}`).join('')}
  GROUP BY e.business, e.conversation
)
SELECT business, channel, customer,
       CAST(epoch_us(started_at) AS DOUBLE) AS start_us,
       CAST(epoch_us(replied_at) AS DOUBLE) AS reply_us
FROM conv
WHERE started_at = first_at AND started_at >= CAST(${start} AS TIMESTAMPTZ) AND started_at < CAST(${end} AS TIMESTAMPTZ)
ORDER BY business, start_us`;
  return { sql, params: params.values };
}
