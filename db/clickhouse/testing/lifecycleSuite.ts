import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../auditLog';
import { NO_REWRITE, type IdentityRecord } from '../../customerLinks';
import type { ClickHouseClient } from '../clickhouseClient';
import { ClickHouseEventStore } from '../clickhouseEventStore';
import { loadPersons } from '../clickhouseLinks';
import { forEachEventIdPrefix, idRanges } from '../eventIdPrefixes';
import { eventAt, hexId } from './lifecycleEvents';

// Retention, erasure, identity links and merges, and the id prefix scan of the ClickHouse event
// store on one server: the same tests on Debian's 18.16 and on chdb (26.x).

const link = (identity: string, person: string, firstIso = '2026-04-01T00:00:00Z'): IdentityRecord =>
  ({ identity, person, kind: 'phone', region: 'DE', firstAtMicros: Date.parse(firstIso) * 1000 });

/** A database named LIFECYCLE_DATABASE with the schema of ../schema.ts, on one server or chdb. */
export interface LifecycleTarget {
  client: ClickHouseClient;
  dispose(): Promise<void>;
}

export const LIFECYCLE_DATABASE = 'mpa_life';

export function describeLifecycle(name: string, open: () => Promise<LifecycleTarget>): void {
  describe(name, () => {
    let target: LifecycleTarget;
    let client: ClickHouseClient;
    let store: ClickHouseEventStore;
    const audits: AuditEntry[] = [];

    beforeAll(async () => {
      target = await open();
      client = target.client;
      store = new ClickHouseEventStore(client, { appendAudit: async (entry) => void audits.push(entry) });
    });
    afterAll(async () => {
      await target?.dispose();
    });

    const customersOf = async (business: string) =>
      (await client.query<{ customer: string; n: number }>(`SELECT customer, count() AS n FROM events FINAL WHERE business = '${business}' GROUP BY customer ORDER BY customer`))
        .map((r) => `${r.customer}:${r.n}`);

    it('streams each stored event id prefix once, and the store has nothing to compact or cluster', async () => {
      const rows = Array.from({ length: 300 }, (_, i) => eventAt('prefixco', `p${i}`, `c${i % 7}`, `2026-0${1 + (i % 3)}-10T00:00:00Z`));
      await store.commit(rows);
      await store.commit(rows.slice(0, 120));
      const seen: string[] = [];
      await store.forEachEventIdPrefix((high, low) => high.forEach((h, i) => seen.push(h.toString(16).padStart(8, '0') + low[i]!.toString(16).padStart(8, '0'))));
      expect(seen.sort()).toEqual(rows.map((r) => r.eventId.slice(0, 16)).sort());
      // Slices split by id ranges (about 7 rows each here): still each event once.
      const split: string[] = [];
      await forEachEventIdPrefix(client, (high, low) => high.forEach((h, i) => split.push(`${h}/${low[i]}`)), 7);
      expect(new Set(split).size).toBe(split.length);
      expect(split.length).toBe(seen.length);
      // A duplicate check of many ids at once (the writer asks for a whole batch's).
      const many = [...rows.map((r) => r.eventId), ...Array.from({ length: 6000 }, (_, i) => hexId(`absent${i}`))];
      expect((await store.storedEventIds(many)).size).toBe(300);
      expect(idRanges(3)).toEqual([{ to: '55555555' }, { from: '55555555', to: 'aaaaaaaa' }, { from: 'aaaaaaaa' }]);
      await store.compactFacts();
      expect(await store.clusterNextBlock(20_000)).toBeUndefined();
      expect(await store.countEvents('prefixco')).toBe(300);
    });

    it('saves the links a commit carries and finds every identifier of their persons, latest version first', async () => {
      await store.commit([eventAt('linkco', 'l1', 'personA', '2026-04-02T00:00:00Z')],
        [{ business: 'linkco', records: [link('phoneA', 'personA'), link('bsuidA', 'personA')] }]);
      await store.commit([], [{ business: 'linkco', records: [{ ...link('bsuidA', 'personA'), region: 'FR' }] }]);
      const persons = await loadPersons(client, ['phoneA']);
      expect(persons.get('linkco')?.map((r) => `${r.identity}>${r.person}:${r.region}`).sort()).toEqual(['bsuidA>personA:FR', 'phoneA>personA:DE']);
      expect((await loadPersons(client, ['nobody'])).size).toBe(0);
    });

    it('moves merged persons\' events, regions and threads by a mutation, then saves the links', async () => {
      await store.commit([
        eventAt('mergeco', 'm1', 'personX', '2026-04-03T00:00:00Z'),
        eventAt('mergeco', 'm2', 'personY', '2026-04-03T01:00:00Z', { customerRegion: 'US' }),
        eventAt('mergeco', 'm3', 'personY', '2026-04-03T02:00:00Z', { conversation: 'thread-old' }),
        eventAt('mergeco', 'm4', 'personZ', '2026-04-03T03:00:00Z'),
      ]);
      await store.applyPersons('mergeco', [link('phoneY', 'personX')], {
        ...NO_REWRITE, moves: [{ from: 'personY', to: 'personX' }], regions: [{ person: 'personX', region: 'FR' }],
        conversations: [{ from: 'thread-old', to: 'thread-new' }],
      });
      const rows = await client.query<{ customer: string; customer_region: string; conversation: string }>(
        "SELECT customer, customer_region, conversation FROM events FINAL WHERE business = 'mergeco' ORDER BY occurred_us",
      );
      expect(rows.map((r) => `${r.customer}/${r.customer_region}/${r.conversation}`)).toEqual([
        'personX/FR/conv-personX', 'personX/FR/conv-personY', 'personX/FR/thread-new', 'personZ/DE/conv-personZ',
      ]);
      expect((await loadPersons(client, ['phoneY'])).get('mergeco')?.map((r) => r.person)).toEqual(['personX']);
      // Only links, nothing to rewrite: no mutation, the links are saved.
      await store.applyPersons('mergeco', [link('phoneZ', 'personZ')], NO_REWRITE);
      expect((await loadPersons(client, ['phoneZ'])).get('mergeco')?.map((r) => r.identity)).toEqual(['phoneZ']);
    });

    it('erases a person sent twice, with the events of a merged identifier and the links, then audits it', async () => {
      const person = hexId('erase-person');
      const rows = [1, 2, 3].map((i) => eventAt('eraseco', `e${i}`, person, `2026-04-1${i}T00:00:00Z`));
      const keep = eventAt('eraseco', 'keep', hexId('someone-else'), '2026-04-12T00:00:00Z');
      await store.commit([...rows, keep], [{ business: 'eraseco', records: [link(hexId('erase-phone'), person), link(hexId('erase-bsuid'), person)] }]);
      await store.commit(rows);
      await store.commit([eventAt('otherco', 'o1', person, '2026-04-12T00:00:00Z')]);
      const counts = await store.eraseCustomers([{ business: 'eraseco', customers: [hexId('erase-phone')] }],
        (c) => ({ actor: 'admin', action: 'privacy.erasure', details: { ...c } } as unknown as AuditEntry));
      expect(counts).toEqual({ events: 3, webhookMessages: 0, webhookWatermarks: 0, customerLinks: 2 });
      expect(await customersOf('eraseco')).toEqual([`${keep.customer}:1`]);
      expect(await customersOf('otherco')).toEqual([`${person}:1`]);
      expect(await loadPersons(client, [hexId('erase-bsuid'), hexId('erase-phone')])).toEqual(new Map());
      expect(audits.at(-1)).toMatchObject({ action: 'privacy.erasure', details: counts });
      // Repeated (an interrupted erasure is retried): nothing left to delete, and it says so.
      expect(await store.eraseCustomers([{ business: 'eraseco', customers: [person] }], () => ({} as AuditEntry)))
        .toEqual({ events: 0, webhookMessages: 0, webhookWatermarks: 0, customerLinks: 0 });
    });

    it('refuses an erasure it could not audit, before deleting anything', async () => {
      const unaudited = new ClickHouseEventStore(client);
      const row = eventAt('auditco', 'a1', 'someone', '2026-04-12T00:00:00Z');
      await unaudited.commit([row]);
      await expect(unaudited.eraseCustomers([{ business: 'auditco', customers: ['someone'] }], () => ({} as AuditEntry))).rejects.toThrow(/audit log/);
      expect(await unaudited.countEvents('auditco')).toBe(1);
    });

    it('retention drops the months before the cutoff, the cutoff month\'s older rows and orphaned links, nothing newer', async () => {
      const rows = [
        eventAt('retainco', 'jan', 'old', '2026-01-15T00:00:00Z'),
        eventAt('retainco', 'feb', 'old', '2026-02-28T23:59:59Z'),
        eventAt('retainco', 'mar-early', 'kept', '2026-03-10T00:00:00Z'),
        eventAt('retainco', 'mar-cutoff', 'kept', '2026-03-15T12:00:00Z'),
        eventAt('retainco', 'mar-late', 'kept', '2026-03-20T00:00:00Z'),
      ];
      await store.commit(rows, [{ business: 'retainco', records: [link('old-phone', 'old', '2026-01-15T00:00:00Z'), link('kept-phone', 'kept', '2026-03-10T00:00:00Z')] }]);
      await store.commit(rows);
      const before = await store.countEvents();
      const events = (await client.query<{ n: number }>("SELECT count() AS n FROM events FINAL WHERE occurred_at < toDateTime('2026-03-15 12:00:00', 'UTC')"))[0]!.n;
      const counts = await store.purgeExpired(Date.parse('2026-03-15T12:00:00Z'), Date.now());
      expect(counts).toEqual({ events, customerLinks: 1, webhookMessages: 0, webhookWatermarks: 0, webhookPolicyEvents: 0, sessions: 0 });
      expect(events).toBeGreaterThanOrEqual(3);
      expect(await store.countEvents()).toBe(before - events);
      const left = await client.query<{ message: string }>("SELECT message FROM events FINAL WHERE business = 'retainco' ORDER BY occurred_us");
      expect(left.map((r) => r.message)).toEqual(['msg-mar-cutoff', 'msg-mar-late']);
      const months = await client.query<{ partition: string }>(`SELECT DISTINCT partition FROM system.parts WHERE database = '${LIFECYCLE_DATABASE}' AND table = 'events' AND active ORDER BY partition`);
      expect(months.map((m) => m.partition)).toEqual(['202603', '202604']);
      expect((await loadPersons(client, ['old-phone', 'kept-phone'])).get('retainco')?.map((r) => r.identity)).toEqual(['kept-phone']);
      // Again at the same cutoff: nothing left to delete.
      expect((await store.purgeExpired(Date.parse('2026-03-15T12:00:00Z'), Date.now())).events).toBe(0);
    });
  });
}
