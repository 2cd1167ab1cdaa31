import {
  attemptKeys, attemptsKept, countedKeys, decide, inWindow, isStillKnown, settlement, THROTTLE_DEFAULTS,
  type Admitted, type LoginThrottleOptions, type Outcome, type Refused, type SignInThrottle,
} from './throttleRules';

export { accountOf, type Admitted, type LoginThrottleOptions, type Refused, type SignInThrottle, type ThrottleLimit } from './throttleRules';

interface Attempts {
  times: number[];
  refused: boolean;
}

/**
 * Slows password guessing without letting anyone lock an account's owner out.
 *
 * An attempt is counted when it is admitted, before its password is hashed (~100 ms): the check
 * and the count are one synchronous step, so a parallel burst gets no more hash checks than the
 * limits allow, and the rest are answered 429 with Retry-After at once.
 *
 * - Per account: `perAccount` attempts within the window, then one attempt every
 *   `slowIntervalMs` (5 s). There is no lockout: the right password still signs in, after a
 *   wait of seconds, however many wrong ones others sent, while guessing stays at 720 an hour
 *   at most, from any number of addresses.
 * - An address that signed in to the account within `knownAddressMs` (30 days) has an allowance
 *   of its own for it (the same rule), so someone else hammering the account, even at the rate
 *   it admits, cannot keep its owner out from a place they signed in from before.
 * - Per address: `perAddress` failures within the window across all accounts, then refused
 *   until the oldest leaves it. These are that address's own failures; behind a reverse proxy
 *   TRUST_PROXY gives each client its own address.
 *
 * The rules are ./throttleRules.ts; this variant keeps the counts in memory (one server process
 * owns the embedded database), keyed by hashes of the account and address. STORE=clickhouse,
 * with several servers, keeps them in PostgreSQL (./postgresLoginThrottle.ts).
 */
export class LoginThrottle implements SignInThrottle {
  readonly #attempts = new Map<string, Attempts>();
  readonly #knownAddresses = new Map<string, number>();
  readonly #options: LoginThrottleOptions;

  constructor(private readonly now: () => number, options: Partial<LoginThrottleOptions> = {}) {
    this.#options = { ...THROTTLE_DEFAULTS, ...options };
  }

  // The decision and the count run synchronously, before the returned promise: atomic in one process.
  admit(account: string, address: string): Promise<Admitted | Refused> {
    return Promise.resolve(this.#admitNow(account, address));
  }

  #admitNow(account: string, address: string): Admitted | Refused {
    const nowMs = this.now();
    const keys = attemptKeys(account, address);
    const counted = countedKeys(keys, isStillKnown(this.#knownAddresses.get(keys.known), nowMs, this.#options));
    const decision = decide(counted, this.#recent(counted.account, nowMs).times, this.#recent(counted.address, nowMs).times, nowMs, this.#options);
    if (!decision.admitted) {
      return { admitted: false, limit: decision.limit, retryAfterMs: decision.retryAfterMs, first: this.#noteRefusal(decision.key) };
    }
    this.#count(counted.account, nowMs);
    this.#count(counted.address, nowMs);
    const settle = (outcome: Outcome) => () => {
      const { clear, uncount, remember } = settlement(outcome, counted, keys);
      for (const key of clear) this.#attempts.delete(key);
      for (const key of uncount) this.#uncount(key, nowMs);
      if (remember !== undefined) this.#remember(this.#knownAddresses, remember, nowMs);
      return Promise.resolve();
    };
    return { admitted: true, succeeded: settle('succeeded'), failed: settle('failed'), released: settle('released') };
  }

  #recent(key: string, nowMs: number): Attempts {
    const attempts = this.#attempts.get(key) ?? { times: [], refused: false };
    attempts.times = inWindow(attempts.times, nowMs, this.#options);
    return attempts;
  }

  #noteRefusal(key: string): boolean {
    const attempts = this.#attempts.get(key);
    if (!attempts) return true;
    const first = !attempts.refused;
    attempts.refused = true;
    return first;
  }

  #count(key: string, nowMs: number): void {
    const attempts = this.#recent(key, nowMs);
    attempts.times.push(nowMs);
    attempts.times = attempts.times.slice(-attemptsKept(this.#options));
    attempts.refused = false;
    this.#remember(this.#attempts, key, attempts);
  }

  #uncount(key: string, atMs: number): void {
    const attempts = this.#attempts.get(key);
    const index = attempts?.times.lastIndexOf(atMs) ?? -1;
    if (attempts && index >= 0) attempts.times.splice(index, 1);
  }

  /** Sets a key as the newest, dropping the oldest keys past maxKeys. */
  #remember<V>(map: Map<string, V>, key: string, value: V): void {
    map.delete(key);
    map.set(key, value);
    while (map.size > this.#options.maxKeys) {
      const oldest = map.keys().next().value;
      if (oldest === undefined) break;
      map.delete(oldest);
    }
  }
}
