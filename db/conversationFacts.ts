import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import type { EventRow } from './eventStore';
import { factKey, factKeySql } from './factKey';
import { appendKey, appendRows, appendText, appendTimestamp } from './appenderValues';
import { currentFactsSql, foldParts, replaceFacts, type FactTable } from './factParts';

/**
 * The `conversation_facts` table (db/schema.ts): one row per conversation. A batch is reduced
 * here to one partial row per conversation and appended to `conversation_fact_parts` in the
 * events' transaction; compactConversationFacts folds the parts into the table in bulk. Every
 * column is a minimum (or the value at one), so the result is the same whatever order the events
 * arrive in and however they are split into parts. Readers use CURRENT_CONVERSATION_FACTS.
 */
export interface ConversationFactRow {
  business: string;
  conversation: string;
  firstAtMicros: number;
  startedAtMicros: number | null;
  customer: string | null;
  channel: string | null;
  repliedAtMicros: number | null;
  lastAtMicros: number;
}

/** Senders whose message.sent is a first response (automation replies never count). */
const RESPONDERS = new Set(['agent', 'bot']);

const earlier = (a: number | null, b: number) => (a === null || b < a ? b : a);

/** The batch's partial facts: one row per (business, conversation) of its message.* events. */
export function conversationFactsOf(rows: readonly EventRow[]): ConversationFactRow[] {
  const facts = new Map<string, ConversationFactRow>();
  for (const row of rows) {
    // A failure reached nobody: it neither opens nor extends a conversation.
    if (row.conversation === null || !row.type.startsWith('message.') || row.type === 'message.failed') continue;
    const key = `${row.business}\u0000${row.conversation}`;
    let fact = facts.get(key);
    if (!fact) {
      fact = {
        business: row.business, conversation: row.conversation, firstAtMicros: row.occurredAtMicros,
        startedAtMicros: null, customer: null, channel: null, repliedAtMicros: null, lastAtMicros: row.occurredAtMicros,
      };
      facts.set(key, fact);
    }
    fact.firstAtMicros = Math.min(fact.firstAtMicros, row.occurredAtMicros);
    fact.lastAtMicros = Math.max(fact.lastAtMicros, row.occurredAtMicros);
    if (row.type === 'message.received' && (fact.startedAtMicros === null || row.occurredAtMicros < fact.startedAtMicros)) {
      fact.startedAtMicros = row.occurredAtMicros;
      fact.customer = row.customer;
      fact.channel = row.channel;
    }
    if (row.type === 'message.sent' && row.sender !== null && RESPONDERS.has(row.sender)) {
      fact.repliedAtMicros = earlier(fact.repliedAtMicros, row.occurredAtMicros);
    }
  }
  return [...facts.values()];
}

/** One row per conversation of `source` (rows with the facts' columns): their parts combined. */
const combined = (source: string) => `SELECT business, conversation, min(first_at) AS first_at, min(started_at) AS started_at,
       arg_min_null(customer, started_at) AS customer, arg_min_null(channel, started_at) AS channel,
       min(replied_at) AS replied_at,
       -- NULL (not known) wins: a known part says nothing of what came before it.
       CASE WHEN bool_or(last_at IS NULL) THEN NULL ELSE max(last_at) END AS last_at
FROM ${source}
GROUP BY business, conversation`;

const FACTS: FactTable = {
  table: 'conversation_facts',
  parts: 'conversation_fact_parts',
  id: 'conversation',
  combined,
};

/** conversation_facts as of now, for readers (db/factParts.ts). */
export const CURRENT_CONVERSATION_FACTS = currentFactsSql(FACTS);

function appendFact(appender: DuckDBAppender, fact: ConversationFactRow): void {
  appender.appendVarchar(fact.business);
  appender.appendUHugeInt(factKey(fact.conversation));
  appendTimestamp(appender, fact.firstAtMicros);
  appendTimestamp(appender, fact.startedAtMicros);
  appendKey(appender, fact.customer);
  appendText(appender, fact.channel);
  appendTimestamp(appender, fact.repliedAtMicros);
  appendTimestamp(appender, fact.lastAtMicros);
}

/**
 * Appends a batch's partial facts to conversation_fact_parts. Runs inside the caller's
 * transaction (the one that appends the events), so parts and events commit together or not at
 * all. An append: no index lookup (an INSERT ... ON CONFLICT per batch cost ~70 ms at 10M events).
 */
export async function appendConversationFactParts(connection: DuckDBConnection, rows: readonly EventRow[]): Promise<void> {
  await appendRows(connection, 'conversation_fact_parts', conversationFactsOf(rows), appendFact);
}

/** Folds every part into conversation_facts and empties the parts, inside the caller's transaction. */
export const compactConversationFacts = (connection: DuckDBConnection) => foldParts(connection, FACTS);

/** The facts of every conversation of `source` (a table expression with the events' columns). */
export function factsFromEvents(source: string): string {
  return `SELECT business, ${factKeySql('conversation')},
       min(occurred_at),
       min(occurred_at) FILTER (WHERE type = 'message.received'),
       ${factKeySql("arg_min(customer, occurred_at) FILTER (WHERE type = 'message.received')")},
       arg_min(channel, occurred_at) FILTER (WHERE type = 'message.received'),
       min(occurred_at) FILTER (WHERE type = 'message.sent' AND sender IN ('agent', 'bot')),
       max(occurred_at)
FROM ${source}
WHERE conversation IS NOT NULL AND type LIKE 'message.%' AND type <> 'message.failed'
GROUP BY business, conversation`;
}

/**
 * After events were deleted (retention, erasure): recomputes from the remaining events the facts
 * of the conversations listed in `affected` (a temp table of business, conversation), dropping
 * those with no message event left. Inside the caller's transaction.
 */
export async function rebuildConversationFacts(connection: DuckDBConnection, affected: string): Promise<void> {
  await replaceFacts(connection, FACTS, affected,
    factsFromEvents(`(SELECT e.* FROM events e SEMI JOIN ${affected} a ON e.business = a.business AND e.conversation = a.conversation)`));
}
