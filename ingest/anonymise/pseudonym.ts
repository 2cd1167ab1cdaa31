import { createHmac } from 'node:crypto';

export type IdentifierKind = 'customer' | 'conversation' | 'message' | 'event';

/**
 * Keyed pseudonyms (SPEC 4): HMAC-SHA256(key, business \0 kind \0 value) in hex. Never a plain
 * hash: every phone number can be hashed by enumeration. The business is part of the input, so
 * one person gets unrelated pseudonyms at two businesses.
 */
export class Pseudonymiser {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length < 32) throw new Error('the pseudonym key must hold at least 32 bytes');
    this.#key = key;
  }

  pseudonym(business: string, kind: IdentifierKind, value: string): string {
    return createHmac('sha256', this.#key).update(`${business}\u0000${kind}\u0000${value}`).digest('hex');
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
