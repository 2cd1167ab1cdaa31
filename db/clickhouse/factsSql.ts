import { PLATFORM_LIMIT_CODES } from '../messageFacts';
import { occurredBetween } from './occurredBetween';
import { EVENTS_TABLE } from './schema';
import { literal } from './sqlLiteral';

/**
 * The report facts of db/messageFacts.ts, computed at read time from the ClickHouse events table
 * (./schema.ts), which keeps no derived tables: one row per message from all of its events
 * (a status may arrive days after the send). The same definition as
 * messageFactsFromEvents there, in SQL that ClickHouse 18.16 and 26.x both accept:
 *
 * - A send without a platform message id is its own message, keyed by its event id.
 * - Columns of the earliest send come from one argMinIf over a tuple: argMin over a Nullable
 *   column skips NULLs (a send without a category would take another send's), a tuple never is
 *   NULL. A message with no send has NULL there (not the tuple's defaults).
 * - "Is there one" is a count > 0 (UInt8), not minIf's value: minIf over no row is 0, not NULL.
 * - No -If aggregate over a Nullable column: on 18.16, minIf(category, cond) gives '' instead of
 *   NULL when no row meets cond but some other row has a category. min(if(cond, x, NULL)) instead.
 */

export interface MessageFactsScope {
  /** Only this business's messages; undefined: every business. */
  business?: string;
  /**
   * Only the messages with a send or failure, or the conversations with a received message, in
   * this period (ms, [start, end)); all of their events, of any date, still make their facts.
   * The reports ask for a period's messages and conversations; this keeps the grouping to them
   * instead of every message ever stored.
   */
  period?: { startMs: number; endMs: number };
}

/**
 * No FINAL in the fact queries: every aggregate they take (min, max, argMin, "is there one")
 * gives the same with a copy of an event counted twice, since copies are the same event (see
 * ./schema.ts); FINAL's merge of every part would double their cost.
 *
 * The period's keys, as a semi-join on the events of the period: read on each shard from its own
 * table (the reads run with distributed_product_mode = 'local'), where the business's keys all are.
 */
function periodKeys(key: string, types: readonly string[], period: MessageFactsScope['period']): string[] {
  if (period === undefined) return [];
  const bounds = occurredBetween(period.startMs, period.endMs);
  return [`(business, ${key}) IN (SELECT business, ${key} FROM ${EVENTS_TABLE} WHERE type IN (${types.map((t) => literal(t)).join(', ')}) AND ${bounds.join(' AND ')})`];
}

const STATUS_TYPES = "('message.delivered', 'message.read')";
const SEND = "type = 'message.sent'";
const FAILURE = "type = 'message.failed'";

/** Columns of the earliest send, in the tuple's order. */
const SEND_COLUMNS = ['channel', 'customer', 'sender', 'category', 'template', 'campaign'] as const;
const NULLABLE_SEND_COLUMNS = new Set(['sender', 'category', 'template', 'campaign']);
// Inside the tuple these are '' for NULL, and NULL again once taken out: ClickHouse 18.16 crashes
// (segmentation fault) when a shard sends the initiator an argMinIf state of a tuple with Nullable
// elements, so a cluster's Distributed query would lose the shard. '' is never a stored value of
// them (sender and category are vocabularies, a template name and a campaign tag have at least
// one character).
const sendTupleElement = (column: string) => (NULLABLE_SEND_COLUMNS.has(column) ? `ifNull(${column}, '')` : column);

/**
 * One row per message: business, message, has_send, sent_us, channel, customer, sender,
 * send_category, template, campaign, delivered, was_read, status_category, pricing, has_failure, failed_us,
 * limited (flags as UInt8 0/1, instants as UInt64 microseconds, 0 when there is none).
 */
export function messageFactsSql(scope: MessageFactsScope = {}): string {
  const conditions = [
    `(${SEND} OR (type IN ('message.delivered', 'message.read', 'message.failed') AND message IS NOT NULL))`,
    ...(scope.business === undefined ? [] : [`business = ${literal(scope.business)}`]),
    ...periodKeys('coalesce(message, event_id)', ['message.sent', 'message.failed'], scope.period),
  ];
  const fromSend = SEND_COLUMNS.map((column, i) => {
    const value = `tupleElement(send, ${i + 1})`;
    const name = column === 'category' ? 'send_category' : column;
    return `if(has_send = 1, ${NULLABLE_SEND_COLUMNS.has(column) ? `nullIf(${value}, '')` : `toNullable(${value})`}, NULL) AS ${name}`;
  });
  return `SELECT business, message_key AS message, has_send, sent_us,
    ${fromSend.join(',\n    ')},
    delivered, was_read, status_category, pricing, has_failure, failed_us, limited
  FROM (
    SELECT business, coalesce(message, event_id) AS message_key,
      toUInt8(countIf(${SEND}) > 0) AS has_send,
      minIf(occurred_us, ${SEND}) AS sent_us,
      argMinIf(tuple(${SEND_COLUMNS.map(sendTupleElement).join(', ')}), occurred_us, ${SEND}) AS send,
      toUInt8(countIf(type IN ${STATUS_TYPES}) > 0) AS delivered,
      toUInt8(countIf(type = 'message.read') > 0) AS was_read,
      min(if(type IN ${STATUS_TYPES}, category, NULL)) AS status_category,
      min(pricing) AS pricing,
      toUInt8(countIf(${FAILURE}) > 0) AS has_failure,
      minIf(occurred_us, ${FAILURE}) AS failed_us,
      toUInt8(countIf(${FAILURE} AND error_code IN (${PLATFORM_LIMIT_CODES.join(', ')})) > 0) AS limited
    FROM ${EVENTS_TABLE}
    WHERE ${conditions.join(' AND ')}
    GROUP BY business, message_key
  ) AS message_parts`;
}

/** Senders whose message.sent is a first response (db/conversationFacts.ts: automation never counts). */
const REPLY = "type = 'message.sent' AND sender IN ('agent', 'bot')";
const RECEIVED = "type = 'message.received'";

/**
 * One row per conversation, as db/conversationFacts.ts factsFromEvents defines it (failures
 * neither open nor extend one): business, conversation, first_us (its earliest message event),
 * has_received and started_us (its earliest message.received), customer and channel of that
 * message, has_reply and replied_us (its earliest agent/bot send), last_us. Flags UInt8, instants
 * UInt64 microseconds (0 when there is none).
 */
export function conversationFactsSql(scope: MessageFactsScope = {}): string {
  const conditions = [
    'conversation IS NOT NULL',
    "type IN ('message.received', 'message.sent', 'message.delivered', 'message.read')",
    ...(scope.business === undefined ? [] : [`business = ${literal(scope.business)}`]),
    ...periodKeys('assumeNotNull(conversation)', ['message.received'], scope.period),
  ];
  return `SELECT business, conversation_key AS conversation, first_us, has_received, started_us,
    tupleElement(start, 1) AS customer, tupleElement(start, 2) AS channel, has_reply, replied_us, last_us
  FROM (
    SELECT business, assumeNotNull(conversation) AS conversation_key,
      min(occurred_us) AS first_us,
      toUInt8(countIf(${RECEIVED}) > 0) AS has_received,
      minIf(occurred_us, ${RECEIVED}) AS started_us,
      argMinIf(tuple(customer, channel), occurred_us, ${RECEIVED}) AS start,
      toUInt8(countIf(${REPLY}) > 0) AS has_reply,
      minIf(occurred_us, ${REPLY}) AS replied_us,
      max(occurred_us) AS last_us
    FROM ${EVENTS_TABLE}
    WHERE ${conditions.join(' AND ')}
    GROUP BY business, conversation_key
  ) AS conversation_parts`;
}
