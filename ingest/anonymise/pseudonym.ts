import { BoundedCache } from './boundedCache';
import { HmacSha256 } from './hmacSha256';

export type IdentifierKind = 'customer' | 'conversation' | 'message' | 'event';

/**
 * Pseudonyms cached per Pseudonymiser (in memory only). A customer comes back in many events,
 * a conversation in about six, a message id in its sent, delivered and read events; event ids
 * are unique, so they are never cached. 2 x 50,000 entries of ~64-character keys and
 * 64-character pseudonyms: about 25 MB at most.
 */
const CACHE_GENERATION = 50_000;

/**
 * Keyed pseudonyms (SPEC 4): HMAC-SHA256(key, business \0 kind \0 value) in hex. Never a plain
 * hash: every phone number can be hashed by enumeration. The business is part of the input, so
 * one person gets unrelated pseudonyms at two businesses.
 */
export class Pseudonymiser {
  // Plain (not #private) fields: the webhook intake derives a wrapper with Object.create.
  private readonly hmac: HmacSha256;
  private readonly cache: BoundedCache<string>;

  constructor(key: Buffer, cacheGeneration = CACHE_GENERATION) {
    if (key.length < 32) throw new Error('the pseudonym key must hold at least 32 bytes');
    this.hmac = new HmacSha256(key);
    this.cache = new BoundedCache(cacheGeneration);
  }

  /**
   * Customers, conversations and message ids go through a bounded in-memory cache (never on
   * disk); event ids, unique by design, are computed each time. Cached or not, the value is the
   * same HMAC.
   */
  pseudonym(business: string, kind: IdentifierKind, value: string): string {
    const input = `${business}\u0000${kind}\u0000${value}`;
    if (kind === 'event') return this.hmac.hex(input);
    const cached = this.cache.get(input);
    if (cached !== undefined) return cached;
    const pseudonym = this.hmac.hex(input);
    this.cache.set(input, pseudonym);
    return pseudonym;
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
