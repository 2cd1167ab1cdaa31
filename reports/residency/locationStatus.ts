import type { ProcessingLocation } from '../../db/registry';
import { adequacyDecisionFor, adequacyDecisionForOrganisation, type AdequacyDecision } from './adequacy';
import { isEeaCountry } from './regionClass';

/**
 * A processing location's status for EEA customers' data:
 *   country in the EEA                                     -> ok
 *   country with an adequacy decision, within its scope    -> ok
 *     (US: only with mechanism `dpf`; Canada: commercial organisations, which every declared
 *      processor of a business is taken to be)
 *   else mechanism scc, bcr or derogation                  -> safeguarded (needs a TIA)
 *   else                                                   -> exposed
 * The declared mechanism is checked, not trusted: `eea` declared for a non-EEA country, `adequacy`
 * for a country without a decision, or `dpf` outside the US, give `exposed`.
 */

export const LOCATION_STATUSES = ['ok', 'safeguarded', 'exposed'] as const;
export type LocationStatus = (typeof LOCATION_STATUSES)[number];
export type Mechanism = ProcessingLocation['mechanism'];
export const MECHANISMS = ['eea', 'adequacy', 'dpf', 'scc', 'bcr', 'derogation', 'none'] as const satisfies readonly Mechanism[];

const SAFEGUARDS: ReadonlySet<Mechanism> = new Set(['scc', 'bcr', 'derogation']);

export function locationStatus(country: string, mechanism: Mechanism): LocationStatus {
  if (isEeaCountry(country)) return 'ok';
  return statusUnder(adequacyDecisionFor(country), mechanism);
}

/**
 * An international organisation's status by the same rule, with the adequacy list's organisation
 * entries in place of the country's decision (no organisation is in the EEA).
 */
export function organisationStatus(organisation: string, mechanism: Mechanism): LocationStatus {
  return statusUnder(adequacyDecisionForOrganisation(organisation), mechanism);
}

/** A declared place's status: its country's, or its organisation's. */
export const placeStatus = (place: Pick<ProcessingLocation, 'country' | 'organisation'>, mechanism: Mechanism): LocationStatus =>
  place.country !== null ? locationStatus(place.country, mechanism) : organisationStatus(place.organisation ?? '', mechanism);

function statusUnder(decision: AdequacyDecision | undefined, mechanism: Mechanism): LocationStatus {
  if (decision && (decision.requires_mechanism === undefined || decision.requires_mechanism === mechanism)) return 'ok';
  if (SAFEGUARDS.has(mechanism)) return 'safeguarded';
  return 'exposed';
}

const RANK: Record<LocationStatus, number> = { ok: 0, safeguarded: 1, exposed: 2 };

/** The worse of two statuses: exposed > safeguarded > ok. */
export const worseStatus = (a: LocationStatus, b: LocationStatus): LocationStatus => (RANK[b] > RANK[a] ? b : a);
