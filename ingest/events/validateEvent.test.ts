import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CATEGORIES, CHANNELS, EVENT_TYPES, parseRfc3339Micros, parseRfc3339MicrosSlow, PRICING_TYPES, SENDERS, SOURCES } from './eventSchema';
import { validateEvent, validateWithSchema } from './validateEvent';

const text = (max: number) => fc.oneof(fc.string({ minLength: 1, maxLength: 8 }), fc.constant(''), fc.constant('x'.repeat(max)), fc.constant('x'.repeat(max + 1)));
const instant = fc.oneof(
  fc.date({ min: new Date('1000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom('2026-11-02T09:15:00Z', '2026-11-02T10:15:00.123456789+01:00', '2026-02-30T10:00:00Z', '2026-11-02T09:15:00', '0999-01-01T00:00:00Z', 'x'),
  fc.integer(),
);
const country = fc.constantFrom('DE', 'US', 'GG', 'EU', 'de', '', 'ZZ', 7);
const anyOf = <T,>(values: readonly T[]) => fc.oneof(fc.constantFrom(...values), fc.constant('other'), fc.constant(1), fc.constant(null));
const FIELDS = {
  id: text(128), business: text(64), type: anyOf(EVENT_TYPES), channel: anyOf(CHANNELS), customer: text(256),
  customer_country: country, conversation: text(256), message: text(256), at: instant, sent_at: instant,
  sender: anyOf(SENDERS), category: anyOf(CATEGORIES), template: fc.oneof(text(512), fc.constantFrom('order_confirmation', 'otp_2', 'a'.repeat(512), 'Order Confirmation', 'promo-1', 'ümlaut')), processed_in: country,
  error_code: fc.oneof(fc.integer(), fc.double(), fc.constant(2 ** 60), fc.constant('131049')),
  pricing: anyOf(PRICING_TYPES), source: anyOf(SOURCES),
  campaign: fc.oneof(text(128), fc.constantFrom('Spring_Sale.2026-03-01', 'x'.repeat(128), 'a b', 'jane@example.com', '+4915112345678', '0151-2345-678', 'sale_2026-11-27', 7)),
  customer_aliases: fc.oneof(fc.array(text(256), { maxLength: 6 }), fc.constant('BR.8091'), fc.constant([1])),
  text: fc.string(), favourite_colour: fc.string(), __proto__x: fc.string(),
};
type Event = Record<string, unknown>;
// A valid event of each type, then up to three changes: a field set to any candidate (valid or
// not), removed, or an unknown field added. So both verdicts, and every rule, are exercised.
const base = fc.record({
  type: fc.constantFrom(...EVENT_TYPES), channel: fc.constantFrom(...CHANNELS), at: instant.filter((v) => typeof v === 'string'),
  sender: fc.constantFrom(...SENDERS), category: fc.constantFrom(...CATEGORIES), error_code: fc.integer(),
}).map(({ type, channel, at, sender, category, error_code }): Event => ({
  id: 'e1', business: 'acme', type, channel, customer: '+393331234567', at,
  ...(type.startsWith('message.') ? { conversation: 'c1' } : {}),
  ...(['message.delivered', 'message.read', 'message.failed'].includes(type) ? { message: 'w1' } : {}),
  ...(type === 'message.sent' ? { sender, category } : {}),
  ...(type === 'message.failed' ? { error_code } : {}),
}));
const change = fc.oneof(
  fc.constantFrom(...Object.keys(FIELDS)).chain((field) => FIELDS[field as keyof typeof FIELDS].map((value) => (e: Event) => ({ ...e, [field]: value }))),
  fc.constantFrom(...Object.keys(FIELDS)).map((field) => (e: Event) => Object.fromEntries(Object.entries(e).filter(([k]) => k !== field))),
  fc.constantFrom('__proto__', 'constructor', 'Name', '+393331234567').map((key) => (e: Event) => JSON.parse(JSON.stringify(e).replace('{', `{"${key}":1,`)) as Event),
);
const event = fc.tuple(base, fc.array(change, { maxLength: 3 })).map(([e, changes]) => changes.reduce((acc, f) => f(acc), e));

describe('validateEvent fast path', () => {
  it('agrees with the zod schema on every generated event: same verdict, same event, same rejection', () => {
    let valid = 0;
    fc.assert(fc.property(event, fc.nat(10_000), (value, index) => {
      const fast = validateEvent(value, index);
      const reference = validateWithSchema(value, index);
      expect(fast.ok).toBe(reference.ok);
      if (fast.ok && reference.ok) {
        valid += 1;
        const defined = (o: object) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
        expect(defined(fast.event)).toEqual(defined(reference.event));
      } else {
        expect(fast).toEqual(reference);
      }
    }), { numRuns: 3000 });
    expect(valid).toBeGreaterThan(100);
  });

  it('accepts the events of a healthy integration without the schema, and still rejects the rest', () => {
    const sent = { id: 'm1', business: 'acme', type: 'message.sent', channel: 'whatsapp', customer: '+393331234567', conversation: 'c1', message: 'w1', at: '2026-11-02T09:15:00Z', sent_at: '2026-11-02T09:15:01.5+00:00', sender: 'bot', category: 'marketing', template: 't', processed_in: 'DE' };
    const fast = validateEvent(sent, 0);
    expect(fast.ok && fast.event).toBe(sent); // the fast path hands the object on as it is
    expect(validateEvent({ ...sent, error_code: 1 }, 4)).toEqual({ ok: false, rejection: { index: 4, field: 'error_code', error: 'error_code is only allowed on message.failed' } });
    const { id: _id, ...withoutId } = sent;
    expect(validateEvent(withoutId, 1)).toEqual({ ok: false, rejection: { index: 1, field: 'id', error: 'id is required' } });
  });
});

describe('parseRfc3339Micros', () => {
  it('agrees with the reference parser on generated timestamps, valid and not', () => {
    const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
    const stamp = fc.tuple(
      fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.constantFrom(1900, 2000, 2024, 2026, 2100, 999, 1000)).map((n) => String(n).padStart(4, '0')),
      two(13), two(32), fc.constantFrom('T', 't', ' ', '_'), two(25), two(61), two(61),
      fc.oneof(fc.constant(''), fc.constant('.'), fc.stringMatching(/^\.\d{1,10}$/)),
      fc.oneof(fc.constantFrom('Z', 'z', '', 'ZZ', '+0530', '+05:30', '-00:00'), fc.tuple(fc.constantFrom('+', '-'), two(25), two(61)).map(([s, h, m]) => `${s}${h}:${m}`)),
    ).map(([y, mo, d, t, h, mi, s, f, o]) => `${y}-${mo}-${d}${t}${h}:${mi}:${s}${f}${o}`);
    fc.assert(fc.property(fc.oneof(stamp, fc.string()), (value) => parseRfc3339Micros(value) === parseRfc3339MicrosSlow(value)), { numRuns: 20_000 });
  });
});
