import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import type { EventRow } from './eventStore';
import { factKey, factKeySql } from './factKey';
import { appendKey, appendRows, appendText, appendTimestamp } from './appenderValues';
import { currentFactsSql, foldParts, replaceFacts, type FactTable } from './factParts';

/**
 * The `message_facts` table (db/schema.ts): one row per sent message. Like conversation_facts
 * (db/conversationFacts.ts), a batch appends its partial rows to `message_fact_parts` in the
 * events' transaction and compaction folds them in; every column is the value of the earliest
 * send or an OR over statuses, so any arrival order and any split into parts give the same row.
 * Readers use CURRENT_MESSAGE_FACTS.
 */
export interface MessageFactRow {
  business: string;
  message: string;
  sentAtMicros: number | null;
  channel: string | null;
  customer: string | null;
  sender: string | null;
  category: string | null;
  template: string | null;
  delivered: boolean;
  read: boolean;
  /** The category a status reported (it corrects the send's: WhatsApp may price only `delivered`). */
  statusCategory: string | null;
  /** The pricing type a send or a status reported (the smallest, so any order gives the same). */
  pricing: string | null;
  failedAtMicros: number | null;
  /** A failure was the platform's cap on marketing messages, not an undeliverable message. */
  limited: boolean;
  /** The campaign tag of the earliest send, as `template` (the table's last column: added later). */
  campaign: string | null;
}

/**
 * Meta's error codes for messages it chose not to deliver: 131049 (per-user limit on marketing
 * messages, "healthy ecosystem engagement") and 130472 (the user is in Meta's marketing
 * experiment). Nothing was wrong with the number; they are reported apart from failures.
 */
export const PLATFORM_LIMIT_CODES = [131049, 130472] as const;
const LIMIT_CODES: ReadonlySet<number> = new Set(PLATFORM_LIMIT_CODES);

const STATUSES = new Set(['message.delivered', 'message.read', 'message.failed']);

/** The message a row is about: a send without a platform id is its own message, keyed by its event id. */
function messageOf(row: EventRow): string | null {
  if (row.type === 'message.sent') return row.message ?? row.eventId;
  return STATUSES.has(row.type) ? row.message : null;
}

const smaller = (a: string | null, b: string | null) => (a === null || (b !== null && b < a) ? b : a);

/** The batch's partial facts: one row per (business, message) of its sends and statuses. */
export function messageFactsOf(rows: readonly EventRow[]): MessageFactRow[] {
  const facts = new Map<string, MessageFactRow>();
  for (const row of rows) {
    const message = messageOf(row);
    if (message === null) continue;
    const key = `${row.business}\u0000${message}`;
    let fact = facts.get(key);
    if (!fact) {
      fact = {
        business: row.business, message, sentAtMicros: null, channel: null, customer: null, sender: null,
        category: null, template: null, delivered: false, read: false, statusCategory: null, pricing: null, failedAtMicros: null,
        limited: false, campaign: null,
      };
      facts.set(key, fact);
    }
    fact.pricing = smaller(fact.pricing, row.pricing);
    if (row.type === 'message.sent') {
      if (fact.sentAtMicros === null || row.occurredAtMicros < fact.sentAtMicros) {
        Object.assign(fact, {
          sentAtMicros: row.occurredAtMicros, channel: row.channel, customer: row.customer, sender: row.sender,
          category: row.category, template: row.template, campaign: row.campaign ?? null,
        });
      }
    } else if (row.type === 'message.failed') {
      if (fact.failedAtMicros === null || row.occurredAtMicros < fact.failedAtMicros) fact.failedAtMicros = row.occurredAtMicros;
      if (row.errorCode !== null && LIMIT_CODES.has(row.errorCode)) fact.limited = true;
    } else {
      fact.delivered = true;
      if (row.type === 'message.read') fact.read = true;
      fact.statusCategory = smaller(fact.statusCategory, row.category);
    }
  }
  return [...facts.values()];
}

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

function appendFact(appender: DuckDBAppender, fact: MessageFactRow): void {
  appender.appendVarchar(fact.business);
  appender.appendUHugeInt(factKey(fact.message));
  appendTimestamp(appender, fact.sentAtMicros);
  appendText(appender, fact.channel);
  appendKey(appender, fact.customer);
  appendText(appender, fact.sender);
  appendText(appender, fact.category);
  appendText(appender, fact.template);
  appender.appendBoolean(fact.delivered);
  appender.appendBoolean(fact.read);
  appendText(appender, fact.statusCategory);
  appendText(appender, fact.pricing);
  appendTimestamp(appender, fact.failedAtMicros);
  appender.appendBoolean(fact.limited);
  appendText(appender, fact.campaign);
}

/** Appends a batch's partial facts to message_fact_parts, inside the caller's transaction. */
export async function appendMessageFactParts(connection: DuckDBConnection, rows: readonly EventRow[]): Promise<void> {
  await appendRows(connection, 'message_fact_parts', messageFactsOf(rows), appendFact);
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
