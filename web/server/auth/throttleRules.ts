import { createHash } from 'node:crypto';

/**
 * The sign-in throttle's rules, whatever holds its counts: ./loginThrottle.ts in memory (the
 * embedded mode, one server process) and ./postgresLoginThrottle.ts in PostgreSQL (STORE=clickhouse,
 * any number of servers). Pure functions of the attempts' times: both variants decide alike.
 */
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
  /** Keys kept in memory at most, per map (oldest dropped first; the in-memory variant only). */
  maxKeys: number;
}

export const THROTTLE_DEFAULTS: LoginThrottleOptions = {
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
  succeeded: () => Promise<void>;
  /** The password was wrong: the attempt stays counted. */
  failed: () => Promise<void>;
  /** The password could not be checked (e.g. the database failed): the attempt is uncounted. */
  released: () => Promise<void>;
}

export interface Refused {
  admitted: false;
  limit: ThrottleLimit;
  retryAfterMs: number;
  /** The first refusal since this limit last admitted an attempt (the audit log records one per run). */
  first: boolean;
}

/** Admits and counts a sign-in attempt on `account` (the email as typed, normalised) from `address`, or refuses it. */
export interface SignInThrottle {
  admit(account: string, address: string): Promise<Admitted | Refused>;
}

/** The keys of one attempt: hashes, never the email or the address. */
export interface AttemptKeys {
  /** The account's shared allowance. */
  account: string;
  /** The account from this address: its own allowance once the address signed in to it. */
  known: string;
  /** The address, across accounts. */
  address: string;
}

const digest = (text: string) => createHash('sha256').update(text).digest('base64url');

export const attemptKeys = (account: string, address: string): AttemptKeys => ({
  account: `e:${digest(account)}`,
  known: `k:${digest(`${account}\n${address}`)}`,
  address: `a:${digest(address)}`,
});

/** The two keys an attempt counts against: the known address's own allowance, or the account's shared one. */
export interface CountedKeys {
  known: boolean;
  account: string;
  address: string;
}

export const countedKeys = (keys: AttemptKeys, known: boolean): CountedKeys =>
  ({ known, account: known ? keys.known : keys.account, address: keys.address });

/** Whether an address that signed in to the account at `signedInAtMs` still has its own allowance. */
export const isStillKnown = (signedInAtMs: number | undefined, nowMs: number, options: LoginThrottleOptions) =>
  signedInAtMs !== undefined && signedInAtMs > nowMs - options.knownAddressMs;

/** The times still inside the window (ascending in, ascending out). */
export const inWindow = (times: readonly number[], nowMs: number, options: LoginThrottleOptions) =>
  times.filter((t) => t > nowMs - options.windowMs);

/** How many of a key's latest attempts decide anything: older ones may be dropped. */
export const attemptsKept = (options: LoginThrottleOptions) => Math.max(options.perAccount, options.perAddress);

/** An account: free up to perAccount attempts in the window, then one per slowIntervalMs. */
function slowedWaitMs(times: readonly number[], nowMs: number, options: LoginThrottleOptions): number {
  if (times.length < options.perAccount) return 0;
  return Math.max(0, times[times.length - 1]! + options.slowIntervalMs - nowMs);
}

/** An address: up to perAddress attempts in the window, then none until the oldest leaves it. */
function windowWaitMs(times: readonly number[], nowMs: number, options: LoginThrottleOptions): number {
  if (times.length < options.perAddress) return 0;
  return times[times.length - options.perAddress]! + options.windowMs - nowMs;
}

export type Decision =
  | { admitted: true }
  | { admitted: false; limit: ThrottleLimit; retryAfterMs: number; /** The key whose refusal run this starts or continues. */ key: string };

/** Admit or refuse, from the counted keys' attempt times inside the window (ascending). */
export function decide(
  keys: CountedKeys, accountTimes: readonly number[], addressTimes: readonly number[], nowMs: number, options: LoginThrottleOptions,
): Decision {
  const accountWait = slowedWaitMs(accountTimes, nowMs, options);
  const addressWait = windowWaitMs(addressTimes, nowMs, options);
  if (accountWait <= 0 && addressWait <= 0) return { admitted: true };
  const limit: ThrottleLimit = accountWait >= addressWait ? 'account' : 'address';
  return { admitted: false, limit, retryAfterMs: Math.max(accountWait, addressWait), key: limit === 'account' ? keys.account : keys.address };
}

/** What settling an admitted attempt does to the counts. */
export interface Settlement {
  /** Keys whose attempts are all forgotten. */
  clear: string[];
  /** Keys that lose this attempt's count. */
  uncount: string[];
  /** The known-address key to remember as signed in now. */
  remember: string | undefined;
}

export type Outcome = 'succeeded' | 'failed' | 'released';

export function settlement(outcome: Outcome, counted: CountedKeys, keys: AttemptKeys): Settlement {
  if (outcome === 'failed') return { clear: [], uncount: [], remember: undefined };
  if (outcome === 'released') return { clear: [], uncount: [counted.account, counted.address], remember: undefined };
  // The address's own allowance starts afresh; the shared one keeps its count, so that the owner
  // signing in does not hand whoever is guessing a fresh run of attempts.
  return counted.known
    ? { clear: [counted.account], uncount: [counted.address], remember: keys.known }
    : { clear: [], uncount: [counted.account, counted.address], remember: keys.known };
}

/** The account an email names, as the throttle and the audit log count it: trimmed, lower-case. */
export const accountOf = (email: string) => email.trim().toLowerCase();
