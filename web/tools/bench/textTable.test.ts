import { describe, expect, it } from 'vitest';
import { formatBytes, formatMs, formatRatePerSec, formatRatio, formatSections } from './textTable';

describe('formatSections', () => {
  it('aligns each column to its widest cell, right-aligning the columns named so', () => {
    const text = formatSections([{ title: 'T', header: ['what', 'n'], align: 'lr', rows: [['a', '1'], ['longer', '1234']], notes: ['note'] }]);
    expect(text.split('\n')).toEqual(['T', '  what       n', '  ------  ----', '  a          1', '  longer  1234', '  note']);
  });

  it('separates sections with a blank line', () => {
    expect(formatSections([{ title: 'A', rows: [['x', 'y']] }, { title: 'B', rows: [] }])).toBe('A\n  x  y\n\nB');
  });
});

describe('figure formats', () => {
  it('rates, times, sizes and ratios', () => {
    expect(formatRatePerSec(1_234_567)).toBe('1.23M/s');
    expect(formatRatePerSec(54_321)).toBe('54k/s');
    expect(formatRatePerSec(4_800)).toBe('4.8k/s');
    expect(formatMs(12.34)).toBe('12.3 ms');
    expect(formatMs(456.7)).toBe('457 ms');
    expect(formatMs(12_345)).toBe('12.3 s');
    expect(formatBytes(3 * 2 ** 30)).toBe('3.00 GiB');
    expect(formatBytes(40 * 2 ** 20)).toBe('40.0 MiB');
    expect(formatRatio(3.14159)).toBe('3.14x');
    expect(formatRatio(42.4)).toBe('42x');
  });
});
