import { describe, expect, it } from 'vitest';
import { compareRow, compareRows, keyOfFields } from './compareRows';
import { previousPeriod } from './previousPeriod';

const row = (key: string, figures: Record<string, number | null>, suppressed: string[] = []) => ({ key, ...figures, suppressed });

describe('compareRow', () => {
  it('subtracts the previous figure from the current one, rates as rates', () => {
    expect(compareRow(row('a', { sent: 12, read_rate: 0.5 }), row('a', { sent: 10, read_rate: 0.75 }), ['sent', 'read_rate']))
      .toEqual({ change: { sent: 2, read_rate: -0.25 }, change_suppressed: [] });
  });

  it('withholds a change computed from a withheld figure, and says which period withheld it', () => {
    const current = row('a', { sent: null, read_rate: 0.5, block_rate: null, delivered: 4 }, ['sent', 'block_rate']);
    const previous = row('a', { sent: 3, read_rate: null, block_rate: null, delivered: 4 }, ['read_rate', 'block_rate']);
    expect(compareRow(current, previous, ['sent', 'read_rate', 'block_rate', 'delivered'])).toEqual({
      change: { sent: null, read_rate: null, block_rate: null, delivered: 0 },
      change_suppressed: ['sent: withheld in this period', 'read_rate: withheld in the previous period', 'block_rate: withheld in both periods'],
    });
  });

  it('has no change without a previous row, and names it', () => {
    expect(compareRow(row('a', { sent: 5, read: null }, ['read']), undefined, ['sent', 'read'])).toEqual({
      change: { sent: null, read: null },
      change_suppressed: ['sent: no row in the previous period', 'read: withheld in this period'],
    });
  });

  it('gives a figure that is null but not withheld (a rate of nothing) a null change, not a withheld one', () => {
    expect(compareRow(row('a', { opt_out_rate: 0.1 }), row('a', { opt_out_rate: null }), ['opt_out_rate']))
      .toEqual({ change: { opt_out_rate: null }, change_suppressed: [] });
  });
});

describe('compareRows', () => {
  it('matches rows by their key, whatever their order, and lists only the current rows', () => {
    const current = [row('b', { sent: 1 }), row('a', { sent: 7 })];
    const previous = [row('a', { sent: 4 }), row('gone', { sent: 9 })];
    const compared = compareRows(current, previous, keyOfFields('key'), ['sent']);
    expect(compared.map((r) => [r.key, r.change.sent, r.change_suppressed])).toEqual([
      ['b', null, ['sent: no row in the previous period']],
      ['a', 3, []],
    ]);
    expect(compared[1]).toMatchObject({ key: 'a', sent: 7, suppressed: [] });
  });

  it('tells keys of several fields apart, null included', () => {
    const keyOf = keyOfFields('template', 'category');
    expect(keyOf({ template: null, category: 'x', suppressed: [] } as never)).not.toBe(keyOf({ template: 'null', category: 'x', suppressed: [] } as never));
    expect(keyOf({ template: 'a,b', category: 'c', suppressed: [] } as never)).not.toBe(keyOf({ template: 'a', category: 'b,c', suppressed: [] } as never));
  });
});

describe('previousPeriod', () => {
  it('is as many days long and ends the day before from', () => {
    expect(previousPeriod({ from: '2026-03-02', to: '2026-03-08' })).toEqual({ from: '2026-02-23', to: '2026-03-01' });
    expect(previousPeriod({ from: '2026-03-01', to: '2026-03-01' })).toEqual({ from: '2026-02-28', to: '2026-02-28' });
    expect(previousPeriod({ from: '2024-03-01', to: '2024-03-31' })).toEqual({ from: '2024-01-30', to: '2024-02-29' });
  });
});
