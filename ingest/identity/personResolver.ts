import { NO_REWRITE, type IdentityRecord, type LinkWrite, type PersonRewrite } from '../../db/customerLinks';
import type { IdentityLinkStore } from '../../db/identityLinksPort';
import type { EventRow } from '../../db/eventStore';
import type { EventWriter } from '../buffer/eventWriter';
import { PersonCache } from './personCache';
import { planPersons, type IdentityClaim, type PersonOf, type PersonPlan } from './planPersons';
import { ResolutionHold } from './resolutionHold';
import { StoredIdentities } from './storedIdentities';

/** Extra rewrites a caller derives from a plan before it is applied (the webhook intake's threads). */
export type PlanFollowUp = (plan: PersonPlan) => Promise<Pick<PersonRewrite, 'conversations' | 'threads'>>;

export interface Resolution {
  personOf: Map<string, PersonOf>;
  /** New link records to commit with the rows (when the caller asked to hold them). */
  links: LinkWrite[];
}

const key = (business: string, value: string) => `${business}\u0000${value}`;

/**
 * One person, one customer: resolves each event's customer pseudonym to the person it belongs to
 * (db/customerLinks.ts), links identifiers named together, and merges persons that turn out to
 * be one, moving their stored events. Resolutions run one at a time (exclusive), and a caller
 * hands its rows to the writer before releasing, so no row can be queued under a person that a
 * later resolution merged away before the merge's rewrite is queued.
 *
 * New links ride with the rows into the writer's commit (one transaction, one WAL sync, instead
 * of one more per request); until then they are held here, so the next resolution already sees
 * them.
 *
 * Servers sharing one link store (the cluster mode) also exclude each other: exclusive() holds
 * the store's lock across servers, and a request's rows keep holding it until their commit
 * settles (./resolutionHold.ts says why). Each fresh hold forgets what this server cached, since
 * another server may have linked or merged meanwhile.
 */
export class PersonResolver {
  #tail: Promise<unknown> = Promise.resolve();
  /** Links handed to the writer and not yet committed, by business and identity. */
  readonly #pending = new Map<string, IdentityRecord>();
  readonly #cache = new PersonCache();
  /** The hold on the lock servers sharing the links take (absent where one process owns them). */
  readonly #hold: ResolutionHold | undefined;
  /** What ends each resolveRows call's share of the hold, by the links it returned: settled() calls it. */
  readonly #untilCommitted = new WeakMap<readonly LinkWrite[], () => void>();
  /** Which identifiers may have stored records, where this process alone writes the links; undefined elsewhere. */
  readonly #storedIdentities: StoredIdentities | undefined;

  private constructor(
    /** The stored links (on DuckDB, a connection of its own), used only inside exclusive(), so a resolution never waits for the admin store. */
    private readonly links: IdentityLinkStore,
    private readonly writer: EventWriter,
    /** Businesses with link records: for the others, events without aliases or BSUIDs need no lookup. */
    private readonly linked: Set<string>,
  ) {
    const acrossProcesses = links.acrossProcesses?.bind(links);
    this.#hold = acrossProcesses && new ResolutionHold(acrossProcesses, () => this.#afterOtherServers());
    const read = links.forEachIdentityPrefix?.bind(links);
    this.#storedIdentities = read && !acrossProcesses ? new StoredIdentities(read) : undefined;
  }

  /**
   * Opens the resolver at once. Where this process alone writes the links, it reads which
   * identifiers are stored first in its queue (resolutions wait for it: 0.1 s for 25k records);
   * `loaded` hears how many records were read, or why they could not be (every identifier is
   * then read from the database, as before).
   */
  static async open(links: IdentityLinkStore, writer: EventWriter, loaded?: (outcome: { records: number; ms: number } | { error: unknown }) => void): Promise<PersonResolver> {
    const resolver = new PersonResolver(links, writer, new Set(await links.businessesWithLinks()));
    const stored = resolver.#storedIdentities;
    if (stored) {
      const started = performance.now();
      resolver.exclusive(() => stored.load()).then(
        (records) => loaded?.({ records, ms: performance.now() - started }),
        (error: unknown) => loaded?.({ error }),
      );
    }
    return resolver;
  }

  /** Resolves once every resolution queued so far, the stored identifiers' read among them, has ended: before the links' connection closes. */
  async drain(): Promise<void> {
    await this.#tail;
  }

  /** Runs fn while no other resolution runs (on any server sharing the links). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const hold = this.#hold;
    const run = this.#tail.then(hold ? () => hold.within(fn) : fn);
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /** Whether claims of this business could link to anything: otherwise every identifier is its own person. */
  #mayLink(business: string, claims: readonly IdentityClaim[]): boolean {
    return this.linked.has(business) || claims.some((c) => c.linked.length > 0 || c.kind === 'bsuid');
  }

  /** The stored records of these identifiers' persons (loaded for a whole batch), with the pending ones over them. */
  #withPending(business: string, stored: readonly IdentityRecord[], identities: readonly string[]): IdentityRecord[] {
    if (this.#pending.size === 0) return [...stored];
    const byIdentity = new Map(stored.map((r) => [r.identity, r]));
    const persons = new Set(stored.map((r) => r.person));
    for (const identity of identities) {
      const pending = this.#pending.get(key(business, identity));
      if (pending) persons.add(pending.person);
    }
    for (const [k, record] of this.#pending) {
      if (k.startsWith(`${business}\u0000`) && (persons.has(record.person) || byIdentity.has(record.identity))) byIdentity.set(record.identity, record);
    }
    return [...byIdentity.values()];
  }

  /**
   * The persons of one business's claims. Merges are applied at once (on the writer's connection,
   * in one transaction with their links). New links are saved at once, or, with holdLinks,
   * returned for the caller to submit with its rows (settled() when that commit is). `stored`:
   * the records already loaded for these claims (resolveRows loads a batch's at once). Call
   * inside exclusive().
   */
  async resolve(
    business: string, claims: readonly IdentityClaim[],
    options: { followUp?: PlanFollowUp; holdLinks?: boolean; stored?: readonly IdentityRecord[] } = {},
  ): Promise<Resolution> {
    if (!this.#mayLink(business, claims)) return { personOf: new Map(), links: [] };
    const identities = claims.flatMap(identitiesOf);
    const stored = options.stored ?? await this.#storedRecords(business, identities);
    const known = this.#withPending(business, stored, identities);
    const plan = planPersons(claims, known);
    for (const record of plan.records) this.#storedIdentities?.add(record.identity);
    let links: LinkWrite[] = [];
    if (plan.moves.length > 0 || plan.regions.length > 0) {
      // Stored events change: on the writer's connection, after what is queued, in one transaction.
      const extra = options.followUp && plan.moves.length > 0 ? await options.followUp(plan) : { conversations: [], threads: [] };
      const rewrite: PersonRewrite = { ...NO_REWRITE, moves: plan.moves, regions: plan.regions, ...extra };
      await this.writer.exclusive((store) => store.applyPersons(business, plan.records, rewrite));
    } else if (plan.records.length > 0 && options.holdLinks) {
      links = [{ business, records: plan.records }];
      for (const record of plan.records) this.#pending.set(key(business, record.identity), record);
    } else if (plan.records.length > 0) {
      await this.links.saveLinks([{ business, records: plan.records }]);
    }
    if (plan.records.length > 0) this.linked.add(business);
    this.#cache.remember(business, plan.personOf.keys(), finalRecords(known, plan));
    return { personOf: plan.personOf, links };
  }

  /** The held links' commit settled (committed or failed): stop holding them (and the servers' lock, for these rows). */
  settled(links: readonly LinkWrite[]): void {
    this.#untilCommitted.get(links)?.();
    this.#untilCommitted.delete(links);
    for (const { business, records } of links) {
      for (const record of records) {
        const k = key(business, record.identity);
        if (this.#pending.get(k) === record) this.#pending.delete(k);
      }
    }
  }

  /**
   * Sets each row's customer to its person and region (rows of any businesses) and returns the
   * new links to submit with them. Call inside exclusive(), and settled() with the returned links
   * once the rows' commit settled.
   */
  async resolveRows(rows: EventRow[]): Promise<LinkWrite[]> {
    const links: LinkWrite[] = [];
    // Every request's rows, linked or not: a merge on another server must wait for them to be stored.
    const leave = this.#hold?.joinUntilCommitted();
    if (!leave) return this.#resolveRows(rows, links);
    this.#untilCommitted.set(links, leave);
    try {
      return await this.#resolveRows(rows, links);
    } catch (error) {
      this.settled(links);
      throw error;
    }
  }

  async #resolveRows(rows: EventRow[], links: LinkWrite[]): Promise<LinkWrite[]> {
    const byBusiness = new Map<string, EventRow[]>();
    for (const row of rows) {
      if (!this.#mayLinkRow(row)) continue;
      let list = byBusiness.get(row.business);
      if (!list) byBusiness.set(row.business, (list = []));
      list.push(row);
    }
    if (byBusiness.size === 0) return links;
    const claims = new Map([...byBusiness].map(([business, list]) => [business, list.map(claimOf)]));
    // What the cache knows, and one database read for all businesses' other identifiers.
    const cached = new Map([...claims].map(([business, list]) => [business, this.#cache.lookup(business, list.flatMap(identitiesOf))]));
    const unknown = this.#mayBeStored([...cached.values()].flatMap((c) => c.unknown));
    const loaded = unknown.length > 0 ? await this.links.loadPersons(unknown) : new Map<string, IdentityRecord[]>();
    for (const [business, list] of byBusiness) {
      const stored = [...cached.get(business)!.records, ...(loaded.get(business) ?? [])];
      const resolution = await this.resolve(business, claims.get(business)!, { holdLinks: true, stored });
      links.push(...resolution.links);
      for (const row of list) {
        const person = resolution.personOf.get(row.customer);
        if (!person) continue;
        row.customer = person.person;
        row.customerRegion = person.region;
      }
    }
    return links;
  }

  /** The stored records of these identifiers' persons: from the cache, else from the database. */
  async #storedRecords(business: string, identities: readonly string[]): Promise<IdentityRecord[]> {
    const { records, unknown } = this.#cache.lookup(business, identities);
    const toRead = this.#mayBeStored(unknown);
    if (toRead.length === 0) return records;
    return [...records, ...((await this.links.loadPersons(toRead)).get(business) ?? [])];
  }

  /** The identifiers that may have stored records: the others have none to read. */
  #mayBeStored(identities: string[]): string[] {
    const stored = this.#storedIdentities;
    return stored ? identities.filter((identity) => stored.mayBeStored(identity)) : identities;
  }

  /** A fresh hold of the servers' lock: the others may have saved, merged or deleted links since this server last held it. */
  async #afterOtherServers(): Promise<void> {
    this.#cache.clear();
    for (const business of await this.links.businessesWithLinks()) this.linked.add(business);
  }

  /** Erasure and retention deleted links: what the cache knew may be gone. Call inside exclusive(). */
  forgetCached(): void {
    this.#cache.clear();
  }

  #mayLinkRow(row: EventRow): boolean {
    return this.linked.has(row.business) || (row.aliases?.length ?? 0) > 0 || row.customerKind === 'bsuid';
  }
}

const identitiesOf = (claim: IdentityClaim) => [claim.identity, ...claim.linked.map((l) => l.identity)];

/** Every record of the resolved persons after the plan: the known ones, with the plan's changes over them. */
function finalRecords(known: readonly IdentityRecord[], plan: PersonPlan): IdentityRecord[] {
  const byIdentity = new Map(known.map((r) => [r.identity, r]));
  for (const record of plan.records) byIdentity.set(record.identity, record);
  const moved = new Map(plan.moves.map((m) => [m.from, m.to]));
  return [...byIdentity.values()].map((r) => (moved.has(r.person) ? { ...r, person: moved.get(r.person)! } : r));
}

export function claimOf(row: EventRow): IdentityClaim {
  return {
    identity: row.customer,
    kind: row.customerKind ?? 'other',
    region: row.customerRegion,
    atMicros: row.occurredAtMicros,
    linked: row.aliases ?? [],
  };
}
