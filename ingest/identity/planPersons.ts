import type { IdentityKind, IdentityRecord } from '../../db/customerLinks';
import { UNKNOWN_REGION } from '../../db/countries';

/** What an event (or a platform's identity notice) says of one person's identifiers. */
export interface IdentityClaim {
  identity: string;
  kind: IdentityKind;
  region: string;
  atMicros: number;
  /** Other identifiers of the same person (pseudonyms, with their kind and region). */
  linked: readonly { identity: string; kind: IdentityKind; region: string }[];
}

export interface PersonOf {
  person: string;
  region: string;
}

export interface PersonPlan {
  /** For every identifier of the claims: the pseudonym its events are stored under, and its region. */
  personOf: Map<string, PersonOf>;
  /** New or changed link records. */
  records: IdentityRecord[];
  /** Identifiers whose stored events move to another person. */
  moves: { from: string; to: string }[];
  /** Persons whose stored events take a (new) region. */
  regions: { person: string; region: string }[];
}

// A phone number's region beats a BSUID's country, which beats a declared customer_country.
const KIND_RANK: Record<IdentityKind, number> = { phone: 0, bsuid: 1, other: 2 };

/**
 * The person's one region: of its identifiers with a known region, the best kind, then the one
 * seen first, then the smallest code (so any arrival order gives the same answer); ZZ if none.
 */
export function personRegion(records: readonly Pick<IdentityRecord, 'kind' | 'region' | 'firstAtMicros'>[]): string {
  const known = records.filter((r) => r.region !== UNKNOWN_REGION);
  known.sort((a, b) => KIND_RANK[a.kind] - KIND_RANK[b.kind] || a.firstAtMicros - b.firstAtMicros || a.region.localeCompare(b.region));
  return known[0]?.region ?? UNKNOWN_REGION;
}

class UnionFind {
  readonly #parent = new Map<string, string>();
  find(x: string): string {
    let root = this.#parent.get(x) ?? x;
    if (root === x) return x;
    root = this.find(root);
    this.#parent.set(x, root);
    return root;
  }
  union(a: string, b: string): void {
    const [ra, rb] = [this.find(a), this.find(b)];
    if (ra !== rb) this.#parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  }
}

interface Observed {
  kind: IdentityKind;
  region: string;
  firstAtMicros: number;
}

/** One identifier's record after these claims: the earliest sighting, the first known region. */
function observe(current: Observed | undefined, next: Observed): Observed {
  if (!current) return next;
  const region = current.region === UNKNOWN_REGION ? next.region : current.region;
  return { kind: current.kind, region, firstAtMicros: Math.min(current.firstAtMicros, next.firstAtMicros) };
}

const byMin = (values: Iterable<string>) => [...values].sort()[0];

/**
 * Decides, without I/O, which person each claimed identifier belongs to, given the stored records
 * of those identifiers' persons (db/customerLinks.ts loadPersons). Identifiers named together are
 * one person; a person met through two identifiers that were each stored alone is merged.
 *
 * Which pseudonym a person is stored under only matters for not moving data needlessly: an
 * identifier without a record may have events of its own (a phone number's history from before
 * BSUIDs), except a BSUID (every BSUID gets a record the first time it is seen), so such a phone
 * number is preferred, then a stored person, then the smallest pseudonym. Every other identifier
 * that may have events is moved to it.
 */
export function planPersons(claims: readonly IdentityClaim[], stored: readonly IdentityRecord[]): PersonPlan {
  const union = new UnionFind();
  const storedOf = new Map(stored.map((r) => [r.identity, r]));
  const seen = new Map<string, Observed>();
  for (const r of stored) union.union(r.identity, r.person);
  for (const claim of claims) {
    seen.set(claim.identity, observe(seen.get(claim.identity), { kind: claim.kind, region: claim.region, firstAtMicros: claim.atMicros }));
    for (const alias of claim.linked) {
      union.union(claim.identity, alias.identity);
      seen.set(alias.identity, observe(seen.get(alias.identity), { kind: alias.kind, region: alias.region, firstAtMicros: claim.atMicros }));
    }
  }
  const components = new Map<string, Set<string>>();
  for (const identity of new Set([...seen.keys(), ...stored.map((r) => r.identity)])) {
    const root = union.find(identity);
    if (!components.has(root)) components.set(root, new Set());
    components.get(root)!.add(identity);
  }
  const plan: PersonPlan = { personOf: new Map(), records: [], moves: [], regions: [] };
  for (const members of components.values()) planComponent([...members], storedOf, seen, plan);
  return plan;
}

function planComponent(members: string[], storedOf: Map<string, IdentityRecord>, seen: Map<string, Observed>, plan: PersonPlan): void {
  const storedPersons = new Set(members.flatMap((m) => (storedOf.has(m) ? [storedOf.get(m)!.person] : [])));
  const single = members.length === 1 && storedPersons.size === 0 ? seen.get(members[0]!) : undefined;
  if (single && single.kind !== 'bsuid') {
    // One identifier, never linked: stored under itself with its own region, no record needed.
    plan.personOf.set(members[0]!, { person: members[0]!, region: single.region });
    return;
  }
  const unrecorded = members.filter((m) => !storedOf.has(m) && seen.get(m)!.kind !== 'bsuid');
  const phones = unrecorded.filter((m) => seen.get(m)!.kind === 'phone');
  const person = byMin(phones) ?? byMin(storedPersons) ?? byMin(unrecorded) ?? byMin(members)!;
  for (const from of new Set([...storedPersons, ...unrecorded])) if (from !== person) plan.moves.push({ from, to: person });

  const records = members.map((identity): IdentityRecord => {
    const before = storedOf.get(identity);
    const now = observe(before && { kind: before.kind, region: before.region, firstAtMicros: before.firstAtMicros }, seen.get(identity) ?? before!);
    return { identity, person, ...now };
  });
  const region = personRegion(records);
  const before = [...storedOf.values()].filter((r) => members.includes(r.identity));
  const regionChanged = before.length === 0 ? records.some((r) => r.region !== region) : personRegion(before) !== region;
  const moved = plan.moves.some((m) => m.to === person);
  if (regionChanged || moved) plan.regions.push({ person, region });
  for (const record of records) {
    const old = storedOf.get(record.identity);
    const changed = !old || old.person !== record.person || old.region !== record.region || old.firstAtMicros !== record.firstAtMicros;
    if (changed) plan.records.push(record);
    plan.personOf.set(record.identity, { person, region });
  }
}
