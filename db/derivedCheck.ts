import type { DuckDBConnection } from '@duckdb/node-api';
import { conversationDaysFromEvents, customerDaysFromEvents } from './activityDays';
import { CURRENT_CONVERSATION_FACTS, factsFromEvents } from './conversationFacts';
import { CURRENT_MESSAGE_FACTS, messageFactsFromEvents } from './messageFacts';

/**
 * Rows of the derived tables (facts with their parts, activity days) that differ from a
 * recomputation over the stored events, per table: 0 everywhere when every commit, compaction and
 * deletion kept them exact. A full scan: for verification (the crash test), not for serving.
 * Columns that ties make arbitrary (which customer of two simultaneous first messages) are left out.
 */
export async function derivedRowsDiffering(connection: DuckDBConnection): Promise<Record<string, number>> {
  const conversationColumns = 'business, conversation, first_at, started_at, replied_at, last_at';
  const messageColumns = 'business, message, sent_at, delivered, read, status_category, pricing, failed_at, coalesce(limited, false)';
  const checks = {
    conversation_facts: [
      `SELECT ${conversationColumns} FROM ${CURRENT_CONVERSATION_FACTS} AS f`,
      `SELECT ${conversationColumns} FROM (${factsFromEvents('events')}) AS f(business, conversation, first_at, started_at, customer, channel, replied_at, last_at, frt_bh_s, frt_bh_hours_key)`,
    ],
    message_facts: [
      `SELECT ${messageColumns} FROM ${CURRENT_MESSAGE_FACTS} AS f`,
      `SELECT ${messageColumns} FROM (${messageFactsFromEvents('events')}) AS f(business, message, sent_at, channel, customer, sender, category, template, delivered, read, status_category, pricing, failed_at, limited, campaign)`,
    ],
    customer_days: [
      'SELECT business, day, channel, processed_in, customer_region, customer, bit_or(kinds) FROM customer_days GROUP BY ALL',
      customerDaysFromEvents('events'),
    ],
    conversation_days: [
      'SELECT business, day, channel, conversation, bit_or(kinds) FROM conversation_days GROUP BY ALL',
      conversationDaysFromEvents('events'),
    ],
  };
  const differing: Record<string, number> = {};
  for (const [table, [stored, recomputed]] of Object.entries(checks)) {
    const reader = await connection.runAndReadAll(`SELECT count(*)::INTEGER FROM (
  (${stored} EXCEPT ALL ${recomputed}) UNION ALL (${recomputed} EXCEPT ALL ${stored})
)`);
    differing[table] = Number(reader.getRows()[0]![0]);
  }
  return differing;
}
