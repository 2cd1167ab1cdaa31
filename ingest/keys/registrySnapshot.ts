import { listActiveKeys, listBusinesses } from '../../db/registry';
import type { RegistryStore } from '../../db/store';
import { UNKNOWN_REGION } from '../../db/countries';
import { hashIngestKey } from './ingestKeys';

/** An active ingest key, as a request presenting it is known by. */
export interface KnownKey {
  /** The key's id (never the key): what its quotas are counted by. */
  id: string;
  /** The businesses it may write for. */
  scope: ReadonlySet<string>;
}

export interface KnownBusiness {
  /** Where this business's data is processed when an event does not say. */
  primaryProcessingCountry: string;
}

/**
 * What the intake needs of the registry, held in memory so that a request costs no query:
 * registered businesses and the scope of each active ingest key. Reloaded after every change.
 */
export class RegistrySnapshot {
  #businesses = new Map<string, KnownBusiness>();
  #keys = new Map<string, KnownKey>();

  constructor(private readonly store: RegistryStore) {}

  async reload(): Promise<void> {
    const [businesses, keys] = await Promise.all([listBusinesses(this.store), listActiveKeys(this.store)]);
    this.#businesses = new Map(
      businesses.map((b) => {
        const primary = b.processingLocations.find((l) => l.primary) ?? b.processingLocations[0];
        return [b.id, { primaryProcessingCountry: primary?.country ?? UNKNOWN_REGION }];
      }),
    );
    this.#keys = new Map(keys.map((k) => [k.keyHash, { id: k.id, scope: new Set(k.businesses) }]));
  }

  business(id: string): KnownBusiness | undefined {
    return this.#businesses.get(id);
  }

  /** The businesses a presented key may write for, or undefined for an unknown/revoked key. */
  scopeOfKey(presentedKey: string): ReadonlySet<string> | undefined {
    return this.keyOf(presentedKey)?.scope;
  }

  /** The presented key's id and scope, or undefined for an unknown/revoked key. */
  keyOf(presentedKey: string): KnownKey | undefined {
    return this.#keys.get(hashIngestKey(presentedKey));
  }
}
