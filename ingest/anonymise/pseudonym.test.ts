import { createHmac, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BoundedCache, ScopedBoundedCache } from './boundedCache';
import { parsePhoneIdentity, phoneIdentity } from './customerIdentity';
import { Pseudonymiser } from './pseudonym';

/** The pseudonym written out: HMAC-SHA256(key, business \0 kind \0 value), UTF-8, lower-case hex. */
const spec = (key: Buffer, business: string, kind: string, value: string) =>
  createHmac('sha256', key).update(`${business}\u0000${kind}\u0000${value}`, 'utf8').digest('hex');
const KINDS = ['customer', 'conversation', 'message', 'event'] as const;

describe('Pseudonymiser', () => {
  it('gives the published values for fixed keys (computed with Python\'s hmac, not node:crypto)', () => {
    const p = new Pseudonymiser(Buffer.from(Array.from({ length: 32 }, (_, i) => i)));
    expect(p.pseudonym('acme', 'customer', '+393331234567')).toBe('4d9c4b67eba54e9f6b3dc8f04ce16a72548eb47f4e12a1a2b906883482ad30fa');
    expect(p.pseudonym('acme', 'event', 'evt_0123456789abcdef01234567')).toBe('7aa2cbda1a7465e1c81254f3df043ad2c274c0ed3b252312b1083f127411a146');
    expect(p.pseudonym('Banco Atlântico', 'message', 'wamid.HBgL😀')).toBe('fd2631e8e5f38b4aca205c6007397fc0e78b35dd9261fc946581177662fd2f54');
    // A key longer than SHA-256's 64-byte block is hashed first (RFC 2104).
    const long = new Pseudonymiser(Buffer.from(Array.from({ length: 100 }, (_, i) => i)));
    expect(long.pseudonym('acme', 'conversation', 'thread-81')).toBe('5e3b9f66165cde42b5c6eee66d5666538a962d31f52e972ede9e5cdd6233cfca');
  });

  it('follows the pseudonym formula, cached or not', () => {
    const key = randomBytes(32);
    const p = new Pseudonymiser(key);
    for (let round = 0; round < 2; round++) {
      expect(p.pseudonym('acme', 'customer', '+393331234567')).toBe(spec(key, 'acme', 'customer', '+393331234567'));
      expect(p.pseudonym('acme', 'conversation', 'thread-81')).toBe(spec(key, 'acme', 'conversation', 'thread-81'));
      expect(p.pseudonym('acme', 'message', 'wamid.1')).toBe(spec(key, 'acme', 'message', 'wamid.1'));
      expect(p.pseudonym('acme', 'event', 'evt-1')).toBe(spec(key, 'acme', 'event', 'evt-1'));
    }
    // Cached per business and kind: the same value elsewhere is a different pseudonym.
    expect(p.pseudonym('other', 'customer', '+393331234567')).toBe(spec(key, 'other', 'customer', '+393331234567'));
    expect(p.pseudonym('acme', 'conversation', '+393331234567')).toBe(spec(key, 'acme', 'conversation', '+393331234567'));
    expect(new Pseudonymiser(randomBytes(32)).pseudonym('acme', 'customer', '+393331234567')).not.toBe(spec(key, 'acme', 'customer', '+393331234567'));
  });

  it('follows the pseudonym formula for every key length, values around the block boundaries, unicode and lone surrogates', () => {
    for (const keyLength of [32, 48, 64, 65, 100]) {
      const key = randomBytes(keyLength);
      const p = new Pseudonymiser(key);
      for (const kind of KINDS) {
        for (let n = 0; n < 140; n++) expect(p.pseudonym('acme', kind, 'x'.repeat(n))).toBe(spec(key, 'acme', kind, 'x'.repeat(n)));
        for (const value of ['', '\u0000', 'é'.repeat(40), '日本語'.repeat(30), '😀'.repeat(33), 'a\ud800b', '\udfff', 'y'.repeat(5000)]) {
          expect(p.pseudonym('acme', kind, value)).toBe(spec(key, 'acme', kind, value));
        }
      }
    }
  });

  it('follows the pseudonym formula on random keys, businesses and values (property)', () => {
    fc.assert(fc.property(
      fc.uint8Array({ minLength: 32, maxLength: 130 }), fc.string({ unit: 'binary', maxLength: 40 }), fc.constantFrom(...KINDS), fc.string({ unit: 'binary', maxLength: 300 }),
      (key, business, kind, value) => new Pseudonymiser(Buffer.from(key)).pseudonym(business, kind, value) === spec(Buffer.from(key), business, kind, value),
    ), { numRuns: 1000 });
  });

  it('gives cached and uncached pseudonyms that are equal, over many repeats and evictions (property)', () => {
    const key = randomBytes(32);
    const p = new Pseudonymiser(key, 8); // a tiny cache: most calls evict something
    const kinds = ['customer', 'conversation', 'message'] as const;
    fc.assert(fc.property(fc.array(fc.tuple(fc.constantFrom('a', 'b'), fc.constantFrom(...kinds), fc.string({ maxLength: 20 })), { maxLength: 50 }), (calls) =>
      calls.every(([business, kind, value]) => p.pseudonym(business, kind, value) === spec(key, business, kind, value))));
  });

  it('caches customers, conversations and message ids, never event ids, and forgets them all on request', () => {
    const key = randomBytes(32);
    const p = new Pseudonymiser(key);
    const expected = KINDS.map((kind) => spec(key, 'acme', kind, 'v'));
    for (let round = 0; round < 3; round++) {
      expect(KINDS.map((kind) => p.pseudonym('acme', kind, 'v'))).toEqual(expected);
      expect(p.cachedIdentifiers).toBe(3);
    }
    p.pseudonym('other', 'customer', 'v');
    p.pseudonym('acme', 'event', 'w');
    expect(p.cachedIdentifiers).toBe(4);
    p.forgetCachedIdentifiers();
    expect(p.cachedIdentifiers).toBe(0);
    expect(KINDS.map((kind) => p.pseudonym('acme', kind, 'v'))).toEqual(expected);
  });

  it('holds its own copy of the key, refuses a short one, and never shows it', () => {
    const key = randomBytes(32);
    const original = Buffer.from(key);
    const p = new Pseudonymiser(key);
    key.fill(0);
    expect(p.pseudonym('acme', 'event', 'evt-1')).toBe(spec(original, 'acme', 'event', 'evt-1'));
    for (const shown of [JSON.stringify(p), inspect(p, { depth: 10, showHidden: true })]) {
      expect(shown).not.toContain(original.toString('hex'));
      expect(shown).not.toContain(original.toString('base64'));
      expect(shown).not.toMatch(/<Buffer/);
    }
    expect(() => new Pseudonymiser(randomBytes(31))).toThrow(/at least 32 bytes/);
  });
});

describe('BoundedCache', () => {
  it('never holds more than two generations and keeps recently used entries', () => {
    const cache = new BoundedCache<number>(100);
    for (let i = 0; i < 10_000; i++) {
      cache.set(`k${i}`, i);
      cache.get('hot'); // a key that is never set stays absent
      if (i % 50 === 0) cache.set('hot', -1);
      expect(cache.size).toBeLessThanOrEqual(cache.maxSize);
    }
    expect(cache.maxSize).toBe(200);
    expect(cache.get('k9999')).toBe(9999);
    expect(cache.get('k0')).toBeUndefined();
    expect(cache.get('hot')).toBe(-1);
  });

  it('moves a hit in the old generation up, so an entry in use is not evicted', () => {
    const cache = new BoundedCache<string>(3);
    cache.set('keep', 'v');
    for (let i = 0; i < 100; i++) {
      expect(cache.getOrCompute('keep', () => 'recomputed')).toBe('v');
      cache.set(`x${i}`, 'x');
    }
    cache.clear();
    expect(cache.size).toBe(0);
    expect(cache.get('keep')).toBeUndefined();
  });
});

describe('phone number cache', () => {
  it('gives what parsing gives, on first sight and on repeats', () => {
    const numbers = ['+1 876 927 1234', '18769271234', '+1 604 681 1234', '+44 1481 123456', '+44 20 7946 0958', '0039 333-123-4567', '+999 123', '+', '12'];
    for (let round = 0; round < 3; round++) {
      for (const number of numbers) expect(phoneIdentity(number)).toEqual(parsePhoneIdentity(number));
    }
    expect(phoneIdentity('+1 876 927 1234').region).toBe('JM');
    expect(phoneIdentity('+1 604 681 1234').region).toBe('CA');
    expect(phoneIdentity('+44 1481 123456').region).toBe('GG');
    expect(Object.isFrozen(phoneIdentity('+44 1481 123456'))).toBe(true);
  });
});

describe('ScopedBoundedCache', () => {
  it('never holds more than two generations over all scopes, and keeps what is in use', () => {
    const cache = new ScopedBoundedCache<number>(100);
    for (let i = 0; i < 10_000; i++) {
      cache.set(`business-${i % 7}`, `k${i}`, i);
      cache.set('acme', 'same', 1); // setting a key again does not count twice
      expect(cache.get('acme', 'same')).toBe(1);
      expect(cache.size).toBeLessThanOrEqual(cache.maxSize);
    }
    expect(cache.get(`business-${9998 % 7}`, 'k9998')).toBe(9998);
    expect(cache.get('business-0', 'k0')).toBeUndefined();
    expect(cache.get('business-4', 'k9998')).toBeUndefined(); // scopes are apart
  });
});
