import type { DuckDBConnection } from '@duckdb/node-api';
import { factKeySql } from './factKey';
import { currentFactsSql, foldParts, replaceFacts, type FactTable } from './factParts';
import { runPrepared } from './preparedStatements';

/**
 * The `conversation_facts` table (db/schema.ts): one row per conversation. A batch is reduced
 * (factsFromEvents, in SQL) to one partial row per conversation and appended to
 * `conversation_fact_parts` in the events' transaction; compactConversationFacts folds the parts
 * into the table in bulk. Every column is a minimum (or the value at one), so the result is the
 * same whatever order the events arrive in and however they are split into parts. Readers use
 * CURRENT_CONVERSATION_FACTS.
 */
/**
 * The stored business-hours timing of a row that was just combined or derived: none yet. A
 * combination may change its start or first reply, so it is timed again (./conversationTiming.ts).
 */
const UNTIMED = 'NULL::DOUBLE AS frt_bh_s, NULL::BIGINT AS frt_bh_hours_key';

/** One row per conversation of `source` (rows with the facts' columns): their parts combined. */
const combined = (source: string) => `SELECT business, conversation, min(first_at) AS first_at, min(started_at) AS started_at,
       arg_min_null(customer, started_at) AS customer, arg_min_null(channel, started_at) AS channel,
       min(replied_at) AS replied_at,
       -- NULL (not known) wins: a known part says nothing of what came before it.
       CASE WHEN bool_or(last_at IS NULL) THEN NULL ELSE max(last_at) END AS last_at,
       ${UNTIMED}
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

/**
 * Appends the partial facts of `staged` (a table of the events' columns: the batch being
 * committed) to conversation_fact_parts, one row per conversation, computed by the same SQL as
 * a rebuild. Runs inside the caller's transaction (the one that appends the events), so parts and
 * events commit together or not at all. An append: no index lookup (an INSERT ... ON CONFLICT per
 * batch cost ~70 ms at 10M events).
 */
export async function appendConversationFactParts(connection: DuckDBConnection, staged: string): Promise<void> {
  await runPrepared(connection, `INSERT INTO conversation_fact_parts\n${factsFromEvents(staged)}`);
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
       max(occurred_at),
       ${UNTIMED}
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
