import type { IdentityRecord } from '../../db/customerLinks';
import { BoundedCache } from '../anonymise/boundedCache';

const key = (business: string, value: string) => `${business}\u0000${value}`;

/**
 * What the resolver last knew of recent identifiers, in memory only (pseudonyms, never raw
 * values): each identifier's person, or that it has no link record, and each person's records.
 * The resolver is the only writer of links besides erasure and retention, which clear it, so an
 * entry is what the database holds (or is about to: links ride with their rows' commit). Without
 * it every request of a business with links paid a lookup, one at a time (HTTP ingest of the
 * demo at 1M events: 23k -> 9.8k events/s).
 */
export class PersonCache {
  readonly #personOf = new BoundedCache<string | null>(100_000);
  readonly #groups = new BoundedCache<readonly IdentityRecord[]>(50_000);

  /** The records known for these identifiers' persons, and the identifiers to read from the database. */
  lookup(business: string, identities: readonly string[]): { records: IdentityRecord[]; unknown: string[] } {
    const records = new Map<string, IdentityRecord>();
    const unknown: string[] = [];
    for (const identity of identities) {
      const person = this.#personOf.get(key(business, identity));
      if (person === undefined) unknown.push(identity);
      else if (person !== null) {
        const group = this.#groups.get(key(business, person));
        if (group === undefined) unknown.push(identity);
        else for (const record of group) records.set(record.identity, record);
      }
    }
    return { records: [...records.values()], unknown };
  }

  /** Remembers the state after a resolution: `records`, every record of the claimed identifiers' persons as now stored. */
  remember(business: string, identities: Iterable<string>, records: readonly IdentityRecord[]): void {
    const byIdentity = new Map(records.map((r) => [r.identity, r]));
    const groups = new Map<string, IdentityRecord[]>();
    for (const record of records) {
      if (!groups.has(record.person)) groups.set(record.person, []);
      groups.get(record.person)!.push(record);
    }
    for (const identity of identities) this.#personOf.set(key(business, identity), byIdentity.get(identity)?.person ?? null);
    for (const [person, group] of groups) {
      this.#groups.set(key(business, person), group);
      for (const record of group) this.#personOf.set(key(business, record.identity), person);
    }
  }

  clear(): void {
    this.#personOf.clear();
    this.#groups.clear();
  }
}
