import type { DemoBusiness, DemoChannel } from './businesses';
import { demoPhoneNumber } from './phoneNumbers';
import type { Random } from './random';

export interface DemoCustomer {
  /** As the platform gives it: E.164, a wa_id without "+", or a page-scoped id. */
  id: string;
  channel: DemoChannel;
  /** The customer's country; sent as customer_country only for ids that are not phone numbers. */
  country: string;
  isPhone: boolean;
}

/** Customers of one business, drawn from its country and channel mix. */
export class CustomerPool {
  readonly customers: DemoCustomer[];
  #next = 0;

  constructor(customers: DemoCustomer[]) {
    this.customers = customers;
  }

  /**
   * Every customer once (so even a small run shows the whole mix), then repeat customers with a
   * long tail: a few write often, most rarely.
   */
  pick(rng: Random): DemoCustomer {
    if (this.#next < this.customers.length) return this.customers[this.#next++]!;
    return this.customers[Math.floor(this.customers.length * rng.next() ** 1.7)]!;
  }
}

/** How many customers of each country a pool of this size holds: every country at least one. */
export function countryCounts(business: DemoBusiness, size: number): Map<string, number> {
  const total = business.customerCountries.reduce((sum, [, weight]) => sum + weight, 0);
  return new Map(business.customerCountries.map(([country, weight]) => [country, Math.max(1, Math.round((weight / total) * size))]));
}

/**
 * Builds a business's pool. Phone numbers are drawn from a range per country shared by all
 * businesses (phoneRange), so some people are customers of several businesses, as in life.
 */
export function buildCustomerPool(
  rng: Random, seed: string, business: DemoBusiness, size: number, phoneRange: (country: string) => number,
): CustomerPool {
  const customers: DemoCustomer[] = [];
  const usedNumbers = new Set<string>();
  for (const [country, count] of countryCounts(business, size)) {
    for (let i = 0; i < count; i++) {
      const channel = rng.weighted(business.channels);
      if (channel === 'messenger' || channel === 'instagram') {
        // Page-scoped ids: opaque digits, unrelated to the person's phone number.
        customers.push({ id: `${rng.int(1, 9)}${rng.digits(15)}`, channel, country, isPhone: false });
        continue;
      }
      const range = phoneRange(country);
      let index = rng.int(0, range - 1);
      while (usedNumbers.has(`${country}/${index}`)) index = (index + 1) % range;
      usedNumbers.add(`${country}/${index}`);
      const e164 = demoPhoneNumber(seed, country, index);
      const id = channel === 'whatsapp' && business.waIdWithoutPlus ? e164.slice(1) : e164;
      customers.push({ id, channel, country, isPhone: true });
    }
  }
  return new CustomerPool(rng.shuffle(customers));
}
