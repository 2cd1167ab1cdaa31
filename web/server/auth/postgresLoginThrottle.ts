import { and, asc, desc, eq, inArray, lte, notInArray, sql } from 'drizzle-orm';
import type { PgStore } from '../../../db/postgres/pgStore';
import { signInAttempts, signInKnownAddresses, signInRefusals } from '../../../db/postgres/signInThrottleSchema';
import type { RegistryDb } from '../../../db/store';
import {
  attemptKeys, attemptsKept, countedKeys, decide, isStillKnown, settlement, THROTTLE_DEFAULTS,
  type Admitted, type AttemptKeys, type CountedKeys, type LoginThrottleOptions, type Outcome, type Refused, type SignInThrottle,
} from './throttleRules';

/** The rows an admitted attempt added, by key: settling it deletes these. */
type CountedRows = Map<string, number>;

type Admission = { admitted: true; counted: CountedKeys; rows: CountedRows } | Refused;

/**
 * The sign-in throttle of STORE=clickhouse: the rules of ./throttleRules.ts (as ./loginThrottle.ts
 * applies them in memory) with the counts in PostgreSQL, so that every app server sharing the
 * database counts the same attempts and N servers do not give a guesser N times the allowance.
 *
 * The decision and the count are atomic across servers: each admission is one transaction that
 * first takes PostgreSQL's transaction-level advisory locks on its two keys (the account's, then
 * the address's, in that order everywhere, so no two admissions wait on each other in a cycle),
 * then reads the times, decides, and counts. READ COMMITTED, so the reads after the locks see
 * what the previous holder committed; the locks end with the transaction (or its connection),
 * so a server that dies holds nothing. A parallel burst split over any number of servers thus
 * gets exactly the hash checks the limits allow.
 *
 * Rows expire: a key's attempts outside the window, and a known address older than
 * knownAddressMs, are deleted when the key is touched; a sweep deletes the rest at most once a
 * window per server. Times are the servers' clocks: keep them in sync (NTP), as for sessions.
 */
export class PostgresLoginThrottle implements SignInThrottle {
  readonly #options: LoginThrottleOptions;
  #nextSweepMs = 0;

  constructor(private readonly store: PgStore, private readonly now: () => number, options: Partial<LoginThrottleOptions> = {}) {
    this.#options = { ...THROTTLE_DEFAULTS, ...options };
  }

  async admit(account: string, address: string): Promise<Admitted | Refused> {
    const nowMs = this.now();
    await this.#sweepIfDue(nowMs);
    const keys = attemptKeys(account, address);
    const admission = await this.store.db.transaction((tx) => this.#admitIn(tx, keys, nowMs), { isolationLevel: 'read committed' });
    if (!admission.admitted) return admission;
    const settle = (outcome: Outcome) => () => this.#settle(settlement(outcome, admission.counted, keys), admission.rows, nowMs);
    return { admitted: true, succeeded: settle('succeeded'), failed: settle('failed'), released: settle('released') };
  }

  /** Deletes every expired row (attempts and refusals outside the window, addresses no longer known). */
  async deleteExpired(nowMs = this.now()): Promise<void> {
    const windowStart = nowMs - this.#options.windowMs;
    await this.store.exclusive(async (db) => {
      await db.delete(signInAttempts).where(lte(signInAttempts.atMs, windowStart));
      await db.delete(signInRefusals).where(lte(signInRefusals.atMs, windowStart));
      await db.delete(signInKnownAddresses).where(lte(signInKnownAddresses.atMs, nowMs - this.#options.knownAddressMs));
    });
  }

  async #sweepIfDue(nowMs: number): Promise<void> {
    if (nowMs < this.#nextSweepMs) return;
    this.#nextSweepMs = nowMs + this.#options.windowMs;
    await this.deleteExpired(nowMs);
  }

  async #admitIn(tx: RegistryDb, keys: AttemptKeys, nowMs: number): Promise<Admission> {
    const counted = countedKeys(keys, isStillKnown(await this.#knownSince(tx, keys.known, nowMs), nowMs, this.#options));
    // Serialises admissions per key across servers until this transaction ends.
    for (const key of [counted.account, counted.address]) await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
    const decision = decide(counted, await this.#recentTimes(tx, counted.account, nowMs), await this.#recentTimes(tx, counted.address, nowMs), nowMs, this.#options);
    if (!decision.admitted) {
      const { limit, retryAfterMs } = decision;
      return { admitted: false, limit, retryAfterMs, first: await this.#noteRefusal(tx, decision.key, nowMs) };
    }
    const rows: CountedRows = new Map();
    for (const key of [counted.account, counted.address]) rows.set(key, await this.#count(tx, key, nowMs));
    return { admitted: true, counted, rows };
  }

  /** When the address last signed in to the account; forgets it once that is too long ago. */
  async #knownSince(tx: RegistryDb, knownKey: string, nowMs: number): Promise<number | undefined> {
    await tx.delete(signInKnownAddresses)
      .where(and(eq(signInKnownAddresses.key, knownKey), lte(signInKnownAddresses.atMs, nowMs - this.#options.knownAddressMs)));
    const [row] = await tx.select({ atMs: signInKnownAddresses.atMs }).from(signInKnownAddresses).where(eq(signInKnownAddresses.key, knownKey));
    return row?.atMs;
  }

  /** A key's attempt times inside the window, ascending; deletes the ones that left it. */
  async #recentTimes(tx: RegistryDb, key: string, nowMs: number): Promise<number[]> {
    await tx.delete(signInAttempts).where(and(eq(signInAttempts.key, key), lte(signInAttempts.atMs, nowMs - this.#options.windowMs)));
    const rows = await tx.select({ atMs: signInAttempts.atMs }).from(signInAttempts)
      .where(eq(signInAttempts.key, key)).orderBy(asc(signInAttempts.atMs), asc(signInAttempts.id));
    return rows.map((row) => row.atMs);
  }

  /** Whether this refusal starts a run (none recorded since the key last admitted an attempt). */
  async #noteRefusal(tx: RegistryDb, key: string, nowMs: number): Promise<boolean> {
    const inserted = await tx.insert(signInRefusals).values({ key, atMs: nowMs }).onConflictDoNothing().returning({ key: signInRefusals.key });
    return inserted.length > 0;
  }

  /** Counts an attempt on a key (returns its row), ends the key's run of refusals, drops attempts past the latest that decide anything. */
  async #count(tx: RegistryDb, key: string, nowMs: number): Promise<number> {
    const [row] = await tx.insert(signInAttempts).values({ key, atMs: nowMs }).returning({ id: signInAttempts.id });
    await tx.delete(signInRefusals).where(eq(signInRefusals.key, key));
    const latest = tx.select({ id: signInAttempts.id }).from(signInAttempts)
      .where(eq(signInAttempts.key, key)).orderBy(desc(signInAttempts.atMs), desc(signInAttempts.id)).limit(attemptsKept(this.#options));
    await tx.delete(signInAttempts).where(and(eq(signInAttempts.key, key), notInArray(signInAttempts.id, latest)));
    return row!.id;
  }

  async #settle(plan: ReturnType<typeof settlement>, rows: CountedRows, nowMs: number): Promise<void> {
    const uncounted = plan.uncount.flatMap((key) => rows.get(key) ?? []);
    if (plan.clear.length === 0 && uncounted.length === 0 && plan.remember === undefined) return;
    // Deletes by key or row and an upsert: nothing read first, so READ COMMITTED needs no retries.
    await this.store.db.transaction(async (db) => {
      if (plan.clear.length > 0) await db.delete(signInAttempts).where(inArray(signInAttempts.key, plan.clear));
      if (uncounted.length > 0) await db.delete(signInAttempts).where(inArray(signInAttempts.id, uncounted));
      if (plan.remember !== undefined) {
        await db.insert(signInKnownAddresses).values({ key: plan.remember, atMs: nowMs })
          .onConflictDoUpdate({ target: signInKnownAddresses.key, set: { atMs: sql`greatest(${signInKnownAddresses.atMs}, excluded.at_ms)` } });
      }
    }, { isolationLevel: 'read committed' });
  }
}
