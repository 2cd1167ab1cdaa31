import { ADEQUATE_COUNTRIES } from './adequacy';

/**
 * Customer region classes, from the stored `customer_region` (the region of the phone
 * number itself, so +1 876 is JM and +44 1481 is GG, or the declared customer_country, or ZZ).
 */

/** EU-27. */
export const EU_COUNTRIES = [
  'AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'HU', 'IE', 'IT', 'LV', 'LT', 'LU', 'MT', 'NL',
  'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE',
] as const;
/**
 * EU outermost regions with ISO codes of their own count as EU. The others (Azores,
 * Madeira, Canary Islands) share PT/ES codes already. The list is exactly: AX (Åland),
 * which libphonenumber can return for +358 18 numbers, is not on it and so falls in `third`.
 */
export const EU_OUTERMOST_REGIONS = ['GP', 'GF', 'MQ', 'RE', 'YT', 'MF'] as const;
export const EEA_EFTA = ['IS', 'LI', 'NO'] as const;

export const EEA_COUNTRIES: ReadonlySet<string> = new Set([...EU_COUNTRIES, ...EU_OUTERMOST_REGIONS, ...EEA_EFTA]);
const ADEQUATE: ReadonlySet<string> = new Set(ADEQUATE_COUNTRIES);
// A decision for an EEA country would be a data-file mistake that silently reclassifies nobody.
if (ADEQUATE_COUNTRIES.some((c) => EEA_COUNTRIES.has(c))) throw new Error('the adequacy list names an EEA country');

export const REGION_CLASSES = ['eea', 'adequate', 'third', 'unknown'] as const;
export type RegionClass = (typeof REGION_CLASSES)[number];

export const UNKNOWN_REGION = 'ZZ';

export function regionClass(region: string): RegionClass {
  if (EEA_COUNTRIES.has(region)) return 'eea';
  if (ADEQUATE.has(region)) return 'adequate';
  if (region === UNKNOWN_REGION) return 'unknown';
  return 'third';
}

export const isEeaCountry = (country: string) => EEA_COUNTRIES.has(country);

/** Every region whose class is not `third`, with its class: the rule as data, for SQL (residencySql). */
export const CLASSED_REGIONS: readonly (readonly [string, Exclude<RegionClass, 'third'>])[] = [
  ...[...EEA_COUNTRIES].map((c) => [c, 'eea'] as const),
  ...[...ADEQUATE].map((c) => [c, 'adequate'] as const),
  [UNKNOWN_REGION, 'unknown'],
];
