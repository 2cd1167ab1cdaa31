import { describe, expect, it } from 'vitest';
import { redactedErrorMessage } from './logger';

describe('redactedErrorMessage', () => {
  it('keeps the kind of failure and masks the values a database error quotes', () => {
    const error = new Error(`Constraint Error: duplicate key "acme, ${'ab12'.repeat(16)}" at +4915123456789`);
    const logged = redactedErrorMessage(error);
    expect(logged).toMatch(/^Error: Constraint Error: duplicate key "acme, <hex>" at \+<(hex|number)>$/);
    expect(redactedErrorMessage(new Error('row 123456 of 7 failed'))).toBe('Error: row <number> of 7 failed');
    expect(redactedErrorMessage('Out of Memory Error: could not allocate block of size 256.0 KiB')).toContain('Out of Memory');
  });
});
