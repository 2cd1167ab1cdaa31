import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EventIdIndex } from './eventIdIndex';

const id = (i: number) => createHash('sha256').update(String(i)).digest('hex');

describe('EventIdIndex', () => {
  it('remembers every id added while adding tables, and says "not stored" for ids never added', () => {
    const index = new EventIdIndex(16);
    for (let i = 0; i < 200_000; i++) index.add(id(i));
    expect(index.tables).toBeGreaterThan(2);
    expect(index.size).toBe(200_000);
    for (let i = 0; i < 200_000; i++) expect(index.mightContain(id(i))).toBe(true);
    let falseHits = 0;
    for (let i = 200_000; i < 400_000; i++) if (index.mightContain(id(i))) falseHits++;
    expect(falseHits).toBe(0);
  });

  it('sized by forCount, holds that many ids in one table, then adds a table for a quarter of what it holds', () => {
    const index = EventIdIndex.forCount(400_000, 0);
    expect(index.capacity).toBe(500_000);
    for (let i = 0; i < 400_000; i++) index.add(id(i));
    expect(index.tables).toBe(1);
    index.add(id(400_000));
    expect(index.tables).toBe(2);
    expect(index.capacity).toBe(500_000 + 125_000);
    for (let i = 0; i <= 400_000; i++) expect(index.mightContain(id(i))).toBe(true);
  });

  it('handles the all-zero fingerprint that marks an empty slot', () => {
    const index = new EventIdIndex();
    const zero = '0'.repeat(64);
    expect(index.mightContain(zero)).toBe(false);
    index.add(zero);
    expect(index.mightContain(zero)).toBe(true);
    index.add(zero);
    expect(index.size).toBe(1);
  });
});

describe('EventIdIndex.halves', () => {
  it('reads the first 64 bits as Number.parseInt of the two 8-digit halves would', () => {
    const reference = (text: string) => [Number.parseInt(text.slice(0, 8), 16) >>> 0, Number.parseInt(text.slice(8, 16), 16) >>> 0];
    for (let i = 0; i < 2000; i++) {
      const hex = id(i);
      expect(EventIdIndex.halves(hex)).toEqual(reference(hex));
    }
    expect(EventIdIndex.halves('FFFFFFFF00000002')).toEqual([0xffffffff, 2]);
    expect(EventIdIndex.halves('ffffffffzz')).toEqual(reference('ffffffffzz'));
  });
});

describe('EventIdIndex fingerprints', () => {
  it('says "maybe stored" for an id with the same first 64 bits as a stored one, and "new" when either 32-bit word differs', () => {
    const index = new EventIdIndex();
    const stored = `0123456789abcdef${'0'.repeat(48)}`;
    index.add(stored);
    expect(index.mightContain(`0123456789abcdef${'f'.repeat(48)}`)).toBe(true);
    // Same fingerprint, another home: a different probe run, so not taken for the stored one.
    expect(index.mightContain(`0123456789abcdee${'0'.repeat(48)}`)).toBe(false);
    expect(index.mightContain(`1123456789abcdef${'0'.repeat(48)}`)).toBe(false);
  });

  it('keeps false hits near probe-run length / 2^32 however many ids it holds', () => {
    // 2^32 fingerprints but only one run compared: among 300k stored ids with fingerprints drawn
    // from a space of 2^12, a 64-bit prefix match would be expected ~73 times per lookup; a false
    // hit needs a same-fingerprint id within ~13 slots of the probe run, ~0.3% of lookups.
    const index = EventIdIndex.forCount(300_000, 0);
    const narrow = (i: number) => `00000${id(i).slice(5, 8)}${id(i).slice(8)}`;
    for (let i = 0; i < 300_000; i++) index.add(narrow(i));
    let falseHits = 0;
    for (let i = 300_000; i < 320_000; i++) if (index.mightContain(narrow(i))) falseHits++;
    expect(falseHits / 20_000).toBeLessThan(0.01);
  });
});
