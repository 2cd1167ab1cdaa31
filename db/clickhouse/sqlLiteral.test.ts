import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identifier, literal, literalTuple } from './sqlLiteral';
import { openChdb, type ChdbEngine } from './testing/chdbEngine';
import { HOSTILE_STRINGS } from './testing/hostileStrings';

describe('literal', () => {
  it('quotes and escapes strings', () => {
    expect(literal("it's")).toBe("'it\\'s'");
    expect(literal('a\\b')).toBe("'a\\\\b'");
    expect(literal('nul\0')).toBe("'nul\\0'");
    expect(literal('a\nb')).toBe("'a\\nb'");
    expect(literal('\u0007')).toBe("'\\x07'");
  });

  it('writes numbers, booleans, null, dates and arrays', () => {
    expect(literal(42)).toBe('42');
    expect(literal(-1.5)).toBe('(-1.5)');
    expect(literal(12345678901234567890n)).toBe('12345678901234567890');
    expect(literal(true)).toBe('1');
    expect(literal(null)).toBe('NULL');
    expect(literal(new Date('2026-04-06T10:00:00Z'))).toBe("toDateTime('2026-04-06 10:00:00', 'UTC')");
    expect(literal(['a', 1, null, ["b'"]])).toBe("['a', 1, NULL, ['b\\'']]");
    expect(literalTuple(['a', 'b'])).toBe("('a', 'b')");
  });

  it('refuses what it cannot write faithfully', () => {
    expect(() => literal(Number.NaN)).toThrow();
    expect(() => literal(Number.POSITIVE_INFINITY)).toThrow();
    expect(() => literal('lone \uD800 surrogate')).toThrow(/surrogate/);
    expect(() => literal(new Date('2026-04-06T10:00:00.5Z'))).toThrow(/whole seconds/);
    expect(() => literal(new Date(Number.NaN))).toThrow();
    expect(() => literalTuple([])).toThrow();
    expect(() => literal({} as never)).toThrow();
  });

  it('accepts plain identifiers only', () => {
    expect(identifier('mpa_test1')).toBe('mpa_test1');
    for (const name of ['', '1abc', 'a-b', 'a.b', 'a b', "a'", 'a`', 'x'.repeat(64)]) expect(() => identifier(name)).toThrow();
  });
});

describe('literal on ClickHouse 26.x (chdb)', () => {
  let chdb: ChdbEngine;
  beforeAll(() => { chdb = openChdb(); });
  afterAll(() => chdb.close());

  it('reads every hostile string back exactly', () => {
    for (const value of HOSTILE_STRINGS) {
      const [row] = chdb.query<{ v: string; n: number }>(`SELECT ${literal(value)} AS v, length(${literal(value)}) AS n`);
      expect(row?.v).toBe(value);
      expect(row?.n).toBe(Buffer.byteLength(value));
    }
  });

  it('reads numbers, dates and arrays back', () => {
    const [row] = chdb.query<Record<string, unknown>>(
      `SELECT ${literal(-7)} AS neg, ${literal(0.25)} AS frac, toUnixTimestamp(${literal(new Date('2026-04-06T10:00:00Z'))}) AS ts, ${literal(['a', "b'"])} AS arr`,
    );
    expect(row).toEqual({ neg: -7, frac: 0.25, ts: Date.parse('2026-04-06T10:00:00Z') / 1000, arr: ['a', "b'"] });
  });
});
