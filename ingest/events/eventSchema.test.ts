import { describe, expect, it } from 'vitest';
import { parseRfc3339Micros } from './eventSchema';
import { validateEvent } from './validateEvent';

describe('RFC 3339 timestamps', () => {
  it('reads offsets and fractions to the microsecond', () => {
    expect(parseRfc3339Micros('2026-11-02T09:15:00Z')).toBe(Date.UTC(2026, 10, 2, 9, 15) * 1000);
    expect(parseRfc3339Micros('2026-11-02T10:15:00.123456+01:00')).toBe(Date.UTC(2026, 10, 2, 9, 15) * 1000 + 123456);
  });
  it.each(['2026-02-30T10:00:00Z', '2026-11-02T09:15:00', '2026-11-02', '1730538900', '2026-11-02T24:00:00Z', 'yesterday'])('rejects %s', (text) => {
    expect(parseRfc3339Micros(text)).toBeNull();
  });
});

describe('event validation', () => {
  const sent = { id: 'm1', business: 'acme', type: 'message.sent', channel: 'whatsapp', customer: '+393331234567', conversation: 'c1', at: '2026-11-02T09:15:00Z', sender: 'bot', category: 'marketing' };
  it('accepts a complete message.sent', () => {
    expect(validateEvent(sent, 0).ok).toBe(true);
  });
  it.each([
    [{ ...sent, caption: 'x' }, 'caption', /never accepted/],
    [{ ...sent, email: 'a@b.c' }, 'email', /never accepted/],
    [{ ...sent, favourite_colour: 'blue' }, 'favourite_colour', /unknown field/],
    [{ ...sent, category: undefined }, 'category', /required for message.sent/],
    [{ ...sent, type: 'customer.blocked' }, 'sender', /only allowed on message.sent/],
    [{ ...sent, type: 'message.read' }, 'message', /required for delivered, read and failed/],
    [{ ...sent, id: 'x'.repeat(129) }, 'id', /at most 128/],
    [{ ...sent, processed_in: 'EU' }, 'processed_in', /ISO 3166-1/],
  ])('rejects %#', (event, field, error) => {
    const result = validateEvent(event, 3);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.rejection).toMatchObject({ index: 3, field });
      expect(result.rejection.error).toMatch(error);
    }
  });
  it('never echoes a value in its error', () => {
    const result = validateEvent({ ...sent, channel: '+393331234567' }, 0);
    expect(JSON.stringify(result)).not.toContain('393331234567');
  });
});
