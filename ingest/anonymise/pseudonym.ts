import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { ScopedBoundedCache } from './boundedCache';

export type IdentifierKind = 'customer' | 'conversation' | 'message' | 'event';

/**
 * Pseudonyms cached per Pseudonymiser, kind and business (in memory only). A customer comes back
 * in many events, a conversation in about six, a message id in its sent, delivered and read
 * events; event ids are unique, so they are never cached. At most 2 x 40,000 entries a kind
 * (values of up to 256 characters and 64-character pseudonyms): some 40 MB in all at most.
 */
const CACHE_GENERATION = 40_000;

/**
 * Keyed pseudonyms: HMAC-SHA256(key, business \0 kind \0 value) in hex. Never a plain
 * hash: every phone number can be hashed by enumeration. The business is part of the input, so
 * one person gets unrelated pseudonyms at two businesses.
 */
export class Pseudonymiser {
  // Plain (not #private) fields: the webhook intake derives a wrapper with Object.create. A
  // KeyObject, not the key's bytes: logging or serialising a Pseudonymiser never shows the key.
  private readonly key: KeyObject;
  private readonly caches: Record<Exclude<IdentifierKind, 'event'>, ScopedBoundedCache<string>>;
  private readonly forgetListeners = new Set<() => void>();

  /** key: the bytes, or a KeyObject (an intake thread gets the main thread's, never the bytes). */
  constructor(key: Buffer | KeyObject, cacheGeneration = CACHE_GENERATION) {
    const size = Buffer.isBuffer(key) ? key.length : key.symmetricKeySize ?? 0;
    if (size < 32) throw new Error('the pseudonym key must hold at least 32 bytes');
    this.key = Buffer.isBuffer(key) ? createSecretKey(key) /* a copy */ : key;
    this.caches = {
      customer: new ScopedBoundedCache(cacheGeneration),
      conversation: new ScopedBoundedCache(cacheGeneration),
      message: new ScopedBoundedCache(cacheGeneration),
    };
  }

  /**
   * Drops every cached identifier (an erasure: the person's raw identifiers must not stay in
   * memory either). Later events recompute their pseudonyms, identical by construction.
   */
  forgetCachedIdentifiers(): void {
    for (const cache of Object.values(this.caches)) cache.clear();
    for (const listener of this.forgetListeners) listener();
  }

  /**
   * Called at each forgetCachedIdentifiers: the intake threads' own pseudonymisers (same key,
   * caches of their own) forget theirs too. Returns the unsubscribe.
   */
  onForget(listener: () => void): () => void {
    this.forgetListeners.add(listener);
    return () => this.forgetListeners.delete(listener);
  }

  /**
   * The key, for an intake thread's Pseudonymiser: a KeyObject is passed to a worker thread by
   * reference to the same key material, so the bytes are never copied into a message or shown.
   */
  sharedKey(): KeyObject {
    return this.key;
  }

  /** How many identifiers are cached now, over every kind. */
  get cachedIdentifiers(): number {
    return Object.values(this.caches).reduce((sum, cache) => sum + cache.size, 0);
  }

  /**
   * Customers, conversations and message ids go through a bounded in-memory cache (never on
   * disk), looked up by (business, value) per kind; event ids, unique by design, are computed
   * each time. Cached or not, the value is the same HMAC.
   */
  pseudonym(business: string, kind: IdentifierKind, value: string): string {
    if (kind === 'event') return this.hmac(business, kind, value);
    const cache = this.caches[kind];
    const cached = cache.get(business, value);
    if (cached !== undefined) return cached;
    const pseudonym = this.hmac(business, kind, value);
    cache.set(business, value, pseudonym);
    return pseudonym;
  }

  /** The pseudonym's HMAC-SHA256 in lower-case hex, by node:crypto (some 2 µs for an identifier). */
  private hmac(business: string, kind: IdentifierKind, value: string): string {
    return createHmac('sha256', this.key).update(`${business}\u0000${kind}\u0000${value}`, 'utf8').digest('hex');
  }
}

/**
 * The key in use before a rotation (PSEUDONYM_KEY_PREVIOUS). Until `untilMs` (the stated
 * overlap) the intake also computes each event id's pseudonym under it, so resends of events
 * stored before the rotation stay duplicates; erasure matches pseudonyms under it for as long as
 * it is configured.
 */
export interface PreviousPseudonymKey {
  pseudonymiser: Pseudonymiser;
  untilMs: number;
}
