import type { DuckDBConnection } from '@duckdb/node-api';
import { daySql, rebuildActivityDays } from './activityDays';
import { rebuildConversationFacts } from './conversationFacts';
import { rebuildMessageFacts } from './messageFacts';
import { inTransaction } from './transaction';
import { deleteLinks, loadPersons } from './customerLinks';

// Deletions of the data lifecycle: retention and erasure. Both run on the event
// writer's connection (EventWriter.exclusive) while the admin store is held too, so no insert
// of events or of webhook state can interleave; each is one transaction.

const HEX_ID = /^[0-9a-f]{64}$/;

async function changed(connection: DuckDBConnection, sql: string, params: unknown[] = []): Promise<number> {
  const result = await connection.run(sql, params as never);
  return result.rowsChanged;
}

const CONVERSATIONS = 'conversations_of_deleted_events';
const MESSAGES = 'messages_of_deleted_events';
const DAYS = 'days_of_deleted_events';

/** Deletes the matching events and recomputes the facts of the conversations, messages and activity days they were part of. */
async function deleteEvents(connection: DuckDBConnection, where: string, params: unknown[]): Promise<number> {
  await connection.run(`CREATE OR REPLACE TEMP TABLE ${DAYS} AS
SELECT DISTINCT business, ${daySql('occurred_at')} AS day, customer, conversation FROM events WHERE ${where}`, params as never);
  // The conversations are those of the days: no second pass over the events.
  await connection.run(`CREATE OR REPLACE TEMP TABLE ${CONVERSATIONS} AS
SELECT DISTINCT business, conversation FROM ${DAYS} WHERE conversation IS NOT NULL`);
  await connection.run(`CREATE OR REPLACE TEMP TABLE ${MESSAGES} AS
SELECT DISTINCT business, coalesce(message, event_id) AS message FROM events
WHERE (type = 'message.sent' OR (type IN ('message.delivered', 'message.read', 'message.failed') AND message IS NOT NULL)) AND ${where}`, params as never);
  const deleted = await changed(connection, `DELETE FROM events WHERE ${where}`, params);
  await rebuildConversationFacts(connection, CONVERSATIONS);
  await rebuildMessageFacts(connection, MESSAGES);
  await rebuildActivityDays(connection, DAYS);
  await connection.run(`DROP TABLE ${CONVERSATIONS}; DROP TABLE ${MESSAGES}; DROP TABLE ${DAYS}`);
  return deleted;
}

export interface PurgeCounts {
  events: number;
  webhookMessages: number;
  webhookWatermarks: number;
  webhookPolicyEvents: number;
  sessions: number;
  /** Link records of persons first seen before the cutoff who have no event left. */
  customerLinks: number;
}

/**
 * Retention: deletes events that happened before `cutoffMs` and what was derived from them
 * (webhook thread state of messages before it, watermarks that only cover time before it,
 * policy events before it), and sessions expired at `nowMs`.
 */
export async function purgeExpired(connection: DuckDBConnection, cutoffMs: number, nowMs: number): Promise<PurgeCounts> {
  const cutoff = new Date(cutoffMs).toISOString();
  return inTransaction(connection, async () => ({
    events: await deleteEvents(connection, 'occurred_at < $1::TIMESTAMPTZ', [cutoff]),
    webhookMessages: await changed(connection, 'DELETE FROM webhook_messages WHERE "at" < $1::TIMESTAMPTZ', [cutoff]),
    webhookWatermarks: await changed(
      connection,
      `DELETE FROM webhook_watermarks
       WHERE greatest(coalesce(delivered_until, read_until), coalesce(read_until, delivered_until)) < $1::TIMESTAMPTZ`,
      [cutoff],
    ),
    webhookPolicyEvents: await changed(connection, 'DELETE FROM webhook_policy_events WHERE occurred_at < $1::TIMESTAMPTZ', [cutoff]),
    sessions: await changed(connection, 'DELETE FROM sessions WHERE expires_at <= $1::TIMESTAMPTZ', [new Date(nowMs).toISOString()]),
    // After the events: a person whose every event has expired is forgotten too.
    customerLinks: await changed(
      connection,
      `DELETE FROM customer_links l WHERE l.first_at < $1::TIMESTAMPTZ
       AND NOT EXISTS (SELECT 1 FROM events e WHERE e.business = l.business AND e.customer = l.person)`,
      [cutoff],
    ),
  }));
}

export interface ErasureTarget {
  business: string;
  /** The person's customer pseudonyms at this business (every candidate form, every key). */
  customers: readonly string[];
}

export interface ErasureCounts {
  events: number;
  webhookMessages: number;
  webhookWatermarks: number;
  /** Identifiers of the erased persons (phone numbers, BSUIDs) whose link records were deleted. */
  customerLinks: number;
}

/**
 * Erasure: deletes every event of these customer pseudonyms and the webhook state derived from
 * them (thread records of their messages, receipt watermarks), in one transaction; `after`
 * runs inside it too (the audit row), so the request is recorded exactly when it took effect.
 */
export async function eraseCustomers(
  connection: DuckDBConnection, targets: readonly ErasureTarget[], after?: (counts: ErasureCounts) => Promise<void>,
): Promise<ErasureCounts> {
  return inTransaction(connection, async () => {
    const counts: ErasureCounts = { events: 0, webhookMessages: 0, webhookWatermarks: 0, customerLinks: 0 };
    for (const target of targets) {
      // The person behind any of the identifiers: its events are stored under the person's pseudonym.
      const records = (await loadPersons(connection, target.customers)).get(target.business) ?? [];
      const persons = records.map((r) => r.person);
      // Our own HMAC hex digests, checked here, so they can be inlined safely.
      const list = [...new Set([...target.customers, ...persons])].filter((c) => HEX_ID.test(c)).map((c) => `'${c}'`).join(',');
      if (!list) continue;
      counts.customerLinks += await deleteLinks(connection, target.business, target.customers, records);
      const where = `business = $1 AND customer IN (${list})`;
      counts.events += await deleteEvents(connection, where, [target.business]);
      counts.webhookMessages += await changed(connection, `DELETE FROM webhook_messages WHERE ${where}`, [target.business]);
      counts.webhookWatermarks += await changed(connection, `DELETE FROM webhook_watermarks WHERE ${where}`, [target.business]);
    }
    if (after) await after(counts);
    return counts;
  });
}
