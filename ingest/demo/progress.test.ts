import { describe, expect, it } from 'vitest';
import { formatRate } from './progress';

describe('formatRate', () => {
  it('shows slow rates with a decimal, so a few report requests a second never read as 0/s', () => {
    expect([formatRate(0.3), formatRate(2.04), formatRate(42.4), formatRate(4_321), formatRate(22_456)]).toEqual(['0.3', '2.0', '42', '4.3k', '22k']);
  });
});
