import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { IdentityRecord, LinkWrite } from '../../db/customerLinks';
import type { EventRow } from '../../db/eventStore';
import type { IdentityLinkStore } from '../../db/identityLinksPort';
import { PseudonymFilter } from '../anonymise/pseudonymFilter';
import type { EventWriter } from '../buffer/eventWriter';
import { PersonResolver } from './personResolver';
import { StoredIdentities, type IdentityPrefixReader } from './storedIdentities';

/** A pseudonym as the intake makes them: 64 hex digits. */
const pseudonym = (name: string) => createHash('sha256').update(name).digest('hex');

/** A reader over these identifiers, as the DuckDB store streams them (count first, then chunks). */
function readerOf(identities: readonly string[], beforeChunks: () => void = () => undefined): IdentityPrefixReader {
  return async (onCount, onChunk) => {
    onCount(identities.length);
    beforeChunks();
    const halves = identities.map((i) => PseudonymFilter.halves(i));
    onChunk(halves.map(([high]) => high), halves.map(([, low]) => low));
  };
}

describe('StoredIdentities', () => {
  const stored = Array.from({ length: 500 }, (_, i) => pseudonym(`stored ${i}`));
  const fresh = Array.from({ length: 2000 }, (_, i) => pseudonym(`fresh ${i}`));

  it('holds every identifier "maybe stored" until its load has completed', () => {
    const identities = new StoredIdentities(readerOf(stored));
    expect(fresh.every((i) => identities.mayBeStored(i))).toBe(true);
  });

  it('after the load, tells the stored identifiers from new ones', async () => {
    const identities = new StoredIdentities(readerOf(stored));
    expect(await identities.load()).toBe(500);
    expect(stored.every((i) => identities.mayBeStored(i))).toBe(true);
    // A false hit has odds of 8 in 2^24; these fixed identifiers have none.
    expect(fresh.filter((i) => identities.mayBeStored(i))).toEqual([]);
  });

  it('keeps what was added while the load ran, across the load\'s resizing', async () => {
    const early = pseudonym('planned before the count');
    const late = pseudonym('planned after the count');
    const identities: StoredIdentities = new StoredIdentities(readerOf(stored, () => identities.add(late)));
    identities.add(early);
    await identities.load();
    expect(identities.mayBeStored(early)).toBe(true);
    expect(identities.mayBeStored(late)).toBe(true);
    const after = pseudonym('planned after the load');
    identities.add(after);
    expect(identities.mayBeStored(after)).toBe(true);
  });

  it('holds every identifier "maybe stored" when the load fails', async () => {
    const identities = new StoredIdentities(async () => {
      throw new Error('disk gone');
    });
    await expect(identities.load()).rejects.toThrow('disk gone');
    expect(fresh.every((i) => identities.mayBeStored(i))).toBe(true);
  });
});

describe('PersonResolver with the stored identifiers', () => {
  const BUSINESS = 'acme';
  const known = pseudonym('known phone');
  const knownRecord: IdentityRecord = { identity: known, person: known, kind: 'phone', region: 'IT', firstAtMicros: 1 };

  function row(customer: string): EventRow {
    return {
      business: BUSINESS, eventId: pseudonym(`event ${customer}`), type: 'message.received', channel: 'whatsapp', customer, customerKind: 'bsuid',
      customerRegion: 'ZZ', aliases: [], conversation: null, message: null, occurredAtMicros: 1000, receivedAtMicros: 0, sender: null,
      category: null, template: null, processedIn: 'DE', errorCode: null, pricing: null, source: null,
    };
  }

  /** A link store (one record stored to begin with) that says which identifiers the resolver reads. */
  function linkStore(withPrefixes: boolean) {
    const reads: string[][] = [];
    const records = new Map<string, IdentityRecord>([[known, knownRecord]]);
    const save = (links: readonly LinkWrite[]) => {
      for (const link of links) for (const record of link.records) records.set(record.identity, record);
    };
    const store: IdentityLinkStore = {
      loadPersons: async (identities) => {
        reads.push([...identities]);
        const persons = new Set(identities.flatMap((i) => (records.has(i) ? [records.get(i)!.person] : [])));
        const found = [...records.values()].filter((r) => persons.has(r.person));
        return new Map(found.length > 0 ? [[BUSINESS, found]] : []);
      },
      businessesWithLinks: async () => [BUSINESS],
      saveLinks: async (links) => save(links),
      ...(withPrefixes ? { forEachIdentityPrefix: readerOf([known]) } : {}),
    };
    return { store, reads, save };
  }

  /** The writer's part in a resolution: a merge or a region change applied with its records (here only the records). */
  const writerOver = (save: (links: readonly LinkWrite[]) => void) => ({
    exclusive: async <T>(fn: (store: { applyPersons: (b: string, records: readonly IdentityRecord[]) => Promise<void> }) => Promise<T>) =>
      fn({ applyPersons: async (business, records) => save([{ business, records }]) }),
  }) as unknown as EventWriter;
  const resolveRows = (resolver: PersonResolver, rows: EventRow[]) => resolver.exclusive(() => resolver.resolveRows(rows));

  it('reads no links for identifiers that were never stored, and reads them for one that was', async () => {
    const { store, reads, save } = linkStore(true);
    const resolver = await PersonResolver.open(store, writerOver(save));
    const newcomer = row(pseudonym('new bsuid'));
    await resolveRows(resolver, [newcomer]);
    expect(reads).toEqual([]);
    const returning = row(known);
    await resolveRows(resolver, [returning]);
    expect(reads).toEqual([[known]]);
    expect(returning.customerRegion).toBe('IT');
  });

  it('reads the links of an identifier linked since the load, once the cache has forgotten it', async () => {
    const { store, reads, save } = linkStore(true);
    const resolver = await PersonResolver.open(store, writerOver(save));
    const phone = pseudonym('new phone');
    const bsuid = pseudonym('its bsuid');
    const first = { ...row(phone), customerKind: 'phone' as const, customerRegion: 'PT', aliases: [{ identity: bsuid, kind: 'bsuid' as const, region: 'ZZ' }] };
    // The links ride with the rows into the writer's commit: stored here as that commit would.
    save(await resolveRows(resolver, [first]));
    resolver.forgetCached();
    const later = row(bsuid);
    await resolveRows(resolver, [later]);
    expect(reads.at(-1)).toEqual([bsuid]);
    expect(later.customer).toBe(first.customer);
    expect(later.customerRegion).toBe('PT');
  });

  it('drains only once the stored identifiers have been read (the links\' connection may then close)', async () => {
    const { store, save } = linkStore(true);
    let finishRead = () => undefined as void;
    const slowStore: IdentityLinkStore = {
      ...store,
      forEachIdentityPrefix: async (onCount, onChunk) => {
        await new Promise<void>((resolve) => (finishRead = resolve));
        await readerOf([known])(onCount, onChunk);
      },
    };
    const outcomes: unknown[] = [];
    const resolver = await PersonResolver.open(slowStore, writerOver(save), (outcome) => outcomes.push(outcome));
    let drained = false;
    const draining = resolver.drain().then(() => (drained = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(drained).toBe(false);
    finishRead();
    await draining;
    expect(outcomes).toEqual([{ records: 1, ms: expect.any(Number) }]);
  });

  it('reads every uncached identifier where the store cannot list them (other servers write links too)', async () => {
    const { store, reads, save } = linkStore(false);
    const resolver = await PersonResolver.open(store, writerOver(save));
    const newcomer = row(pseudonym('new bsuid'));
    await resolveRows(resolver, [newcomer]);
    expect(reads).toEqual([[newcomer.customer]]);
  });
});
