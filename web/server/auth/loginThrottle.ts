import { createHash } from 'node:crypto';

export interface LoginThrottleOptions {
  windowMs: number;
  /** Attempts on one account within the window before it is slowed. */
  perAccount: number;
  /** Once slowed, an account admits one attempt per this interval. */
  slowIntervalMs: number;
  /** Failed attempts from one client address within the window (password spraying across accounts). */
  perAddress: number;
  /** How long an address that signed in to an account keeps its own allowance for it. */
  knownAddressMs: number;
  /** Keys kept in memory at most, per map (oldest dropped first). */
  maxKeys: number;
}

const DEFAULTS: LoginThrottleOptions = {
  windowMs: 15 * 60_000,
  perAccount: 5,
  slowIntervalMs: 5_000,
  perAddress: 20,
  knownAddressMs: 30 * 86_400_000,
  maxKeys: 50_000,
};

/** Why an attempt was refused: its account is being slowed, or its address failed too often. */
export type ThrottleLimit = 'account' | 'address';

/** An admitted attempt holds its place in the counts until it is settled. */
export interface Admitted {
  admitted: true;
  /** The password was right: the attempt is uncounted, the address remembered for the account. */
  succeeded: () => void;
  /** The password was wrong: the attempt stays counted. */
  failed: () => void;
  /** The password could not be checked (e.g. the database failed): the attempt is uncounted. */
  released: () => void;
}

export interface Refused {
  admitted: false;
  limit: ThrottleLimit;
  retryAfterMs: number;
  /** The first refusal since this limit last admitted an attempt (the audit log records one per run). */
  first: boolean;
}

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
 * In memory (one server process owns the database), keyed by hashes of the account and address.
 */
export class LoginThrottle {
  readonly #attempts = new Map<string, Attempts>();
  readonly #knownAddresses = new Map<string, number>();
  readonly #options: LoginThrottleOptions;

  constructor(private readonly now: () => number, options: Partial<LoginThrottleOptions> = {}) {
    this.#options = { ...DEFAULTS, ...options };
  }

  /** Admits and counts an attempt on `account` (the email as typed, normalised) from `address`, or refuses it. */
  admit(account: string, address: string): Admitted | Refused {
    const nowMs = this.now();
    const known = this.#isKnown(account, address, nowMs);
    const accountKey = known ? knownKey(account, address) : accountOnlyKey(account);
    const addrKey = addressKey(address);
    const accountWait = this.#slowedWaitMs(accountKey, nowMs);
    const addressWait = this.#windowWaitMs(addrKey, nowMs);
    if (accountWait > 0 || addressWait > 0) {
      const key = accountWait >= addressWait ? accountKey : addrKey;
      return { admitted: false, limit: key === addrKey ? 'address' : 'account', retryAfterMs: Math.max(accountWait, addressWait), first: this.#noteRefusal(key) };
    }
    this.#count(accountKey, nowMs);
    this.#count(addrKey, nowMs);
    return {
      admitted: true,
      failed: () => undefined,
      succeeded: () => {
        // The address's own allowance starts afresh; the shared one keeps its count, so that the
        // owner signing in does not hand whoever is guessing a fresh run of attempts.
        if (known) this.#attempts.delete(accountKey);
        else this.#uncount(accountKey, nowMs);
        this.#uncount(addrKey, nowMs);
        this.#remember(this.#knownAddresses, knownKey(account, address), nowMs);
      },
      released: () => {
        this.#uncount(accountKey, nowMs);
        this.#uncount(addrKey, nowMs);
      },
    };
  }

  #isKnown(account: string, address: string, nowMs: number): boolean {
    const at = this.#knownAddresses.get(knownKey(account, address));
    return at !== undefined && at > nowMs - this.#options.knownAddressMs;
  }

  #recent(key: string, nowMs: number): Attempts {
    const attempts = this.#attempts.get(key) ?? { times: [], refused: false };
    attempts.times = attempts.times.filter((t) => t > nowMs - this.#options.windowMs);
    return attempts;
  }

  /** An account: free up to perAccount attempts in the window, then one per slowIntervalMs. */
  #slowedWaitMs(key: string, nowMs: number): number {
    const { times } = this.#recent(key, nowMs);
    if (times.length < this.#options.perAccount) return 0;
    return Math.max(0, times[times.length - 1]! + this.#options.slowIntervalMs - nowMs);
  }

  /** An address: up to perAddress attempts in the window, then none until the oldest leaves it. */
  #windowWaitMs(key: string, nowMs: number): number {
    const { times } = this.#recent(key, nowMs);
    if (times.length < this.#options.perAddress) return 0;
    return times[times.length - this.#options.perAddress]! + this.#options.windowMs - nowMs;
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
    // Only the latest `limit` attempts decide anything.
    attempts.times = attempts.times.slice(-Math.max(this.#options.perAccount, this.#options.perAddress));
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

const digest = (text: string) => createHash('sha256').update(text).digest('base64url');
const accountOnlyKey = (account: string) => `e:${digest(account)}`;
const knownKey = (account: string, address: string) => `k:${digest(`${account}\n${address}`)}`;
const addressKey = (address: string) => `a:${digest(address)}`;

/** The account an email names, as the throttle and the audit log count it: trimmed, lower-case. */
export const accountOf = (email: string) => email.trim().toLowerCase();
