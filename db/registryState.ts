import { and, eq, inArray, lt, lte, sql, type SQL } from 'drizzle-orm';
import type { PersonRewrite } from './customerLinks';
import { sessions, webhookMessages, webhookPolicyEvents, webhookWatermarks } from './schema';
import type { RegistryDb } from './store';

// The lifecycle of the registry's per-customer state (webhook intake state and sessions) when it
// lives apart from the events (ClickHouse mode: in PostgreSQL; db/clickhouse/clickhouseEventStore.ts).
// The same deletions and moves as db/lifecycle.ts and db/customerLinks.ts make in DuckDB's event
// transaction, written with drizzle's query builder so they run on DuckDB and PostgreSQL alike.
// Callers run them inside RegistryStore.transaction.

export interface RegistryPurgeCounts {
  webhookMessages: number;
  webhookWatermarks: number;
  webhookPolicyEvents: number;
  sessions: number;
}

export interface RegistryErasureCounts {
  webhookMessages: number;
  webhookWatermarks: number;
}

// A timestamptz parameter both engines type the same way.
const instant = (ms: number): SQL => sql`${new Date(ms).toISOString()}::timestamptz`;

/**
 * Retention: webhook thread records of messages before the cutoff, watermarks that only cover
 * time before it, policy events before it, and sessions expired at `nowMs`; the rows deleted.
 */
export async function purgeRegistryState(db: RegistryDb, cutoffMs: number, nowMs: number): Promise<RegistryPurgeCounts> {
  const [m, w, p, s] = [webhookMessages, webhookWatermarks, webhookPolicyEvents, sessions];
  const cutoff = instant(cutoffMs);
  const coveredUntil = sql`greatest(coalesce(${w.deliveredUntil}, ${w.readUntil}), coalesce(${w.readUntil}, ${w.deliveredUntil}))`;
  return {
    webhookMessages: (await db.delete(m).where(lt(m.at, cutoff)).returning({ key: m.message })).length,
    webhookWatermarks: (await db.delete(w).where(lt(coveredUntil, cutoff)).returning({ key: w.customer })).length,
    webhookPolicyEvents: (await db.delete(p).where(lt(p.occurredAt, cutoff)).returning({ key: p.action })).length,
    sessions: (await db.delete(s).where(lte(s.expiresAt, instant(nowMs))).returning({ key: s.tokenHash })).length,
  };
}

/**
 * Erasure: the webhook thread records and receipt watermarks of these customer pseudonyms (a
 * person's pseudonyms and persons) at one business; the rows deleted.
 */
export async function eraseRegistryState(db: RegistryDb, business: string, customers: readonly string[]): Promise<RegistryErasureCounts> {
  const keys = [...new Set(customers)];
  if (keys.length === 0) return { webhookMessages: 0, webhookWatermarks: 0 };
  const [m, w] = [webhookMessages, webhookWatermarks];
  return {
    webhookMessages: (await db.delete(m).where(and(eq(m.business, business), inArray(m.customer, keys))).returning({ key: m.message })).length,
    webhookWatermarks: (await db.delete(w).where(and(eq(w.business, business), inArray(w.customer, keys))).returning({ key: w.customer })).length,
  };
}

/**
 * Persons found to be one: the webhook intake's thread records and receipt watermarks follow
 * the person (rewrite.moves), and thread starts are set (rewrite.threads), as moveWebhookState
 * does in DuckDB's transaction (db/customerLinks.ts).
 */
export async function moveRegistryState(db: RegistryDb, business: string, rewrite: PersonRewrite): Promise<void> {
  // A customer "moved" to itself has nothing to move (and must not lose its watermarks below).
  const moves = rewrite.moves.filter((move) => move.from !== move.to);
  await moveThreadRecords(db, business, moves);
  const m = webhookMessages;
  for (const t of rewrite.threads) {
    await db
      .update(m)
      .set({ threadStart: instant(t.threadStartMs) })
      .where(and(eq(m.business, business), eq(m.channel, t.channel), eq(m.direction, t.direction), eq(m.message, t.message)));
  }
  await moveWatermarks(db, business, moves);
}

type Moves = PersonRewrite['moves'];

/** One statement, each record moved once: `from` is matched before any move, as with UPDATE ... FROM. */
async function moveThreadRecords(db: RegistryDb, business: string, moves: Moves): Promise<void> {
  if (moves.length === 0) return;
  const m = webhookMessages;
  const cases = sql.join(moves.map((move) => sql`WHEN ${move.from} THEN ${move.to}`), sql` `);
  await db
    .update(m)
    .set({ customer: sql`CASE ${m.customer} ${cases} ELSE ${m.customer} END` })
    .where(and(eq(m.business, business), inArray(m.customer, moves.map((move) => move.from))));
}

/**
 * A watermark moves only where the person has none of its own on that channel (receipts are
 * re-sent by the platform; the next one raises it); the `from` customers' others are deleted.
 * One move at a time, so two customers merged into one person cannot both claim its channel.
 */
async function moveWatermarks(db: RegistryDb, business: string, moves: Moves): Promise<void> {
  if (moves.length === 0) return;
  const w = webhookWatermarks;
  for (const { from, to } of moves) {
    // The outer row named in full: drizzle may leave an UPDATE's own columns unqualified.
    const personHasOne = sql`EXISTS (SELECT 1 FROM webhook_watermarks own
      WHERE own.business = ${business} AND own.channel = webhook_watermarks.channel AND own.customer = ${to})`;
    await db
      .update(w)
      .set({ customer: to })
      .where(and(eq(w.business, business), eq(w.customer, from), sql`NOT ${personHasOne}`));
  }
  await db.delete(w).where(and(eq(w.business, business), inArray(w.customer, moves.map((move) => move.from))));
}
