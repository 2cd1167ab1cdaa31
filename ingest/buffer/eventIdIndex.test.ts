import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EventIdIndex } from './eventIdIndex';

const id = (i: number) => createHash('sha256').update(String(i)).digest('hex');

describe('EventIdIndex', () => {
  it('remembers every id added while growing, and says "not stored" for ids never added', () => {
    const index = new EventIdIndex(16);
    for (let i = 0; i < 50_000; i++) index.add(id(i));
    expect(index.size).toBe(50_000);
    for (let i = 0; i < 50_000; i++) expect(index.mightContain(id(i))).toBe(true);
    let falseHits = 0;
    for (let i = 50_000; i < 100_000; i++) if (index.mightContain(id(i))) falseHits++;
    expect(falseHits).toBe(0);
  });

  it('sized by forCount, holds that many ids without growing, then grows by half and keeps them all', () => {
    const index = EventIdIndex.forCount(100_000, 0);
    const sized = index.capacity;
    expect(sized).toBe(125_000);
    for (let i = 0; i < 100_000; i++) index.add(id(i));
    expect(index.capacity).toBe(sized);
    index.add(id(100_000));
    expect(index.capacity).toBe(Math.ceil(sized * 1.5));
    for (let i = 0; i <= 100_000; i++) expect(index.mightContain(id(i))).toBe(true);
    let falseHits = 0;
    for (let i = 100_001; i < 150_000; i++) if (index.mightContain(id(i))) falseHits++;
    expect(falseHits).toBe(0);
  });

  it('handles the all-zero prefix that marks an empty slot', () => {
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

describe('EventIdIndex keeps 48 bits', () => {
  it('says "maybe stored" for an id sharing the first 48 bits of a stored one, and "new" when bit 48 or earlier differs', () => {
    const index = new EventIdIndex();
    const stored = `0123456789ab${'0'.repeat(52)}`;
    index.add(stored);
    expect(index.mightContain(`0123456789ab${'f'.repeat(52)}`)).toBe(true);
    expect(index.mightContain(`0123456789aa${'0'.repeat(52)}`)).toBe(false);
    expect(index.mightContain(`1123456789ab${'0'.repeat(52)}`)).toBe(false);
  });
});
