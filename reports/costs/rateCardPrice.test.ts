import { describe, expect, it } from 'vitest';
import type { RateCardPrice, RateCardVersion } from '../../db/rateCards';
import { priceOf, priceOnDate, versionInForce } from './rateCardPrice';

const version = (v: number, effectiveFrom: string, prices: RateCardPrice[], currency = 'EUR'): RateCardVersion => ({
  cardId: 'default', version: v, currency, effectiveFrom, uploadedAt: '2026-06-01T00:00:00.000Z', uploadedBy: 'admin', prices,
});
const row = (category: string, country: string, priceMicros: number): RateCardPrice => ({ category, country, priceMicros });
const at = (iso: string) => Date.parse(iso);

// Sorted as db/rateCards.ts returns them: by effectiveFrom, then version.
const JANUARY = version(1, '2026-01-01', [row('marketing', 'DE', 113_100), row('utility', 'DE', 49_900), row('marketing', '*', 60_000)]);
const JULY = version(2, '2026-07-01', [row('marketing', 'DE', 124_400), row('utility', 'DE', 52_000)]);
const CARD = [JANUARY, JULY];

describe('priceOf: the card version in force on the send date', () => {
  it('prices a send on 30 June with the January card and one on 1 July with the July card', () => {
    expect(priceOf(CARD, { category: 'marketing', country: 'DE', sentAtMs: at('2026-06-30T23:59:59.999Z') }))
      .toEqual({ price: 0.1131, priceMicros: 113_100, currency: 'EUR', card: 'default', version: 1, effectiveFrom: '2026-01-01' });
    expect(priceOf(CARD, { category: 'marketing', country: 'DE', sentAtMs: at('2026-07-01T00:00:00Z') }))
      .toEqual({ price: 0.1244, priceMicros: 124_400, currency: 'EUR', card: 'default', version: 2, effectiveFrom: '2026-07-01' });
  });

  it('uses the UTC date of the send, not a local one', () => {
    // 1 July 01:30 in Berlin is still 30 June in UTC.
    expect(priceOf(CARD, { category: 'utility', country: 'DE', sentAtMs: at('2026-07-01T01:30:00+02:00') })?.price).toBe(0.0499);
  });

  it('is null without a card, before the first version, and for a category the version does not price', () => {
    expect(priceOf([], { category: 'marketing', country: 'DE', sentAtMs: at('2026-07-01T00:00:00Z') })).toBeNull();
    expect(priceOf(CARD, { category: 'marketing', country: 'DE', sentAtMs: at('2025-12-31T23:59:59Z') })).toBeNull();
    expect(priceOf(CARD, { category: 'authentication', country: 'DE', sentAtMs: at('2026-03-01T00:00:00Z') })).toBeNull();
  });

  it('falls back to the `*` row for a country without its own, only in the version that has one', () => {
    expect(priceOnDate(CARD, { category: 'marketing', country: 'BR', utcDate: '2026-03-01' })?.priceMicros).toBe(60_000);
    expect(priceOnDate(CARD, { category: 'marketing', country: 'ZZ', utcDate: '2026-03-01' })?.priceMicros).toBe(60_000);
    // The July card has no fallback: a Brazilian recipient's cost is then unknown.
    expect(priceOnDate(CARD, { category: 'marketing', country: 'BR', utcDate: '2026-07-02' })).toBeNull();
  });

  it('takes the latest effective date among all versions, whatever their upload order, and the later upload of a date', () => {
    // Version 3 was uploaded last but back-dates a correction to April; version 4 corrects July.
    const april = version(3, '2026-04-01', [row('marketing', 'DE', 115_000)], 'USD');
    const julyFixed = version(4, '2026-07-01', [row('marketing', 'DE', 120_000)]);
    const versions = [JANUARY, april, JULY, julyFixed];
    expect(versionInForce(versions, '2026-03-31')?.version).toBe(1);
    expect(priceOnDate(versions, { category: 'marketing', country: 'DE', utcDate: '2026-05-15' })).toMatchObject({ version: 3, currency: 'USD', price: 0.115 });
    expect(priceOnDate(versions, { category: 'marketing', country: 'DE', utcDate: '2026-07-01' })).toMatchObject({ version: 4, priceMicros: 120_000 });
  });
});
