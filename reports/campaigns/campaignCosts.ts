import { loadRateCardVersions, rateCardOfBusiness, type RateCardVersion } from '../../db/rateCards';
import type { RegistryStore } from '../../db/store';
import { priceOnDate } from '../costs/rateCardPrice';
import { dateOfDay } from '../period';

/** The card a business's sends are priced with, with every version of it. */
export interface BusinessRateCard {
  card: string;
  versions: RateCardVersion[];
}

/** The business's card (its own, else 'default'); null when none applies (no card uploaded). */
export type RateCardOf = (business: string) => Promise<BusinessRateCard | null>;

export function rateCardFromRegistry(store: RegistryStore): RateCardOf {
  return async (business) => {
    const card = await rateCardOfBusiness(store, business);
    return card === null ? null : { card, versions: await loadRateCardVersions(store, card) };
  };
}

/** A row's charged messages of one recipient country and UTC send day (days since 1970-01-01). */
export interface ChargedMessages {
  category: string | null;
  country: string;
  day: number;
  charged: number;
}

/** What a row's charged messages cost: the priced ones' sum, and how many found no price. */
export interface RowCost {
  /** Millionths of the currency unit, over the priced messages. */
  costMicros: number;
  priced: number;
  unpriced: number;
  currencies: Set<string>;
}

/**
 * Prices each charged message with the card version in force on its send's UTC date, by its
 * category and recipient country (or the version's `*` row). A message without a price (a send
 * before the card's first version, a category or country the version has no row for, no
 * category reported) is counted in `unpriced`, never as free.
 */
export function costOf(charges: readonly ChargedMessages[], card: BusinessRateCard): RowCost {
  const cost: RowCost = { costMicros: 0, priced: 0, unpriced: 0, currencies: new Set() };
  for (const { category, country, day, charged } of charges) {
    const price = category === null ? null : priceOnDate(card.versions, { category, country, utcDate: dateOfDay(day) });
    if (price === null) {
      cost.unpriced += charged;
      continue;
    }
    cost.costMicros += price.priceMicros * charged;
    cost.priced += charged;
    cost.currencies.add(price.currency);
  }
  return cost;
}
