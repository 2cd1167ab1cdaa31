import type { DuckDBConnection } from '@duckdb/node-api';
import { factKeySql } from './factKey';
import { currentFactsSql, foldParts, replaceFacts, type FactTable } from './factParts';
import { runPrepared } from './preparedStatements';

/*
 * The `message_facts` table (db/schema.ts): one row per sent message. Like conversation_facts
 * (db/conversationFacts.ts), a batch appends its partial rows (messageFactsFromEvents, in SQL) to
 * `message_fact_parts` in the events' transaction and compaction folds them in; every column is
 * the value of the earliest send, a minimum or an OR over statuses (the category a status
 * reported corrects the send's: WhatsApp may price only `delivered`; the pricing type is the
 * smallest reported), so any arrival order and any split into parts give the same row.
 * Readers use CURRENT_MESSAGE_FACTS.
 */

/**
 * Meta's error codes for messages it chose not to deliver: 131049 (per-user limit on marketing
 * messages, "healthy ecosystem engagement") and 130472 (the user is in Meta's marketing
 * experiment). Nothing was wrong with the number; they are reported apart from failures.
 */
export const PLATFORM_LIMIT_CODES = [131049, 130472] as const;

const SEND_COLUMNS = ['channel', 'customer', 'sender', 'category', 'template'] as const;
// Also of the earliest send, but after the others: the table's columns are in this order
// (`campaign` was added to the existing table, so it is last), and facts are moved positionally.
const LATER_SEND_COLUMNS = ['campaign'] as const;
const earliestOfParts = (c: string) => `arg_min_null(${c}, sent_at) AS ${c}`;

/** One row per message of `source` (rows with the facts' columns): their parts combined. */
const combined = (source: string) => `SELECT business, message, min(sent_at) AS sent_at,
       ${SEND_COLUMNS.map(earliestOfParts).join(', ')},
       bool_or(delivered) AS delivered, bool_or(read) AS read,
       min(status_category) AS status_category, min(pricing) AS pricing, min(failed_at) AS failed_at,
       coalesce(bool_or(limited), false) AS limited,
       ${LATER_SEND_COLUMNS.map(earliestOfParts).join(', ')}
FROM ${source}
GROUP BY business, message`;

const FACTS: FactTable = {
  table: 'message_facts',
  parts: 'message_fact_parts',
  id: 'message',
  combined,
};

/** message_facts as of now, for readers (db/factParts.ts). */
export const CURRENT_MESSAGE_FACTS = currentFactsSql(FACTS);

/**
 * Appends the partial facts of `staged` (a table of the events' columns: the batch being
 * committed) to message_fact_parts, one row per message, computed by the same SQL as a rebuild.
 * Inside the caller's transaction.
 */
export async function appendMessageFactParts(connection: DuckDBConnection, staged: string): Promise<void> {
  await runPrepared(connection, `INSERT INTO message_fact_parts\n${messageFactsFromEvents(staged)}`);
}

/** Folds every part into message_facts and empties the parts, inside the caller's transaction. */
export const compactMessageFacts = (connection: DuckDBConnection) => foldParts(connection, FACTS);

const fromEarliestSend = (column: string) => {
  const value = `arg_min_null(${column}, occurred_at) FILTER (WHERE type = 'message.sent')`;
  return column === 'customer' ? factKeySql(value) : value;
};

/** The facts of every message of `source` (a table expression with the events' columns). */
export function messageFactsFromEvents(source: string): string {
  return `SELECT business, ${factKeySql('coalesce(message, event_id)')},
       min(occurred_at) FILTER (WHERE type = 'message.sent'),
       ${SEND_COLUMNS.map(fromEarliestSend).join(',\n       ')},
       bool_or(type IN ('message.delivered', 'message.read')),
       bool_or(type = 'message.read'),
       min(category) FILTER (WHERE type IN ('message.delivered', 'message.read')),
       min(pricing),
       min(occurred_at) FILTER (WHERE type = 'message.failed'),
       coalesce(bool_or(type = 'message.failed' AND error_code IN (${PLATFORM_LIMIT_CODES.join(', ')})), false),
       ${LATER_SEND_COLUMNS.map(fromEarliestSend).join(',\n       ')}
FROM ${source}
WHERE type = 'message.sent' OR (type IN ('message.delivered', 'message.read', 'message.failed') AND message IS NOT NULL)
GROUP BY business, coalesce(message, event_id)`;
}

/**
 * After events were deleted (retention, erasure): recomputes from the remaining events the facts
 * of the messages listed in `affected` (a temp table of business, message), dropping those with
 * no send or status left. Inside the caller's transaction.
 */
export async function rebuildMessageFacts(connection: DuckDBConnection, affected: string): Promise<void> {
  await replaceFacts(connection, FACTS, affected,
    messageFactsFromEvents(`(SELECT e.* FROM events e SEMI JOIN ${affected} a ON e.business = a.business AND coalesce(e.message, e.event_id) = a.message)`));
}
