import { complementarySuppression, withSuppressed, type FigureGroup } from '../suppression';
import type { LocationStatus } from './locationStatus';
import { REGION_CLASSES } from './regionClass';
import type { ResidencyRow } from './residency';

/**
 * Complementary suppression within one business's residency row (../suppression.ts). Its counts
 * cover one another: every EEA customer was processed in at least one location's country, so the
 * countries' EEA customers cover `customers_by_class.eea`, and the exposed countries' cover
 * `exposure` (`cover` in the metric catalogue's terms: a customer processed in two countries is in
 * both). Total minus the other countries is then a lower bound of a hidden country's count, exact
 * when nobody was processed in two, so no such group keeps exactly one hidden part. Several
 * processors in one country share its count: they are one part, hidden together. Then the flag
 * follows the exposure it rests on: an `exposed` flag is withheld with its exposure.
 */
export function withComplementarySuppression(row: ResidencyRow, flag: LocationStatus): ResidencyRow {
  // An international organisation holds no customers (no event is processed in it): no part of a group.
  const inCountries = row.locations.filter((l): l is typeof l & { country: string } => l.country !== null);
  const countries = [...new Set(inCountries.map((l) => l.country))];
  const exposed = [...new Set(inCountries.filter((l) => l.status === 'exposed').map((l) => l.country))];
  const countryKey = (country: string) => `country.${country}`;
  const groups: FigureGroup[] = [
    { total: 'customers_by_class.eea', parts: countries.map(countryKey) },
    { total: 'exposure', parts: exposed.map(countryKey) },
  ];
  const visible = new Map<string, number>();
  const hidden = new Set<string>();
  const note = (key: string, value: number | null, withheld: boolean) => (withheld ? hidden.add(key) : visible.set(key, value ?? 0));
  note('exposure', row.exposure, row.suppressed.includes('exposure'));
  note('customers_by_class.eea', row.customers_by_class.eea, row.suppressed.includes('customers_by_class.eea'));
  for (const country of countries) {
    const i = row.locations.findIndex((l) => l.country === country);
    note(countryKey(country), row.locations[i]!.eea_customers, row.suppressed.includes(`locations.${i}.eea_customers`));
  }
  const added = complementarySuppression(visible, hidden, groups);
  let result = row;
  for (const key of added) result = hideKey(result, key);
  if (flag === 'exposed' && result.flag !== null && result.suppressed.includes('exposure')) {
    result = { ...result, flag: null, suppressed: withSuppressed(result.suppressed, ['flag'], fieldOrder(result)) };
  }
  return result;
}

function hideKey(row: ResidencyRow, key: string): ResidencyRow {
  const order = fieldOrder(row);
  if (key === 'exposure') return { ...row, exposure: null, suppressed: withSuppressed(row.suppressed, [key], order) };
  if (key === 'customers_by_class.eea') {
    return { ...row, customers_by_class: { ...row.customers_by_class, eea: null }, suppressed: withSuppressed(row.suppressed, [key], order) };
  }
  const country = key.slice('country.'.length);
  const paths = row.locations.flatMap((l, i) => (l.country === country ? [`locations.${i}.eea_customers`] : []));
  return {
    ...row,
    locations: row.locations.map((l) => (l.country === country ? { ...l, eea_customers: null } : l)),
    suppressed: withSuppressed(row.suppressed, paths, order),
  };
}

/** The row's figures in the order its fields come: the `suppressed` list follows it. */
const fieldOrder = (row: ResidencyRow) => [
  'flag', 'exposure', ...REGION_CLASSES.map((c) => `customers_by_class.${c}`), ...row.locations.map((_, i) => `locations.${i}.eea_customers`),
];
