import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PseudonymFilter } from './pseudonymFilter';

const id = (i: number) => createHash('sha256').update(String(i)).digest('hex');

describe('PseudonymFilter', () => {
  it('remembers every id added while adding tables, and says "not stored" for ids never added', () => {
    const index = new PseudonymFilter(16);
    for (let i = 0; i < 200_000; i++) index.add(id(i));
    expect(index.tables).toBeGreaterThan(2);
    expect(index.size).toBe(200_000);
    for (let i = 0; i < 200_000; i++) expect(index.mightContain(id(i))).toBe(true);
    let falseHits = 0;
    for (let i = 200_000; i < 400_000; i++) if (index.mightContain(id(i))) falseHits++;
    expect(falseHits).toBe(0);
  });

  it('sized by forCount, holds that many ids in one table at 3 bytes a slot, then adds a table for a quarter of what it holds', () => {
    const index = PseudonymFilter.forCount(400_000, 0);
    // At most 0.93 full, in whole buckets of 4: 430,108 slots, 1.29 MB for 400,000 ids.
    expect(index.capacity).toBe(430_108);
    for (let i = 0; i < 400_000; i++) index.add(id(i));
    expect(index.tables).toBe(1);
    index.add(id(400_000));
    expect(index.tables).toBe(2);
    expect(index.capacity).toBe(430_108 + 107_528);
    for (let i = 0; i <= 400_000; i++) expect(index.mightContain(id(i))).toBe(true);
  });

  it('finds every id in a table filled to its limit, where most insertions displace others', () => {
    const index = PseudonymFilter.forCount(1_000_000, 0);
    for (let i = 0; i < 1_000_000; i++) index.add(id(i));
    expect(index.tables).toBe(1);
    for (let i = 0; i < 1_000_000; i++) if (!index.mightContain(id(i))) throw new Error(`id ${i} lost`);
    let falseHits = 0;
    for (let i = 1_000_000; i < 1_200_000; i++) if (index.mightContain(id(i))) falseHits++;
    // 8 slots compared against 2^24 fingerprints: ~0.1 expected among 200,000 lookups.
    expect(falseHits).toBeLessThanOrEqual(2);
  });

  it('handles the all-zero fingerprint that marks an empty slot', () => {
    const index = new PseudonymFilter();
    const zero = '0'.repeat(64);
    expect(index.mightContain(zero)).toBe(false);
    index.add(zero);
    expect(index.mightContain(zero)).toBe(true);
    index.add(zero);
    expect(index.size).toBe(1);
  });
});

describe('PseudonymFilter.halves', () => {
  it('reads the first 64 bits as Number.parseInt of the two 8-digit halves would', () => {
    const reference = (text: string) => [Number.parseInt(text.slice(0, 8), 16) >>> 0, Number.parseInt(text.slice(8, 16), 16) >>> 0];
    for (let i = 0; i < 2000; i++) {
      const hex = id(i);
      expect(PseudonymFilter.halves(hex)).toEqual(reference(hex));
    }
    expect(PseudonymFilter.halves('FFFFFFFF00000002')).toEqual([0xffffffff, 2]);
    expect(PseudonymFilter.halves('ffffffffzz')).toEqual(reference('ffffffffzz'));
  });
});

describe('PseudonymFilter fingerprints', () => {
  it('says "maybe stored" for an id with the same first 64 bits as a stored one, and "new" when its fingerprint or home differs', () => {
    const index = new PseudonymFilter();
    const stored = `0123456789abcdef${'0'.repeat(48)}`;
    index.add(stored);
    expect(index.mightContain(`0123456789abcdef${'f'.repeat(48)}`)).toBe(true);
    // Same fingerprint, another home: other buckets, so not taken for the stored one.
    expect(index.mightContain(`0123456789abcdee${'0'.repeat(48)}`)).toBe(false);
    // The fingerprint folds all 32 bits: the first hex digit counts as the last does.
    expect(index.mightContain(`1123456789abcdef${'0'.repeat(48)}`)).toBe(false);
    expect(index.mightContain(`0123456689abcdef${'0'.repeat(48)}`)).toBe(false);
  });

  it('keeps false hits near 8 / 2^24 however many ids it holds', () => {
    // Among 300k stored ids with fingerprints drawn from a space of 2^12, a 64-bit prefix match
    // would be expected ~73 times per lookup; a false hit needs a same-fingerprint id in one of
    // the lookup's two buckets (8 slots), ~0.2% of lookups.
    const index = PseudonymFilter.forCount(300_000, 0);
    const narrow = (i: number) => `00000${id(i).slice(5, 8)}${id(i).slice(8)}`;
    for (let i = 0; i < 300_000; i++) index.add(narrow(i));
    let falseHits = 0;
    for (let i = 300_000; i < 320_000; i++) if (index.mightContain(narrow(i))) falseHits++;
    expect(falseHits / 20_000).toBeLessThan(0.01);
  });
});
