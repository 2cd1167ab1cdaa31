import type { BusinessRecord, ProcessingLocation } from '../../db/registry';
import type { ReportSource } from '../db/reportSource';
import { periodBounds, type Period } from '../period';
import { isSmallCohort, Suppressor } from '../suppression';
import { withComplementarySuppression } from './residencySuppression';
import type { Channel } from '../vocabulary';
import { dateOfDay, dayOfMs } from '../period';
import { locationStatus, placeStatus, worseStatus, type LocationStatus, type Mechanism } from './locationStatus';
import { legalNotesFor, type LegalNote } from './transferLaw';
import { REGION_CLASSES, regionClass, type RegionClass } from './regionClass';

/**
 * Residency per business and period: customers by region class, each processing
 * location with the EEA customers whose events were processed there and its status, the flag
 * and the exposure.
 *
 * Events carry the processing country, not the processor. When a business declares several
 * processors in one country, each of them is shown with the EEA customers processed in that
 * country, and the country counts as exposed for `exposure` when any of them is exposed (the
 * conservative reading: the data may have gone to the exposed one).
 * A country seen in `processed_in` but not declared is a location of its own, processor
 * `undeclared`, mechanism `none`, status by the same rule (so undeclared processing inside the
 * EEA is `ok`, outside it `exposed` unless an adequacy decision covers it without a mechanism).
 * A declared international organisation (country null) takes its status from the adequacy list's
 * organisation entries and never holds customers: no event is processed "in" it.
 * Each declared location carries its transfer review (assessment date, next review, overdue once
 * the next review's date is before today's UTC date) and the legal list's notes that apply to it.
 */

export const UNDECLARED = 'undeclared';

export interface ResidencyLocation {
  /** null for an international organisation. */
  country: string | null;
  organisation: string | null;
  processor: string;
  role: ProcessingLocation['role'] | null;
  mechanism: Mechanism;
  primary: boolean;
  declared: boolean;
  status: LocationStatus;
  tia_date: string | null;
  next_review: string | null;
  /** next_review is before today's UTC date. */
  review_overdue: boolean;
  legal_notes: LegalNote[];
  eea_customers: number | null;
}

export interface ResidencyRow {
  business: string;
  /** null: withheld with the count it rests on (see flagBasisCountries). */
  flag: LocationStatus | null;
  exposure: number | null;
  customers_by_class: Record<RegionClass, number | null>;
  locations: ResidencyLocation[];
  suppressed: string[];
}

export interface ResidencyRequest {
  period: Period;
  business?: string;
  channel?: Channel;
}

/** The UTC date (YYYY-MM-DD) of an instant: what a review date is compared with. */
export const utcDateOf = (ms: number) => dateOfDay(dayOfMs(ms));

export async function computeResidency(
  source: ReportSource,
  businesses: readonly BusinessRecord[],
  request: ResidencyRequest & { /** Today's UTC date (YYYY-MM-DD), from the app's clock. */ today: string },
  k: number,
): Promise<ResidencyRow[]> {
  const { scope, scoped } = scopeOf(businesses, request);
  // Where each business's events were processed, and for which regions: enough to draft its
  // locations and their statuses, so the one counting pass knows which countries are behind the flag.
  const keys = await source.query<{ business: string; country: string; region: string; rows: number }>(source.queries.processingKeys(scope));
  const drafts = scoped.map((business) => draftLocations(business, countriesSeen(keys, business.id)));
  // The exposure is the flag's basis when the flag is `exposed`, and 0 otherwise (no EEA customer
  // was processed at an exposed location), so one count serves both.
  const flagCountries = new Map(drafts.map((d) => [d.business, flagBasisCountries(d.locations)]));
  const eeaCountries = [...new Set(keys.filter((k) => regionClass(k.region) === 'eea').map((k) => k.country))].sort();
  const rowsByBusiness = new Map<string, number>();
  for (const key of keys) rowsByBusiness.set(key.business, (rowsByBusiness.get(key.business) ?? 0) + Number(key.rows));
  const counting = source.queries.residencyCounts({ ...scope, rowsByBusiness }, eeaCountries, flagCountries);
  const counts = await source.query<Record<string, unknown>>(counting);
  const countOf = (business: string, column: string) => Number(counts.find((r) => r.business === business)?.[column] ?? 0);

  return drafts.map(({ business, locations }) => {
    const suppressor = new Suppressor(k);
    const flag = flagOf(locations);
    const basis = countOf(business, counting.columns.exposure);
    const shownFlag = isSmallCohort(basis, k) ? null : flag;
    if (shownFlag === null) suppressor.suppressed.push('flag');
    const exposureCount = flag === 'exposed' ? basis : 0;
    const exposure = suppressor.figure('exposure', exposureCount, exposureCount);
    const customers_by_class = Object.fromEntries(REGION_CLASSES.map((c) => {
      const n = countOf(business, counting.columns.classes[c]);
      return [c, suppressor.figure(`customers_by_class.${c}`, n, n)];
    })) as Record<RegionClass, number | null>;
    const published = locations.map((l, i) => {
      const column = l.country === null ? undefined : counting.columns.eeaCountries.get(l.country);
      const n = column === undefined ? 0 : countOf(business, column);
      const review_overdue = l.next_review !== null && l.next_review < request.today;
      return { ...l, review_overdue, eea_customers: suppressor.figure(`locations.${i}.eea_customers`, n, n) };
    });
    const row = { business, flag: shownFlag, exposure, customers_by_class, locations: published, suppressed: suppressor.suppressed };
    return withComplementarySuppression(row, flag);
  });
}

/**
 * The countries behind a flag: those of its status holding EEA customers. Exposed: the exposure's
 * countries; safeguarded: the safeguarded ones (no exposed location holds EEA customers then); ok:
 * none (an `ok` flag says nobody was exposed, a count of 0, which is never withheld).
 */
function flagBasisCountries(locations: readonly DraftLocation[]): string[] {
  const flag = flagOf(locations);
  if (flag === 'ok') return [];
  return [...new Set(locations.filter((l) => l.status === flag && l.country !== null).map((l) => l.country!))];
}

/**
 * Each business's flag for the overview and the business report, without the other counts:
 * which countries processed an EEA customer's data decides it, and the EEA customers behind it
 * decide whether it is shown (the same rule as computeResidency's flag). The basis is counted
 * only when some flag is not `ok`.
 */
export async function computeResidencyFlags(
  source: ReportSource,
  businesses: readonly BusinessRecord[],
  request: ResidencyRequest,
  k: number,
): Promise<{ business: string; flag: LocationStatus | null }[]> {
  const { scope, scoped } = scopeOf(businesses, request);
  const keys = await source.query<{ business: string; country: string; region: string }>(source.queries.processingKeys(scope));
  const drafts = scoped.map((business) => draftLocations(business, countriesSeen(keys, business.id)));
  const flagCountries = new Map(drafts.map((d) => [d.business, flagBasisCountries(d.locations)]));
  const basis = [...flagCountries.values()].some((countries) => countries.length > 0)
    ? await source.query<{ business: string; customers: number }>(source.queries.flagBasis(scope, flagCountries))
    : [];
  return drafts.map(({ business, locations }) => {
    const customers = Number(basis.find((r) => r.business === business)?.customers ?? 0);
    return { business, flag: isSmallCohort(customers, k) ? null : flagOf(locations) };
  });
}

/**
 * Each processing country a business's events were seen in, with 1 for "some EEA customers" when
 * an EEA region was among them (the draft's count until the real one is known), 0 otherwise.
 */
function countriesSeen(keys: readonly { business: string; country: string; region: string }[], business: string) {
  const seen = new Map<string, number>();
  for (const k of keys) {
    if (k.business !== business) continue;
    if (regionClass(k.region) === 'eea') seen.set(k.country, 1);
    else if (!seen.has(k.country)) seen.set(k.country, 0);
  }
  return [...seen].map(([country, eea_customers]) => ({ country, eea_customers }));
}

/** The request's period and filters as SQL scope, and the businesses it covers. */
function scopeOf(businesses: readonly BusinessRecord[], request: ResidencyRequest) {
  return {
    scope: { ...periodBounds(request.period), business: request.business, channel: request.channel },
    scoped: request.business === undefined ? businesses : businesses.filter((b) => b.id === request.business),
  };
}

/** The business flag: the worst status among the locations that processed EEA customers' data. */
const flagOf = (locations: readonly DraftLocation[]) =>
  locations.filter((l) => l.eea_customers > 0).reduce<LocationStatus>((worst, l) => worseStatus(worst, l.status), 'ok');

interface DraftLocation extends Omit<ResidencyLocation, 'eea_customers' | 'review_overdue'> {
  eea_customers: number;
}

/** Declared locations in registry order, then undeclared countries seen, by country code. */
export function draftLocations(
  business: BusinessRecord,
  countries: readonly { country: string; eea_customers: number }[],
): { business: string; locations: DraftLocation[] } {
  const eeaIn = new Map(countries.map((c) => [c.country, c.eea_customers]));
  const declaredCountries = new Set(business.processingLocations.map((l) => l.country));
  const declared: DraftLocation[] = business.processingLocations.map((l) => ({
    country: l.country,
    organisation: l.organisation,
    processor: l.processor,
    role: l.role,
    mechanism: l.mechanism,
    primary: l.primary,
    declared: true,
    status: placeStatus(l, l.mechanism),
    tia_date: l.tiaDate,
    next_review: l.nextReview,
    legal_notes: legalNotesFor(l),
    // An organisation is never a processed_in value: it holds no customers.
    eea_customers: l.country === null ? 0 : eeaIn.get(l.country) ?? 0,
  }));
  const undeclared: DraftLocation[] = countries
    .filter((c) => !declaredCountries.has(c.country))
    .sort((a, b) => a.country.localeCompare(b.country))
    .map((c) => ({
      country: c.country,
      organisation: null,
      processor: UNDECLARED,
      role: null,
      mechanism: 'none',
      primary: false,
      declared: false,
      status: locationStatus(c.country, 'none'),
      tia_date: null,
      next_review: null,
      legal_notes: [],
      eea_customers: c.eea_customers,
    }));
  return { business: business.id, locations: [...declared, ...undeclared] };
}
