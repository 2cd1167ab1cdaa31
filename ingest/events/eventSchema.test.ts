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
  it.each(['spring_sale', 'Spring-Sale.2026-03', 'Q4_promo.v2', 'x'.repeat(128), 'sale_2026-11-27', 'black-friday-2026-11-27_to_2026-11-30', '123456'])(
    'accepts the campaign tag %s on message.sent', (campaign) => {
      const result = validateEvent({ ...sent, campaign }, 0);
      expect(result.ok && result.event.campaign).toBe(campaign);
    },
  );
  it.each([
    ['', /must be 1 to 128 characters of A-Z, a-z, 0-9, _, - and \./],
    ['x'.repeat(129), /1 to 128 characters/],
    ['spring sale', /A-Z, a-z, 0-9, _, - and \./],
    ['jane.doe@example.com', /A-Z, a-z, 0-9, _, - and \./],
    ['+4915112345678', /A-Z, a-z, 0-9, _, - and \./],
    ['ümlaut_sale', /A-Z, a-z, 0-9, _, - and \./],
    ['4915112345678', /7 or more digits .*personal data/],
    ['0151-2345-6789', /7 or more digits/],
    ['call_0151.234.567', /7 or more digits/],
    ['0151-23-45678', /7 or more digits/],
    ['order_1234567', /7 or more digits/],
    [42, /campaign must be a string/],
  ])('refuses the campaign %j with a clear error, never echoing it', (campaign, error) => {
    const result = validateEvent({ ...sent, campaign }, 2);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.rejection).toMatchObject({ index: 2, field: 'campaign' });
      expect(result.rejection.error).toMatch(error);
      if (typeof campaign === 'string' && campaign.length > 0) expect(result.rejection.error).not.toContain(campaign);
    }
  });
  it.each(['message.delivered', 'message.read', 'message.received', 'customer.opted_out'])('refuses a campaign on %s', (type) => {
    const { sender: _sender, category: _category, ...common } = sent;
    const result = validateEvent({ ...common, type, message: 'w1', campaign: 'spring_sale' }, 0);
    expect(result).toEqual({ ok: false, rejection: { index: 0, field: 'campaign', error: 'campaign is only allowed on message.sent' } });
  });
  it('never echoes a value in its error', () => {
    const result = validateEvent({ ...sent, channel: '+393331234567' }, 0);
    expect(JSON.stringify(result)).not.toContain('393331234567');
  });
});
