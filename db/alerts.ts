import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, gte, inArray, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import { alertAttempts, alertEndpoints, alerts, businesses } from './schema';
import type { SecretBox } from './secretBox';
import type { RegistryStore } from './store';

// Alerts and their delivery (tables alerts, alert_attempts, alert_endpoints of db/schema.ts),
// whatever fires them: a kind names the rule, a cause the one occurrence it fired for. Written
// with drizzle's query builder, so it runs on DuckDB and on PostgreSQL alike.

export type AlertDetails = Record<string, number | string | boolean | null>;

export interface NewAlert {
  business: string;
  /** The rule that fired, e.g. `template_opt_out_jump`. */
  kind: string;
  /** What it fired for, e.g. `template_opt_out_jump:spring_sale:2026-11-03`: fires once per business. */
  cause: string;
  title: string;
  /** Figures only (rates, counts, a template's or a country's name), never an identifier of a person. */
  details: AlertDetails;
  firedAtMs: number;
}

export type DeliveryState = 'undelivered' | 'delivered' | 'failed';

export interface AttemptRecord {
  attempt: number;
  at: string;
  /** The HTTP status the endpoint answered, or null when none came back. */
  status: number | null;
  /** null for an answer; else `timeout`, `network` or `redirect` (redirects are not followed). */
  error: string | null;
  durationMs: number;
}

export interface AlertRecord {
  id: string;
  business: string;
  kind: string;
  cause: string;
  firedAt: string;
  title: string;
  details: AlertDetails;
  state: DeliveryState;
  deliveredAt: string | null;
  /** When the next attempt is due (an undelivered alert; it waits for an endpoint if none is registered). */
  nextAttemptAt: string | null;
  attempts: AttemptRecord[];
}

export class InvalidAlertError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidAlertError';
  }
}

const KIND = /^[a-z][a-z0-9_]{0,63}$/;
const DETAIL_KEY = /^[a-z][a-z0-9_]{0,63}$/;
const ISO_DATE_OR_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/;
// What an identifier of a person looks like: a phone number (7+ digits, separators aside), an
// email address, or a pseudonym (long hex). A date or time is a figure, not a person.
const looksLikePerson = (value: string): boolean =>
  !ISO_DATE_OR_TIME.test(value) && (/\d{7,}/.test(value.replace(/[\s().+-]/g, '')) || value.includes('@') || /^[0-9a-f]{32,}$/i.test(value));
const MAX_DETAILS = 32;

function checkDetails(details: AlertDetails): void {
  const entries = Object.entries(details);
  if (entries.length > MAX_DETAILS) throw new InvalidAlertError(`an alert holds at most ${MAX_DETAILS} details`);
  for (const [key, value] of entries) {
    if (!DETAIL_KEY.test(key)) throw new InvalidAlertError(`detail ${key} is not a lower-case name`);
    if (typeof value === 'number' && !Number.isFinite(value)) throw new InvalidAlertError(`detail ${key} is not a finite number`);
    if (typeof value === 'string' && (value.length > 128 || looksLikePerson(value))) {
      throw new InvalidAlertError(`detail ${key} must be a short label, never an identifier of a person`);
    }
  }
}

function checkAlert(alert: NewAlert): void {
  if (!KIND.test(alert.kind)) throw new InvalidAlertError('kind is a lower-case name, e.g. template_opt_out_jump');
  if (alert.cause.length < 1 || alert.cause.length > 256) throw new InvalidAlertError('cause is 1..256 characters');
  if (alert.title.length < 1 || alert.title.length > 200) throw new InvalidAlertError('title is 1..200 characters');
  checkDetails(alert.details);
}

const iso = (ms: number) => new Date(ms).toISOString();
// A timestamptz parameter both engines type the same way.
const instant = (ms: number): SQL => sql`${iso(ms)}::timestamptz`;
// Both engines hand a timestamptz back as text such as `2026-11-01 09:00:00.123+00`.
const isoOf = (text: string) => new Date(Date.parse(text)).toISOString();
const isoOrNull = (text: string | null) => (text === null ? null : isoOf(text));

/**
 * Stores the alert, unless its cause already fired for the business (the UNIQUE constraint
 * decides, also between servers sharing the registry). Returns the stored alert's id either way.
 */
export async function fireAlert(store: RegistryStore, alert: NewAlert): Promise<{ fired: boolean; id: string }> {
  checkAlert(alert);
  return store.exclusive(async (db) => {
    const [inserted] = await db
      .insert(alerts)
      .values({
        id: randomUUID(), business: alert.business, kind: alert.kind, cause: alert.cause, firedAt: iso(alert.firedAtMs),
        title: alert.title, details: alert.details, state: 'undelivered', attempts: 0, nextAttemptAt: iso(alert.firedAtMs),
      })
      .onConflictDoNothing({ target: [alerts.business, alerts.cause] })
      .returning({ id: alerts.id });
    if (inserted) return { fired: true, id: inserted.id };
    const [existing] = await db.select({ id: alerts.id }).from(alerts).where(and(eq(alerts.business, alert.business), eq(alerts.cause, alert.cause)));
    return { fired: false, id: existing!.id };
  });
}

export interface AlertQuery {
  /** null: every business. */
  businesses: readonly string[] | null;
  sinceMs?: number;
  limit: number;
}

/** Alerts fired since a time, newest first, with their delivery state and attempts. */
export async function listAlerts(store: RegistryStore, query: AlertQuery): Promise<AlertRecord[]> {
  if (query.businesses !== null && query.businesses.length === 0) return [];
  return store.exclusive(async (db) => {
    const rows = await db
      .select()
      .from(alerts)
      .where(and(
        query.businesses === null ? undefined : inArray(alerts.business, [...query.businesses]),
        query.sinceMs === undefined ? undefined : gte(alerts.firedAt, instant(query.sinceMs)),
      ))
      .orderBy(desc(alerts.firedAt), asc(alerts.id))
      .limit(query.limit);
    if (rows.length === 0) return [];
    const attempts = await db
      .select()
      .from(alertAttempts)
      .where(inArray(alertAttempts.alert, rows.map((r) => r.id)))
      .orderBy(asc(alertAttempts.alert), asc(alertAttempts.attempt));
    return rows.map((row) => ({
      id: row.id, business: row.business, kind: row.kind, cause: row.cause, firedAt: isoOf(row.firedAt), title: row.title,
      details: row.details as AlertDetails, state: row.state as DeliveryState, deliveredAt: isoOrNull(row.deliveredAt),
      nextAttemptAt: row.state === 'undelivered' ? isoOf(row.nextAttemptAt) : null,
      attempts: attempts.filter((a) => a.alert === row.id).map((a) => ({
        attempt: a.attempt, at: isoOf(a.at), status: a.status, error: a.error, durationMs: a.durationMs,
      })),
    }));
  });
}

// ---- the endpoint a business registers ----

export interface AlertEndpoint {
  url: string;
  secret: string;
}

const secretContext = (business: string) => `alert_endpoints.secret:${business}`;

/** Registers (or replaces) the business's endpoint; false when the business is not registered. */
export async function setAlertEndpoint(
  store: RegistryStore, box: SecretBox, business: string, endpoint: AlertEndpoint, atMs: number,
): Promise<boolean> {
  return store.transaction(async (db) => {
    const [known] = await db.select({ id: businesses.id }).from(businesses).where(eq(businesses.id, business));
    if (!known) return false;
    const row = { url: endpoint.url, secret: box.seal(endpoint.secret, secretContext(business)), updatedAt: iso(atMs) };
    await db.insert(alertEndpoints).values({ business, ...row }).onConflictDoUpdate({ target: alertEndpoints.business, set: row });
    return true;
  });
}

/** The endpoint's URL and whether a secret is set (never the secret). */
export async function getAlertEndpoint(store: RegistryStore, business: string): Promise<{ url: string; secretSet: boolean; updatedAt: string } | undefined> {
  const [row] = await store.exclusive((db) => db.select().from(alertEndpoints).where(eq(alertEndpoints.business, business)));
  return row && { url: row.url, secretSet: row.secret.length > 0, updatedAt: isoOf(row.updatedAt) };
}

/** Removes the endpoint; its business's alerts stay undelivered until another is registered. */
export async function deleteAlertEndpoint(store: RegistryStore, business: string): Promise<boolean> {
  const removed = await store.exclusive((db) =>
    db.delete(alertEndpoints).where(eq(alertEndpoints.business, business)).returning({ business: alertEndpoints.business }));
  return removed.length > 0;
}

// ---- delivery (the outbox) ----

/** Undelivered alerts of businesses with an endpoint whose next attempt is due and that no worker holds. */
export async function dueAlerts(store: RegistryStore, nowMs: number, limit: number): Promise<string[]> {
  const rows = await store.exclusive((db) =>
    db
      .select({ id: alerts.id })
      .from(alerts)
      .innerJoin(alertEndpoints, eq(alertEndpoints.business, alerts.business))
      .where(and(eq(alerts.state, 'undelivered'), lte(alerts.nextAttemptAt, instant(nowMs)), claimFree(nowMs)))
      .orderBy(asc(alerts.nextAttemptAt), asc(alerts.id))
      .limit(limit));
  return rows.map((r) => r.id);
}

const claimFree = (nowMs: number) => or(isNull(alerts.claimedUntil), lte(alerts.claimedUntil, instant(nowMs)));

/**
 * Takes the alert's next attempt for this worker until leaseUntilMs: one conditional UPDATE, so
 * of workers racing for it (on several servers) exactly one gets a row back. Returns the
 * attempt's number, or undefined when another worker has it or it is no longer due.
 */
export async function claimAttempt(store: RegistryStore, id: string, nowMs: number, leaseUntilMs: number): Promise<number | undefined> {
  const [claimed] = await store.exclusive((db) =>
    db
      .update(alerts)
      .set({ attempts: sql`${alerts.attempts} + 1`, claimedUntil: iso(leaseUntilMs) })
      .where(and(eq(alerts.id, id), eq(alerts.state, 'undelivered'), lte(alerts.nextAttemptAt, instant(nowMs)), claimFree(nowMs)))
      .returning({ attempts: alerts.attempts }));
  return claimed?.attempts;
}

export interface Delivery {
  id: string;
  /** The JSON document posted (the alert as `GET /v1/alerts` names its fields). */
  payload: { id: string; business: string; kind: string; cause: string; fired_at: string; title: string; details: AlertDetails };
  url: string;
  secret: string;
}

/**
 * What to post for a claimed alert: the payload, the business's endpoint and its opened secret.
 * undefined when the endpoint was removed meanwhile; throws SecretUnreadableError when this
 * server's key cannot open the secret.
 */
export async function deliveryOf(store: RegistryStore, box: SecretBox, id: string): Promise<Delivery | undefined> {
  const [row] = await store.exclusive((db) =>
    db
      .select({ alert: alerts, url: alertEndpoints.url, secret: alertEndpoints.secret })
      .from(alerts)
      .innerJoin(alertEndpoints, eq(alertEndpoints.business, alerts.business))
      .where(eq(alerts.id, id)));
  if (!row) return undefined;
  const { alert } = row;
  return {
    id,
    payload: {
      id, business: alert.business, kind: alert.kind, cause: alert.cause, fired_at: isoOf(alert.firedAt), title: alert.title,
      details: alert.details as AlertDetails,
    },
    url: row.url,
    secret: box.open(row.secret, secretContext(alert.business)),
  };
}

export type AttemptOutcome =
  | { kind: 'delivered' }
  | { kind: 'retry'; atMs: number }
  | { kind: 'failed' };

/** Records an attempt and what follows from it, and releases the claim. */
export async function recordAttempt(
  store: RegistryStore,
  attempt: { alert: string; attempt: number; atMs: number; status: number | null; error: string | null; durationMs: number },
  outcome: AttemptOutcome,
): Promise<void> {
  await store.transaction(async (db) => {
    await db.insert(alertAttempts).values({
      alert: attempt.alert, attempt: attempt.attempt, at: iso(attempt.atMs), status: attempt.status, error: attempt.error,
      durationMs: Math.round(attempt.durationMs),
    }).onConflictDoNothing();
    const next = outcome.kind === 'delivered'
      ? { state: 'delivered', deliveredAt: iso(attempt.atMs + attempt.durationMs) }
      : outcome.kind === 'failed' ? { state: 'failed' } : { nextAttemptAt: iso(outcome.atMs) };
    await db.update(alerts).set({ ...next, claimedUntil: null }).where(eq(alerts.id, attempt.alert));
  });
}

/**
 * Gives a claim back without an attempt (the endpoint was removed meanwhile, or its secret cannot
 * be opened): the claimed number is not used, and the alert is due again at retryAtMs.
 */
export async function releaseClaim(store: RegistryStore, id: string, retryAtMs: number): Promise<void> {
  await store.exclusive((db) =>
    db.update(alerts).set({ attempts: sql`${alerts.attempts} - 1`, claimedUntil: null, nextAttemptAt: iso(retryAtMs) }).where(eq(alerts.id, id)));
}
