import type { DemoBusiness, DemoChannel } from './businesses';
import { demoPhoneNumber } from './phoneNumbers';
import { Random } from './random';

export interface DemoCustomer {
  /** As the platform gives it: E.164, a wa_id without "+", a page-scoped id, or a BSUID. */
  id: string;
  channel: DemoChannel;
  /** The customer's country; sent as customer_country only for ids that name no country. */
  country: string;
  isPhone: boolean;
  /**
   * The WhatsApp business-scoped user id (`BR.1234...`), when the integration passes it on: the
   * id itself for a username user (who never shows a number), else beside the phone number.
   */
  bsuid?: string;
  /**
   * Share of the period elapsed when the customer starts hiding the number behind a username:
   * before, events carry the number with the BSUID as alias; from then on only the BSUID.
   */
  hidesNumberFrom?: number;
  /**
   * Set once an event carrying the number with the BSUID was emitted. The demo posts
   * conversations in random time order, as a backfilling client would; its first event of such a
   * customer names both ids (the client knows them from its own records), so the server links them
   * before any BSUID-only event instead of merging two persons afterwards.
   */
  linked?: boolean;
}

/** Shares of WhatsApp customers: username users from the start, and those who become one. */
export const BSUID_ONLY_SHARE = 0.03;
export const HIDES_NUMBER_SHARE = 0.08;

/**
 * A WhatsApp business-scoped user id: the country of the number, a dot, 19 digits (the shape of
 * Meta's examples). A pure function of (seed, business, number): the same person has another
 * BSUID at each business, and the same one at every run.
 */
export function demoBsuid(seed: string, business: string, country: string, e164: string): string {
  const rng = new Random(`bsuid/${seed}/${business}/${e164}`);
  return `${country}.${rng.int(1, 9)}${rng.digits(18)}`;
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
  // A stream of its own, so the numbers and channels drawn are the same as without BSUIDs.
  const usernames = new Random(`${seed}/bsuid/${business.id}`);
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
      const u = channel === 'whatsapp' ? usernames.next() : 1;
      if (u < BSUID_ONLY_SHARE) {
        const bsuid = demoBsuid(seed, business.id, country, e164);
        customers.push({ id: bsuid, channel, country, isPhone: false, bsuid });
      } else if (u < BSUID_ONLY_SHARE + HIDES_NUMBER_SHARE) {
        const hidesNumberFrom = 0.2 + 0.6 * usernames.next();
        customers.push({ id, channel, country, isPhone: true, bsuid: demoBsuid(seed, business.id, country, e164), hidesNumberFrom });
      } else {
        customers.push({ id, channel, country, isPhone: true });
      }
    }
  }
  return new CustomerPool(rng.shuffle(customers));
}
