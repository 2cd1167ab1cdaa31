import type { Period } from './conversations';

/**
 * The demo's rate card: made-up prices in EUR, in the shape of Meta's (per category and recipient
 * country, a `*` row for the rest), so that the Campaigns page can show costs. Not Meta's prices:
 * the card is named so, and the product ships none. Its second version takes effect halfway
 * through the demo's period (marketing dearer, utility cheaper), as Meta's cards changed in
 * January and July 2026, so each send is priced with the version of its date.
 */

export const DEMO_RATE_CARD = 'demo-illustrative';

export interface DemoRateCardVersion {
  currency: string;
  effective_from: string;
  prices: { category: string; country: string; price: number }[];
}

// EUR per delivered message, the first version's; `*` is every other country.
const BASE: Record<string, Record<string, number>> = {
  marketing: { DE: 0.12, FR: 0.08, ES: 0.06, IT: 0.065, NL: 0.14, IE: 0.07, GB: 0.05, PL: 0.045, US: 0.023, '*': 0.06 },
  marketing_lite: { '*': 0.045 },
  utility: { DE: 0.05, FR: 0.03, ES: 0.02, GB: 0.02, US: 0.004, '*': 0.02 },
  authentication: { DE: 0.05, FR: 0.03, ES: 0.02, GB: 0.03, US: 0.012, '*': 0.025 },
  authentication_international: { '*': 0.05 },
};
const SECOND_VERSION = { marketing: 1.15, marketing_lite: 1.15, utility: 0.8, authentication: 1, authentication_international: 1 } as const;

const DAY = 86_400_000;
const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function demoRateCard(period: Period): DemoRateCardVersion[] {
  const version = (effectiveFrom: string, factorOf: (category: string) => number): DemoRateCardVersion => ({
    currency: 'EUR',
    effective_from: effectiveFrom,
    prices: Object.entries(BASE).flatMap(([category, byCountry]) =>
      Object.entries(byCountry).map(([country, price]) => ({ category, country, price: Math.round(price * factorOf(category) * 1e6) / 1e6 }))),
  });
  const midpoint = period.start + Math.floor((period.end - period.start) / DAY / 2) * DAY;
  return [
    version(dateOf(period.start - DAY), () => 1),
    version(dateOf(midpoint), (category) => SECOND_VERSION[category as keyof typeof SECOND_VERSION]),
  ];
}
