import { z } from 'zod';
import data from './adequacy-decisions.json' with { type: 'json' };

/**
 * The adequacy list, loaded from the versioned data file beside this module and
 * validated at start, so a bad edit of the file fails the process (and the tests) at once rather
 * than silently changing a DPO's report. Update the file, its `version` and `as_of` when the
 * Commission adopts, renews or withdraws a decision.
 */

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

const Decision = z.strictObject({
  country: z.string().regex(/^[A-Z]{2}$/).nullable(),
  organisation: z.string().min(1).optional(),
  name: z.string().min(1),
  decision: z.string().min(1),
  date: IsoDate,
  scope: z.enum(['full', 'partial']),
  /** The location must declare this mechanism to be covered (US: dpf). */
  requires_mechanism: z.enum(['dpf']).optional(),
  note: z.string(),
  renewed: IsoDate.optional(),
  valid_to: IsoDate.optional(),
  source: z.url(),
}).refine((d) => d.country !== null || d.organisation !== undefined, { error: 'a decision names a country or an organisation' });

export const AdequacyList = z.strictObject({
  version: z.number().int().positive(),
  as_of: IsoDate,
  description: z.string(),
  sources: z.array(z.url()),
  decisions: z.array(Decision).min(1),
});
export type AdequacyList = z.infer<typeof AdequacyList>;
export type AdequacyDecision = AdequacyList['decisions'][number];

export const ADEQUACY: AdequacyList = AdequacyList.parse(data);

const byCountry = new Map(ADEQUACY.decisions.filter((d) => d.country !== null).map((d) => [d.country!, d]));
if (byCountry.size !== ADEQUACY.decisions.filter((d) => d.country !== null).length) throw new Error('adequacy list: one decision per country');

/** The decision in force for a country, if any. */
export function adequacyDecisionFor(country: string): AdequacyDecision | undefined {
  return byCountry.get(country);
}

// Organisations by name, compared without case or surrounding spaces: a registry entry is typed by hand.
const organisationKey = (name: string) => name.trim().toLowerCase();
const byOrganisation = new Map(ADEQUACY.decisions.filter((d) => d.organisation !== undefined).map((d) => [organisationKey(d.organisation!), d]));

/** The decision in force for an international organisation, by its name, if any. */
export function adequacyDecisionForOrganisation(organisation: string): AdequacyDecision | undefined {
  return byOrganisation.get(organisationKey(organisation));
}

/** Every country with an adequacy decision, partial ones included. */
export const ADEQUATE_COUNTRIES: readonly string[] = [...byCountry.keys()].sort();
