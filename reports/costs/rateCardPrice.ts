import { ANY_COUNTRY, type RateCardVersion } from '../../db/rateCards';
import { dateOfDay, dayOfMs } from '../period';

/** What one charged message costs, and which card version said so. */
export interface MessagePrice {
  /** In the version's currency unit (priceMicros / 1e6). */
  price: number;
  /** Millionths of the currency unit: exact, for sums over many messages. */
  priceMicros: number;
  currency: string;
  card: string;
  version: number;
  effectiveFrom: string;
}

export interface PricedSend {
  category: string;
  /** The recipient's ISO 3166-1 alpha-2 country (ZZ or any code without a row: the `*` price). */
  country: string;
  /** The send's instant, milliseconds since the epoch; its UTC date picks the version. */
  sentAtMs: number;
}

/** The UTC date (YYYY-MM-DD) of an instant. */
export const utcDateOf = (ms: number) => dateOfDay(dayOfMs(ms));

/**
 * The version in force on a UTC date: the latest effectiveFrom at or before it, among all versions
 * of the card; of two with the same effectiveFrom, the later upload (a correction). Undefined
 * before the first. `versions` in db/rateCards.ts loadRateCardVersions' order (effectiveFrom, version).
 */
export function versionInForce(versions: readonly RateCardVersion[], utcDate: string): RateCardVersion | undefined {
  let inForce: RateCardVersion | undefined;
  for (const v of versions) {
    if (v.effectiveFrom > utcDate) break;
    inForce = v;
  }
  return inForce;
}

// One lookup table per version, built on first use: a report prices many (category, country) pairs.
const lookups = new WeakMap<RateCardVersion, Map<string, number>>();
const lookupKey = (category: string, country: string) => `${category}/${country}`;

function lookupOf(version: RateCardVersion): Map<string, number> {
  let lookup = lookups.get(version);
  if (!lookup) {
    lookup = new Map(version.prices.map((p) => [lookupKey(p.category, p.country), p.priceMicros]));
    lookups.set(version, lookup);
  }
  return lookup;
}

/**
 * The price of one charged message: the version in force on the send's UTC date, its row for the
 * category and country, else its `*` row for the category. Null when no version is in force yet
 * or the version has neither row: an unknown cost, never zero.
 */
export function priceOf(versions: readonly RateCardVersion[], send: PricedSend): MessagePrice | null {
  return priceOnDate(versions, { category: send.category, country: send.country, utcDate: utcDateOf(send.sentAtMs) });
}

/** priceOf for the sends of one UTC date (YYYY-MM-DD), as a report groups them. */
export function priceOnDate(versions: readonly RateCardVersion[], send: { category: string; country: string; utcDate: string }): MessagePrice | null {
  const version = versionInForce(versions, send.utcDate);
  if (!version) return null;
  const lookup = lookupOf(version);
  const priceMicros = lookup.get(lookupKey(send.category, send.country)) ?? lookup.get(lookupKey(send.category, ANY_COUNTRY));
  if (priceMicros === undefined) return null;
  return {
    price: priceMicros / 1_000_000,
    priceMicros,
    currency: version.currency,
    card: version.cardId,
    version: version.version,
    effectiveFrom: version.effectiveFrom,
  };
}
