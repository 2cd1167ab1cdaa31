import { and, asc, desc, eq, gt, inArray, lte, or, sql, type SQL } from 'drizzle-orm';
import { businesses, webhookIntakeProblems, webhookMessages, webhookPolicyEvents, webhookWatermarks } from './schema';
import type { SecretBox } from './secretBox';
import type { RegistryDb, RegistryStore } from './store';
import { sealedColumnsFor, type WebhookSecretsInput } from './webhookSecrets';

// State of the webhook intake (tables webhook_* of db/schema.ts). Customer and message values
// are pseudonyms (64 hex characters); times are milliseconds since the epoch. Callers pass the
// drizzle handle of the store they hold (RegistryStore.exclusive) around a request's reads and
// writes. Written with drizzle's query builder, so it runs on DuckDB and on PostgreSQL alike.

/** The drizzle handle the functions below run on (the one RegistryStore.exclusive hands out). */
export type StateDb = RegistryDb;

export interface ThreadPoint {
  atMs: number;
  threadStartMs: number;
}

const iso = (ms: number) => new Date(ms).toISOString();
// A timestamptz parameter both engines type the same way.
const instant = (ms: number): SQL => sql`${iso(ms)}::timestamptz`;
// Both engines hand a timestamptz back as text such as `2026-11-01 09:00:00.123+00`.
const msOf = (text: string) => Date.parse(text);
const msOrNull = (text: string | null) => (text === null ? null : msOf(text));
const isoOf = (text: string) => new Date(msOf(text)).toISOString();
const PSEUDONYM = /^[0-9a-f]{64}$/;

const threadPoint = { at: webhookMessages.at, threadStart: webhookMessages.threadStart };
const toThreadPoint = (row: { at: string; threadStart: string } | undefined): ThreadPoint | undefined =>
  row && { atMs: msOf(row.at), threadStartMs: msOf(row.threadStart) };

export async function findWebhookMessage(
  state: StateDb, business: string, channel: string, direction: 'in' | 'out', message: string,
): Promise<ThreadPoint | undefined> {
  const m = webhookMessages;
  const [row] = await state
    .select(threadPoint)
    .from(m)
    .where(and(eq(m.business, business), eq(m.channel, channel), eq(m.direction, direction), eq(m.message, message)));
  return toThreadPoint(row);
}

/** The customer's nearest recorded messages at or before, and after, a time. */
export async function threadNeighbours(
  db: StateDb, business: string, channel: string, customer: string, atMs: number,
): Promise<{ previous?: ThreadPoint; next?: ThreadPoint }> {
  const m = webhookMessages;
  const ofCustomer = and(eq(m.business, business), eq(m.channel, channel), eq(m.customer, customer));
  const [previous] = await db.select(threadPoint).from(m).where(and(ofCustomer, lte(m.at, instant(atMs)))).orderBy(desc(m.at)).limit(1);
  const [next] = await db.select(threadPoint).from(m).where(and(ofCustomer, gt(m.at, instant(atMs)))).orderBy(asc(m.at)).limit(1);
  return { previous: toThreadPoint(previous), next: toThreadPoint(next) };
}

export async function recordWebhookMessage(
  state: StateDb,
  row: { business: string; channel: string; direction: 'in' | 'out'; message: string; customer: string; atMs: number; threadStartMs: number },
): Promise<void> {
  const { atMs, threadStartMs, ...keys } = row;
  await state
    .insert(webhookMessages)
    .values({ ...keys, at: iso(atMs), threadStart: iso(threadStartMs), delivered: false, read: false })
    .onConflictDoNothing();
}

export interface ThreadRecord {
  channel: string;
  direction: 'in' | 'out';
  message: string;
  customer: string;
  atMs: number;
  threadStartMs: number;
}

/** Every webhook message recorded for these customers (a person's, before a merge). */
export async function threadRecordsOf(state: StateDb, business: string, customers: readonly string[]): Promise<ThreadRecord[]> {
  const keys = customers.filter((key) => PSEUDONYM.test(key));
  if (keys.length === 0) return [];
  const m = webhookMessages;
  const rows = await state
    .select({ channel: m.channel, direction: m.direction, message: m.message, customer: m.customer, at: m.at, threadStart: m.threadStart })
    .from(m)
    .where(and(eq(m.business, business), inArray(m.customer, keys)))
    .orderBy(asc(m.channel), asc(m.at), asc(m.direction), asc(m.message));
  return rows.map(({ at, threadStart, direction, ...row }) => ({
    ...row, direction: direction as ThreadRecord['direction'], atMs: msOf(at), threadStartMs: msOf(threadStart),
  }));
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
  state: StateDb,
  business: string, channel: string, customer: string, kind: 'delivered' | 'read', watermarkMs: number, named: readonly string[],
): Promise<CoveredMessage[]> {
  const m = webhookMessages;
  const pending = kind === 'read' ? eq(m.read, false) : and(eq(m.delivered, false), eq(m.read, false));
  const namedKeys = named.filter((key) => PSEUDONYM.test(key));
  const covered = namedKeys.length > 0 ? or(lte(m.at, instant(watermarkMs)), inArray(m.message, namedKeys)) : lte(m.at, instant(watermarkMs));
  const rows = await state
    .select({ message: m.message, threadStart: m.threadStart })
    .from(m)
    .where(and(eq(m.business, business), eq(m.channel, channel), eq(m.customer, customer), eq(m.direction, 'out'), pending, covered))
    .orderBy(asc(m.at));
  return rows.map((row) => ({ message: row.message, threadStartMs: msOf(row.threadStart) }));
}

export async function markReceipts(
  state: StateDb, business: string, channel: string, kind: 'delivered' | 'read', messages: readonly string[],
): Promise<void> {
  const keys = messages.filter((key) => PSEUDONYM.test(key));
  if (keys.length === 0) return;
  const m = webhookMessages;
  await state
    .update(m)
    .set(kind === 'read' ? { read: true } : { delivered: true })
    .where(and(eq(m.business, business), eq(m.channel, channel), eq(m.direction, 'out'), inArray(m.message, keys)));
}

export async function getWatermarks(
  state: StateDb, business: string, channel: string, customer: string,
): Promise<{ deliveredMs: number | null; readMs: number | null }> {
  const w = webhookWatermarks;
  const [row] = await state
    .select({ delivered: w.deliveredUntil, read: w.readUntil })
    .from(w)
    .where(and(eq(w.business, business), eq(w.channel, channel), eq(w.customer, customer)));
  return row ? { deliveredMs: msOrNull(row.delivered), readMs: msOrNull(row.read) } : { deliveredMs: null, readMs: null };
}

export async function raiseWatermark(
  state: StateDb, business: string, channel: string, customer: string, kind: 'delivered' | 'read', watermarkMs: number,
): Promise<void> {
  const w = webhookWatermarks;
  const [field, column] = kind === 'read' ? (['readUntil', 'read_until'] as const) : (['deliveredUntil', 'delivered_until'] as const);
  const excluded = sql.raw(`excluded.${column}`);
  await state
    .insert(w)
    .values({ business, channel, customer, [field]: iso(watermarkMs) })
    .onConflictDoUpdate({
      target: [w.business, w.channel, w.customer],
      set: { [field]: sql`greatest(coalesce(${w[field]}, ${excluded}), ${excluded})` },
    });
}

export async function recordPolicyEvent(
  state: StateDb, business: string, channel: string, action: string, atMs: number, receivedMs: number,
): Promise<void> {
  await state
    .insert(webhookPolicyEvents)
    .values({ business, channel, action, occurredAt: iso(atMs), receivedAt: iso(receivedMs) })
    .onConflictDoNothing();
}

export async function countIntakeProblems(
  state: StateDb, business: string, channel: string, kind: string, count: number, atMs: number,
): Promise<void> {
  if (count <= 0) return;
  const p = webhookIntakeProblems;
  await state
    .insert(p)
    .values({ business, channel, kind, count, lastAt: iso(atMs) })
    .onConflictDoUpdate({
      target: [p.business, p.channel, p.kind],
      set: { count: sql`${p.count} + excluded.count`, lastAt: sql`excluded.last_at` },
    });
}

export interface IntakeProblemRow {
  channel: string;
  kind: string;
  count: number;
  lastAt: string;
}

export async function listIntakeProblems(store: RegistryStore, business: string): Promise<IntakeProblemRow[]> {
  const p = webhookIntakeProblems;
  const rows = await store.exclusive((db) =>
    db.select({ channel: p.channel, kind: p.kind, count: p.count, lastAt: p.lastAt }).from(p).where(eq(p.business, business)).orderBy(asc(p.channel), asc(p.kind)),
  );
  return rows.map((row) => ({ ...row, lastAt: isoOf(row.lastAt) }));
}

export interface PolicyEventRow {
  channel: string;
  action: string;
  occurredAt: string;
}

export async function listPolicyEvents(store: RegistryStore, business: string): Promise<PolicyEventRow[]> {
  const e = webhookPolicyEvents;
  const rows = await store.exclusive((db) =>
    db.select({ channel: e.channel, action: e.action, occurredAt: e.occurredAt }).from(e).where(eq(e.business, business)).orderBy(asc(e.occurredAt)),
  );
  return rows.map((row) => ({ ...row, occurredAt: isoOf(row.occurredAt) }));
}

/**
 * Sets (or rotates) a business's app secret, verify token and, when given, the platform accounts
 * its webhooks may carry, sealed (db/webhookSecrets.ts); false when it is not registered.
 */
export async function setWebhookSecrets(
  store: RegistryStore, box: SecretBox, id: string, secrets: WebhookSecretsInput, now = new Date(),
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
