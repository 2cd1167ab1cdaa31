import { isoOfMs, type PeriodBounds } from '../period';
import type { Channel } from '../vocabulary';
import { literal, literalList, Params, type SqlQuery } from './sqlText';
import { MESSAGE_TYPES } from '../vocabulary';

/**
 * One row per customer-initiated conversation whose start falls in [startMs, endMs), with its
 * first response (SPEC 7). Pure: text and parameters only.
 *
 * - A conversation is customer-initiated when its earliest message.* event, over ALL time, is a
 *   message.received. Only events before endMs can be earlier than a start inside the window, so
 *   the scan stops there; and only conversations with a message.received inside the window can
 *   start in it, so those are the candidates. When a message.received and another message.*
 *   event share the earliest instant, the conversation counts as customer-initiated (the
 *   customer's message is there at the start; there is no earlier business message).
 * - The start is that earliest message.received; the customer is that event's customer.
 * - The first response is the earliest message.sent with sender agent or bot at or after the
 *   start, at any time (also after the period: the answer belongs to the conversation, which
 *   belongs to the period of its start). automation replies never count.
 * Two GROUP BYs and a join per business: no LEAD over all events.
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
  const and = filters.map((f) => `\n    AND ${f}`).join('');
  const sql = `WITH candidates AS (
  SELECT DISTINCT business, conversation FROM events
  WHERE type = ${literal('message.received')} AND conversation IS NOT NULL
    AND occurred_at >= CAST(${start} AS TIMESTAMPTZ) AND occurred_at < CAST(${end} AS TIMESTAMPTZ)${and}
),
conv AS (
  SELECT e.business, e.conversation,
         min(e.occurred_at) AS first_at,
         min(e.occurred_at) FILTER (WHERE e.type = ${literal('message.received')}) AS started_at,
         arg_min(e.customer, e.occurred_at) FILTER (WHERE e.type = ${literal('message.received')}) AS customer,
         arg_min(e.channel, e.occurred_at) FILTER (WHERE e.type = ${literal('message.received')}) AS channel
  FROM events e SEMI JOIN candidates c ON e.business = c.business AND e.conversation = c.conversation
  WHERE e.type IN (${literalList(MESSAGE_TYPES)}) AND e.occurred_at < CAST(${end} AS TIMESTAMPTZ)${filters.map((f) => `\n    AND e.${f}`).join('')}
  GROUP BY e.business, e.conversation
),
initiated AS (
  SELECT * FROM conv WHERE started_at = first_at AND started_at >= CAST(${start} AS TIMESTAMPTZ)
),
reply AS (
  SELECT e.business, e.conversation, min(e.occurred_at) AS replied_at
  FROM events e JOIN initiated i ON e.business = i.business AND e.conversation = i.conversation AND e.occurred_at >= i.started_at
  WHERE e.type = ${literal('message.sent')} AND e.sender IN (${literalList(['agent', 'bot'])})${filters.map((f) => `\n    AND e.${f}`).join('')}
  GROUP BY e.business, e.conversation
)
SELECT i.business, i.channel, i.customer,
       CAST(epoch_us(i.started_at) AS DOUBLE) AS start_us,
       CAST(epoch_us(r.replied_at) AS DOUBLE) AS reply_us
FROM initiated i LEFT JOIN reply r ON r.business = i.business AND r.conversation = i.conversation
ORDER BY i.business, start_us`;
  return { sql, params: params.values };
}
