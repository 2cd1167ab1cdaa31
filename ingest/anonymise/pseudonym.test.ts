import { createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BoundedCache, ScopedBoundedCache } from './boundedCache';
import { parsePhoneIdentity, phoneIdentity } from './customerIdentity';
import { HmacSha256 } from './hmacSha256';
import { Pseudonymiser } from './pseudonym';

const reference = (key: Buffer, text: string) => createHmac('sha256', key).update(text, 'utf8').digest('hex');

describe('HmacSha256', () => {
  it('equals node:crypto for every length around the block boundaries, unicode and lone surrogates', () => {
    for (const keyLength of [32, 48, 64, 65, 100]) {
      const key = randomBytes(keyLength);
      const hmac = new HmacSha256(key);
      for (let n = 0; n < 200; n++) expect(hmac.hex('x'.repeat(n))).toBe(reference(key, 'x'.repeat(n)));
      for (const text of ['', '\u0000', 'é'.repeat(40), '日本語'.repeat(30), '😀'.repeat(33), 'a\ud800b', '\udfff', 'y'.repeat(5000)]) {
        expect(hmac.hex(text)).toBe(reference(key, text));
      }
    }
  });

  it('equals node:crypto on arbitrary strings (property)', () => {
    const key = randomBytes(32);
    const hmac = new HmacSha256(key);
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => hmac.hex(text) === reference(key, text)), { numRuns: 2000 });
  });

  it('keeps instances with different keys apart', () => {
    const [a, b] = [randomBytes(32), randomBytes(32)];
    const [ha, hb] = [new HmacSha256(a), new HmacSha256(b)];
    expect(ha.hex('acme\u0000event\u00001')).toBe(reference(a, 'acme\u0000event\u00001'));
    expect(hb.hex('acme\u0000event\u00001')).toBe(reference(b, 'acme\u0000event\u00001'));
  });
});

describe('Pseudonymiser', () => {
  it('follows SPEC 4, cached or not', () => {
    const key = randomBytes(32);
    const p = new Pseudonymiser(key);
    const spec = (business: string, kind: string, value: string) => reference(key, `${business}\u0000${kind}\u0000${value}`);
    for (let round = 0; round < 2; round++) {
      expect(p.pseudonym('acme', 'customer', '+393331234567')).toBe(spec('acme', 'customer', '+393331234567'));
      expect(p.pseudonym('acme', 'conversation', 'thread-81')).toBe(spec('acme', 'conversation', 'thread-81'));
      expect(p.pseudonym('acme', 'message', 'wamid.1')).toBe(spec('acme', 'message', 'wamid.1'));
      expect(p.pseudonym('acme', 'event', 'evt-1')).toBe(spec('acme', 'event', 'evt-1'));
    }
    // Cached per business and kind: the same value elsewhere is a different pseudonym.
    expect(p.pseudonym('other', 'customer', '+393331234567')).toBe(spec('other', 'customer', '+393331234567'));
    expect(p.pseudonym('acme', 'conversation', '+393331234567')).toBe(spec('acme', 'conversation', '+393331234567'));
    expect(new Pseudonymiser(randomBytes(32)).pseudonym('acme', 'customer', '+393331234567')).not.toBe(spec('acme', 'customer', '+393331234567'));
  });

  it('gives cached and uncached pseudonyms that are equal, over many repeats and evictions (property)', () => {
    const key = randomBytes(32);
    const p = new Pseudonymiser(key, 8); // a tiny cache: most calls evict something
    const kinds = ['customer', 'conversation', 'message'] as const;
    fc.assert(fc.property(fc.array(fc.tuple(fc.constantFrom('a', 'b'), fc.constantFrom(...kinds), fc.string({ maxLength: 20 })), { maxLength: 50 }), (calls) =>
      calls.every(([business, kind, value]) => p.pseudonym(business, kind, value) === reference(key, `${business}\u0000${kind}\u0000${value}`))));
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
