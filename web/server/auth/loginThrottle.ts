import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import { ApiError } from '../http/apiError';

export interface LoginThrottleOptions {
  windowMs: number;
  /** Failed logins for one email within the window before further attempts are refused. */
  perEmail: number;
  /** Failed logins from one client address within the window (password spraying across emails). */
  perAddress: number;
  /** Keys kept in memory at most (oldest dropped first). */
  maxKeys: number;
}

const DEFAULTS: LoginThrottleOptions = { windowMs: 15 * 60_000, perEmail: 5, perAddress: 20, maxKeys: 50_000 };

/**
 * Slows password guessing: after `perEmail` failed logins for an email, or `perAddress` from a
 * client address, within 15 minutes, POST /v1/session answers 429 with Retry-After (until the
 * oldest of those failures leaves the window) without checking the password at all. A success
 * clears the email's count. In memory (one server process owns the database), keyed by hashes.
 */
export class LoginThrottle {
  readonly #failures = new Map<string, number[]>();
  readonly #options: LoginThrottleOptions;

  constructor(private readonly now: () => number, options: Partial<LoginThrottleOptions> = {}) {
    this.#options = { ...DEFAULTS, ...options };
  }

  /** Throws 429 when this email or address has failed too often lately. */
  check(email: string, address: string): void {
    const nowMs = this.now();
    const wait = Math.max(
      this.#waitMs(emailKey(email), this.#options.perEmail, nowMs),
      this.#waitMs(addressKey(address), this.#options.perAddress, nowMs),
    );
    if (wait > 0) {
      throw new ApiError(429, 'too_many_attempts', 'too many failed sign-ins; wait before trying again', undefined, {
        'Retry-After': String(Math.ceil(wait / 1000)),
      });
    }
  }

  failed(email: string, address: string): void {
    const nowMs = this.now();
    this.#record(emailKey(email), this.#options.perEmail, nowMs);
    this.#record(addressKey(address), this.#options.perAddress, nowMs);
  }

  succeeded(email: string): void {
    this.#failures.delete(emailKey(email));
  }

  #recent(key: string, nowMs: number): number[] {
    const times = (this.#failures.get(key) ?? []).filter((t) => t > nowMs - this.#options.windowMs);
    if (times.length === 0) this.#failures.delete(key);
    else this.#failures.set(key, times);
    return times;
  }

  #waitMs(key: string, limit: number, nowMs: number): number {
    const times = this.#recent(key, nowMs);
    if (times.length < limit) return 0;
    return times[times.length - limit]! + this.#options.windowMs - nowMs;
  }

  #record(key: string, limit: number, nowMs: number): void {
    const times = this.#recent(key, nowMs);
    times.push(nowMs);
    this.#failures.delete(key);
    this.#failures.set(key, times.slice(-limit));
    while (this.#failures.size > this.#options.maxKeys) {
      const oldest = this.#failures.keys().next().value;
      if (oldest === undefined) break;
      this.#failures.delete(oldest);
    }
  }
}

const digest = (text: string) => createHash('sha256').update(text).digest('base64url');
const emailKey = (email: string) => `e:${digest(email.trim().toLowerCase())}`;
const addressKey = (address: string) => `a:${digest(address)}`;

/** The client's address as the socket gives it (no proxy headers are trusted). */
export function clientAddress(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'unknown';
}
