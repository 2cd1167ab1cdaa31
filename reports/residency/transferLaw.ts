import { z } from 'zod';
import type { ProcessingLocation } from '../../db/registry';
import { MECHANISMS } from './locationStatus';
import data from './transfer-law.json' with { type: 'json' };

/**
 * The legal list: court cases pending against a transfer tool and gaps no tool covers yet, loaded
 * from the versioned data file beside this module (as the adequacy list is) and validated at
 * start, so a bad edit fails the process and the tests at once. Each residency location carries
 * the entries that apply to it as `legal_notes`.
 */

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** What an entry applies to: locations declaring a mechanism, or whose importer is subject to the GDPR. */
const AppliesTo = z.union([
  z.templateLiteral(['mechanism:', z.enum(MECHANISMS)]),
  z.literal('importer_subject_to_gdpr'),
]);

const Entry = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]+$/),
  applies_to: AppliesTo,
  status: z.string().regex(/^[a-z_]+$/),
  text: z.string().min(1),
  /** The latest development's date. */
  date: IsoDate,
  source: z.url(),
  /** What a DPO should check instead, should the tool fall. */
  fallback: z.string().min(1),
});

export const TransferLawList = z.strictObject({
  version: z.number().int().positive(),
  as_of: IsoDate,
  description: z.string(),
  sources: z.array(z.url()),
  entries: z.array(Entry).min(1),
}).refine((list) => new Set(list.entries.map((e) => e.id)).size === list.entries.length, { error: 'legal list: one entry per id' });
export type TransferLawList = z.infer<typeof TransferLawList>;
export type TransferLawEntry = TransferLawList['entries'][number];

/** A legal note on a residency location: an entry of the list without its applies_to. */
export type LegalNote = Omit<TransferLawEntry, 'applies_to'>;

export const TRANSFER_LAW: TransferLawList = TransferLawList.parse(data);

const noteOf = ({ applies_to: _appliesTo, ...note }: TransferLawEntry): LegalNote => note;

/** The legal list's entries that apply to a location, in the list's order. */
export function legalNotesFor(
  location: Pick<ProcessingLocation, 'mechanism' | 'importerSubjectToGdpr'>,
  list: TransferLawList = TRANSFER_LAW,
): LegalNote[] {
  return list.entries
    .filter((e) => e.applies_to === `mechanism:${location.mechanism}` || (e.applies_to === 'importer_subject_to_gdpr' && location.importerSubjectToGdpr))
    .map(noteOf);
}
