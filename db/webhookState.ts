import type { DuckDBConnection } from '@duckdb/node-api';
import { eq } from 'drizzle-orm';
import { queryRows } from './duckdb';
import { businesses } from './schema';
import type { SecretBox } from './secretBox';
import type { SerialStore } from './store';
import { sealedColumnsFor, type WebhookSecretsInput } from './webhookSecrets';

// State of the webhook intake (tables webhook_* of db/schema.ts). Customer and message values
// are pseudonyms (64 hex characters); times are milliseconds since the epoch. Callers hold the
// store's connection exclusively (SerialStore.exclusive) around a request's reads and writes.

export interface ThreadPoint {
  atMs: number;
  threadStartMs: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

export async function findWebhookMessage(
  connection: DuckDBConnection, business: string, channel: string, direction: 'in' | 'out', message: string,
): Promise<ThreadPoint | undefined> {
  const [row] = await queryRows<ThreadPoint>(
    connection,
    `SELECT epoch_ms("at")::DOUBLE AS "atMs", epoch_ms(thread_start)::DOUBLE AS "threadStartMs" FROM webhook_messages
     WHERE business = $1 AND channel = $2 AND direction = $3 AND message = $4`,
    [business, channel, direction, message],
  );
  return row;
}

/** The customer's nearest recorded messages at or before, and after, a time. */
export async function threadNeighbours(
  connection: DuckDBConnection, business: string, channel: string, customer: string, atMs: number,
): Promise<{ previous?: ThreadPoint; next?: ThreadPoint }> {
  const select = `SELECT epoch_ms("at")::DOUBLE AS "atMs", epoch_ms(thread_start)::DOUBLE AS "threadStartMs" FROM webhook_messages
    WHERE business = $1 AND channel = $2 AND customer = $3`;
  const params = [business, channel, customer, iso(atMs)];
  const [previous] = await queryRows<ThreadPoint>(connection, `${select} AND "at" <= $4::TIMESTAMPTZ ORDER BY "at" DESC LIMIT 1`, params);
  const [next] = await queryRows<ThreadPoint>(connection, `${select} AND "at" > $4::TIMESTAMPTZ ORDER BY "at" ASC LIMIT 1`, params);
  return { previous, next };
}

export async function recordWebhookMessage(
  connection: DuckDBConnection,
  row: { business: string; channel: string; direction: 'in' | 'out'; message: string; customer: string; atMs: number; threadStartMs: number },
): Promise<void> {
  await connection.run(
    `INSERT INTO webhook_messages (business, channel, direction, message, customer, "at", thread_start, delivered, "read")
     VALUES ($1, $2, $3, $4, $5, $6::TIMESTAMPTZ, $7::TIMESTAMPTZ, false, false) ON CONFLICT DO NOTHING`,
    [row.business, row.channel, row.direction, row.message, row.customer, iso(row.atMs), iso(row.threadStartMs)],
  );
}

export interface CoveredMessage {
  message: string;
  threadStartMs: number;
}

/**
 * Sent messages of a customer that a receipt covers and that have no such receipt yet: sent at
 * or before the watermark, or named in it. A read also covers delivery, so a read message is
 * never reported delivered afterwards.
 */
export async function messagesCoveredBy(
  connection: DuckDBConnection,
  business: string, channel: string, customer: string, kind: 'delivered' | 'read', watermarkMs: number, named: readonly string[],
): Promise<CoveredMessage[]> {
  const pending = kind === 'read' ? 'NOT "read"' : 'NOT delivered AND NOT "read"';
  const namedList = named.filter((m) => /^[0-9a-f]{64}$/.test(m)).map((m) => `'${m}'`).join(',');
  return queryRows<CoveredMessage>(
    connection,
    `SELECT message, epoch_ms(thread_start)::DOUBLE AS "threadStartMs" FROM webhook_messages
     WHERE business = $1 AND channel = $2 AND customer = $3 AND direction = 'out' AND ${pending}
       AND ("at" <= $4::TIMESTAMPTZ${namedList ? ` OR message IN (${namedList})` : ''})
     ORDER BY "at"`,
    [business, channel, customer, iso(watermarkMs)],
  );
}

export async function markReceipts(
  connection: DuckDBConnection, business: string, channel: string, kind: 'delivered' | 'read', messages: readonly string[],
): Promise<void> {
  const list = messages.filter((m) => /^[0-9a-f]{64}$/.test(m)).map((m) => `'${m}'`).join(',');
  if (!list) return;
  const column = kind === 'read' ? '"read"' : 'delivered';
  await connection.run(
    `UPDATE webhook_messages SET ${column} = true WHERE business = $1 AND channel = $2 AND direction = 'out' AND message IN (${list})`,
    [business, channel],
  );
}

export async function getWatermarks(
  connection: DuckDBConnection, business: string, channel: string, customer: string,
): Promise<{ deliveredMs: number | null; readMs: number | null }> {
  const [row] = await queryRows<{ deliveredMs: number | null; readMs: number | null }>(
    connection,
    `SELECT epoch_ms(delivered_until)::DOUBLE AS "deliveredMs", epoch_ms(read_until)::DOUBLE AS "readMs" FROM webhook_watermarks
     WHERE business = $1 AND channel = $2 AND customer = $3`,
    [business, channel, customer],
  );
  return row ?? { deliveredMs: null, readMs: null };
}

export async function raiseWatermark(
  connection: DuckDBConnection, business: string, channel: string, customer: string, kind: 'delivered' | 'read', watermarkMs: number,
): Promise<void> {
  const column = kind === 'read' ? 'read_until' : 'delivered_until';
  await connection.run(
    `INSERT INTO webhook_watermarks (business, channel, customer, ${column}) VALUES ($1, $2, $3, $4::TIMESTAMPTZ)
     ON CONFLICT (business, channel, customer) DO UPDATE
       SET ${column} = greatest(coalesce(webhook_watermarks.${column}, excluded.${column}), excluded.${column})`,
    [business, channel, customer, iso(watermarkMs)],
  );
}

export async function recordPolicyEvent(
  connection: DuckDBConnection, business: string, channel: string, action: string, atMs: number, receivedMs: number,
): Promise<void> {
  await connection.run(
    `INSERT INTO webhook_policy_events (business, channel, action, occurred_at, received_at)
     VALUES ($1, $2, $3, $4::TIMESTAMPTZ, $5::TIMESTAMPTZ) ON CONFLICT DO NOTHING`,
    [business, channel, action, iso(atMs), iso(receivedMs)],
  );
}

export async function countIntakeProblems(
  connection: DuckDBConnection, business: string, channel: string, kind: string, count: number, atMs: number,
): Promise<void> {
  if (count <= 0) return;
  await connection.run(
    `INSERT INTO webhook_intake_problems (business, channel, kind, count, last_at) VALUES ($1, $2, $3, $4, $5::TIMESTAMPTZ)
     ON CONFLICT (business, channel, kind) DO UPDATE
       SET count = webhook_intake_problems.count + excluded.count, last_at = excluded.last_at`,
    [business, channel, kind, count, iso(atMs)],
  );
}

export interface IntakeProblemRow {
  channel: string;
  kind: string;
  count: number;
  lastAt: string;
}

export async function listIntakeProblems(store: SerialStore, business: string): Promise<IntakeProblemRow[]> {
  return store.exclusive(() =>
    queryRows<IntakeProblemRow>(
      store.connection,
      `SELECT channel, kind, count::DOUBLE AS count, strftime(last_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ') AS "lastAt"
       FROM webhook_intake_problems WHERE business = $1 ORDER BY channel, kind`,
      [business],
    ),
  );
}

export interface PolicyEventRow {
  channel: string;
  action: string;
  occurredAt: string;
}

export async function listPolicyEvents(store: SerialStore, business: string): Promise<PolicyEventRow[]> {
  return store.exclusive(() =>
    queryRows<PolicyEventRow>(
      store.connection,
      `SELECT channel, action, strftime(occurred_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ') AS "occurredAt"
       FROM webhook_policy_events WHERE business = $1 ORDER BY occurred_at`,
      [business],
    ),
  );
}

/**
 * Sets (or rotates) a business's app secret, verify token and, when given, the platform accounts
 * its webhooks may carry, sealed (db/webhookSecrets.ts); false when it is not registered.
 */
export async function setWebhookSecrets(
  store: SerialStore, box: SecretBox, id: string, secrets: WebhookSecretsInput, now = new Date(),
): Promise<boolean> {
  return store.transaction(async (db) => {
    const sealed = await sealedColumnsFor(db, box, id, secrets);
    const rows = await db
      .update(businesses)
      .set({ ...sealed, updatedAt: now.toISOString() })
      .where(eq(businesses.id, id))
      .returning({ id: businesses.id });
    return rows.length > 0;
  });
}
