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

/** A store shared by several servers: reloads on a miss happen at most this often. */
const MISS_RELOAD_INTERVAL_MS = 1_000;

/**
 * What the intake needs of the registry, held in memory so that a request costs no query:
 * registered businesses and the scope of each active ingest key. Reloaded after every change.
 *
 * With a store that other servers change too (`shared`), a key or business this snapshot does not
 * know may have been created on another server an instant ago (before its notification arrived):
 * findKey and findBusiness then reload once before saying no. Such reloads run at most once a
 * second, whoever asks, so unknown keys cannot turn into a query each.
 */
export class RegistrySnapshot {
  #businesses = new Map<string, KnownBusiness>();
  #keys = new Map<string, KnownKey>();
  #reloadStartedAt = -Infinity;
  #missReload: Promise<void> | undefined;

  constructor(private readonly store: RegistryStore, private readonly options: { shared: boolean } = { shared: false }) {}

  async reload(): Promise<void> {
    this.#reloadStartedAt = performance.now();
    const [businesses, keys] = await Promise.all([listBusinesses(this.store), listActiveKeys(this.store)]);
    this.#businesses = new Map(
      businesses.map((b) => {
        // An international organisation has no country: events cannot be processed "in" it.
        const countries = b.processingLocations.filter((l) => l.country !== null);
        const primary = countries.find((l) => l.primary) ?? countries[0];
        return [b.id, { primaryProcessingCountry: primary?.country ?? UNKNOWN_REGION }];
      }),
    );
    this.#keys = new Map(keys.map((k) => [k.keyHash, { id: k.id, scope: new Set(k.businesses) }]));
  }

  /** keyOf, after a reload when a shared store's snapshot does not know the key. */
  async findKey(presentedKey: string): Promise<KnownKey | undefined> {
    const known = this.keyOf(presentedKey);
    if (known || !this.options.shared) return known;
    await this.#reloadAfterMiss();
    return this.keyOf(presentedKey);
  }

  /** business, after a reload when a shared store's snapshot does not know it. */
  async findBusiness(id: string): Promise<KnownBusiness | undefined> {
    const known = this.business(id);
    if (known || !this.options.shared) return known;
    await this.#reloadAfterMiss();
    return this.business(id);
  }

  #reloadAfterMiss(): Promise<void> {
    this.#missReload ??= (async () => {
      const wait = this.#reloadStartedAt + MISS_RELOAD_INTERVAL_MS - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      await this.reload();
    })().finally(() => {
      this.#missReload = undefined;
    });
    return this.#missReload;
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
