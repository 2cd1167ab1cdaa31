import { createHash } from 'node:crypto';
import type { NewAlert } from '../../../db/alerts';
import type { LawFingerprint, ResidencySnapshot, SnapshotLocation, SnapshotStatus } from '../../../db/residencySnapshots';
import type { AdequacyList } from '../../../reports/residency/adequacy';
import type { TransferLawList } from '../../../reports/residency/transferLaw';

// What changed in a business's residency since its last snapshot, as alerts: a newly observed
// undeclared location, a location whose status worsened, a change of the legal lists that
// affects one of its locations. Pure: the evaluation (./residencyAlerts.ts) reads and stores.

export interface LegalLists {
  transferLaw: TransferLawList;
  adequacy: AdequacyList;
}

const RANK: Record<SnapshotStatus, number> = { ok: 0, safeguarded: 1, exposed: 2 };

const digest = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);

/** Each legal list entry's applies_to and content digest: adequacy decisions apply to their country or organisation. */
export function lawFingerprints(lists: LegalLists): Record<string, LawFingerprint> {
  const law: Record<string, LawFingerprint> = {};
  for (const entry of lists.transferLaw.entries) law[`transfer_law:${entry.id}`] = { applies_to: entry.applies_to, digest: digest(entry) };
  for (const decision of lists.adequacy.decisions) {
    const place = decision.country !== null ? `country:${decision.country}` : `organisation:${decision.organisation}`;
    law[`adequacy:${place}`] = { applies_to: place, digest: digest(decision) };
  }
  return law;
}

/** Whether a legal list entry applying to this names the location. */
function applies(appliesTo: string, location: SnapshotLocation): boolean {
  if (appliesTo.startsWith('mechanism:')) return location.declared && appliesTo === `mechanism:${location.mechanism}`;
  if (appliesTo === 'importer_subject_to_gdpr') return location.importer_subject_to_gdpr;
  if (appliesTo.startsWith('country:')) return location.country !== null && appliesTo === `country:${location.country}`;
  if (appliesTo.startsWith('organisation:')) return location.organisation !== null && appliesTo === `organisation:${location.organisation}`;
  return false;
}

/** The place a location names: its country code, or its organisation. */
const placeOf = (l: SnapshotLocation) => l.country ?? l.organisation ?? 'unknown';
const keyOf = (l: SnapshotLocation) => `${l.declared ? 'declared' : 'undeclared'}:${placeOf(l)}:${l.processor}`;

export interface ChangeContext {
  business: string;
  previous: ResidencySnapshot;
  current: ResidencySnapshot;
  /** The evaluation's UTC date (YYYY-MM-DD): a status change fires once per location, change and day. */
  day: string;
  nowMs: number;
}

export function residencyChanges(ctx: ChangeContext): NewAlert[] {
  return [...undeclaredLocations(ctx), ...worsenedStatuses(ctx), ...lawChanges(ctx)];
}

function undeclaredLocations({ business, previous, current, nowMs }: ChangeContext): NewAlert[] {
  const known = new Set(previous.locations.filter((l) => !l.declared).map(placeOf));
  return current.locations.filter((l) => !l.declared && !known.has(placeOf(l))).map((l) => ({
    business,
    kind: 'residency_undeclared_location',
    // Once per country: it stays in the snapshot while it is seen.
    cause: `residency_undeclared_location:${placeOf(l)}`,
    title: `Customers' data processed in ${placeOf(l)}, a location not declared (status ${l.status})`,
    details: { country: l.country, status: l.status },
    firedAtMs: nowMs,
  }));
}

function worsenedStatuses({ business, previous, current, day, nowMs }: ChangeContext): NewAlert[] {
  const before = new Map(previous.locations.map((l) => [keyOf(l), l]));
  const alerts: NewAlert[] = [];
  for (const location of current.locations) {
    const old = before.get(keyOf(location));
    if (!old || RANK[location.status] <= RANK[old.status]) continue;
    const place = placeOf(location);
    alerts.push({
      business,
      kind: 'residency_status_worsened',
      cause: `residency_status_worsened:${place}:${location.declared ? 'declared' : 'undeclared'}:${old.status}>${location.status}:${day}`,
      title: `Processing location ${place} worsened from ${old.status} to ${location.status}`,
      details: {
        country: location.country, ...(location.organisation ? { organisation: location.organisation } : {}),
        previous_status: old.status, status: location.status, previous_mechanism: old.mechanism, mechanism: location.mechanism, declared: location.declared,
      },
      firedAtMs: nowMs,
    });
  }
  return alerts;
}

function lawChanges({ business, previous, current, nowMs }: ChangeContext): NewAlert[] {
  if (previous.transfer_law_version === current.transfer_law_version && previous.adequacy_version === current.adequacy_version) return [];
  const ids = new Set([...Object.keys(previous.law), ...Object.keys(current.law)]);
  const changed = [...ids].filter((id) => previous.law[id]?.digest !== current.law[id]?.digest);
  const affecting = changed.filter((id) => {
    const appliesTo = [previous.law[id]?.applies_to, current.law[id]?.applies_to].filter((a): a is string => a !== undefined);
    return current.locations.some((l) => appliesTo.some((a) => applies(a, l)));
  });
  if (affecting.length === 0) return [];
  return [{
    business,
    kind: 'residency_law_changed',
    cause: `residency_law_changed:transfer_law_${current.transfer_law_version}:adequacy_${current.adequacy_version}`,
    title: `The legal list changed for ${affecting.length} ${affecting.length === 1 ? 'entry' : 'entries'} affecting this business's locations`,
    details: {
      transfer_law_version: current.transfer_law_version, previous_transfer_law_version: previous.transfer_law_version,
      adequacy_version: current.adequacy_version, previous_adequacy_version: previous.adequacy_version,
      entries: affecting.join(' ').slice(0, 128), changed_entries: affecting.length,
    },
    firedAtMs: nowMs,
  }];
}
