import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import { listAudit, type AuditEntry } from '../../auditLog';
import { NO_REWRITE, type IdentityRecord } from '../../customerLinks';
import type { ErasureCounts } from '../../lifecycle';
import type { PgStore } from '../../postgres/pgStore';
import { usePrivatePostgres } from '../../postgres/testing/usePostgres';
import { sessions, webhookMessages, webhookWatermarks } from '../../schema';
import { insertSession } from '../../users';
import { raiseWatermark, recordPolicyEvent, recordWebhookMessage } from '../../webhookState';
import type { ClickHouseClient } from '../clickhouseClient';
import { ClickHouseEventStore } from '../clickhouseEventStore';
import { loadPersons } from '../clickhouseLinks';
import { forEachEventIdPrefix, idRanges } from '../eventIdPrefixes';
import { eventAt, hexId } from './lifecycleEvents';

// Retention, erasure, identity links and merges, and the id prefix scan of the ClickHouse event
// store on one server: the same tests on Debian's 18.16 and on chdb (26.x). The webhook state,
// sessions and audit log are in a real PostgreSQL (the registry store of this mode).

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
    let registry: PgStore;
    const postgres = usePrivatePostgres();

    beforeAll(async () => {
      target = await open();
      client = target.client;
      registry = await postgres.store();
      store = new ClickHouseEventStore(client, { registry });
    });
    afterAll(async () => {
      await target?.dispose();
    });

    const sent = (business: string, channel: string, name: string, customer: string, iso: string) =>
      registry.exclusive((db) => recordWebhookMessage(db, {
        business, channel, direction: 'out', message: hexId(`${business}/${name}`), customer, atMs: Date.parse(iso), threadStartMs: Date.parse(iso),
      }));
    const delivered = (business: string, channel: string, customer: string, iso: string) =>
      registry.exclusive((db) => raiseWatermark(db, business, channel, customer, 'delivered', Date.parse(iso)));
    const webhookStateOf = (business: string) => registry.exclusive(async (db) => ({
      messages: (await db.select().from(webhookMessages).where(eq(webhookMessages.business, business)).orderBy(asc(webhookMessages.at)))
        .map((r) => `${r.channel}:${r.customer}:${Date.parse(r.threadStart)}`),
      watermarks: (await db.select().from(webhookWatermarks).where(eq(webhookWatermarks.business, business)).orderBy(asc(webhookWatermarks.channel)))
        .map((r) => `${r.channel}:${r.customer}:${Date.parse(r.deliveredUntil ?? '')}`),
    }));
    const erasureAudit = (c: ErasureCounts): AuditEntry => ({
      actor: 'admin', action: 'privacy.erasure', target: 'eraseco', rowCount: c.events, atMs: Date.now(),
      filters: { deleted_events: c.events, deleted_webhook_messages: c.webhookMessages, deleted_webhook_watermarks: c.webhookWatermarks, deleted_customer_links: c.customerLinks },
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

    it('moves merged persons\' events, regions and threads by a mutation, and their webhook state in PostgreSQL, then saves the links', async () => {
      await sent('mergeco', 'whatsapp', 'w1', 'personY', '2026-04-03T01:00:00Z');
      await delivered('mergeco', 'messenger', 'personY', '2026-04-03T01:30:00Z');
      await store.commit([
        eventAt('mergeco', 'm1', 'personX', '2026-04-03T00:00:00Z'),
        eventAt('mergeco', 'm2', 'personY', '2026-04-03T01:00:00Z', { customerRegion: 'US' }),
        eventAt('mergeco', 'm3', 'personY', '2026-04-03T02:00:00Z', { conversation: 'thread-old' }),
        eventAt('mergeco', 'm4', 'personZ', '2026-04-03T03:00:00Z'),
      ]);
      await store.applyPersons('mergeco', [link('phoneY', 'personX')], {
        ...NO_REWRITE, moves: [{ from: 'personY', to: 'personX' }], regions: [{ person: 'personX', region: 'FR' }],
        conversations: [{ from: 'thread-old', to: 'thread-new' }],
        threads: [{ channel: 'whatsapp', direction: 'out', message: hexId('mergeco/w1'), threadStartMs: Date.parse('2026-04-03T00:00:00Z') }],
      });
      const rows = await client.query<{ customer: string; customer_region: string; conversation: string }>(
        "SELECT customer, customer_region, conversation FROM events FINAL WHERE business = 'mergeco' ORDER BY occurred_us",
      );
      expect(rows.map((r) => `${r.customer}/${r.customer_region}/${r.conversation}`)).toEqual([
        'personX/FR/conv-personX', 'personX/FR/conv-personY', 'personX/FR/thread-new', 'personZ/DE/conv-personZ',
      ]);
      expect((await loadPersons(client, ['phoneY'])).get('mergeco')?.map((r) => r.person)).toEqual(['personX']);
      expect(await webhookStateOf('mergeco')).toEqual({
        messages: [`whatsapp:personX:${Date.parse('2026-04-03T00:00:00Z')}`],
        watermarks: [`messenger:personX:${Date.parse('2026-04-03T01:30:00Z')}`],
      });
      // Only links, nothing to rewrite: no mutation, the links are saved.
      await store.applyPersons('mergeco', [link('phoneZ', 'personZ')], NO_REWRITE);
      expect((await loadPersons(client, ['phoneZ'])).get('mergeco')?.map((r) => r.identity)).toEqual(['phoneZ']);
    });

    it('erases a person sent twice, with the events of a merged identifier, the links and the webhook state, then audits it', async () => {
      const person = hexId('erase-person');
      const someoneElse = hexId('someone-else');
      const rows = [1, 2, 3].map((i) => eventAt('eraseco', `e${i}`, person, `2026-04-1${i}T00:00:00Z`));
      const keep = eventAt('eraseco', 'keep', someoneElse, '2026-04-12T00:00:00Z');
      await store.commit([...rows, keep], [{ business: 'eraseco', records: [link(hexId('erase-phone'), person), link(hexId('erase-bsuid'), person)] }]);
      await store.commit(rows);
      await store.commit([eventAt('otherco', 'o1', person, '2026-04-12T00:00:00Z')]);
      // The person's thread records (one still under an identifier's own pseudonym) and watermark.
      await sent('eraseco', 'whatsapp', 'w1', person, '2026-04-11T00:00:00Z');
      await sent('eraseco', 'messenger', 'w2', person, '2026-04-12T00:00:00Z');
      await sent('eraseco', 'whatsapp', 'w3', hexId('erase-phone'), '2026-04-13T00:00:00Z');
      await delivered('eraseco', 'messenger', person, '2026-04-12T00:00:00Z');
      await sent('eraseco', 'whatsapp', 'w4', someoneElse, '2026-04-14T00:00:00Z');
      await delivered('eraseco', 'messenger', someoneElse, '2026-04-14T00:00:00Z');
      await sent('otherco', 'whatsapp', 'w5', person, '2026-04-12T00:00:00Z');
      const counts = await store.eraseCustomers([{ business: 'eraseco', customers: [hexId('erase-phone')] }], erasureAudit);
      expect(counts).toEqual({ events: 3, webhookMessages: 3, webhookWatermarks: 1, customerLinks: 2 });
      expect(await customersOf('eraseco')).toEqual([`${keep.customer}:1`]);
      expect(await customersOf('otherco')).toEqual([`${person}:1`]);
      expect(await loadPersons(client, [hexId('erase-bsuid'), hexId('erase-phone')])).toEqual(new Map());
      expect(await webhookStateOf('eraseco')).toEqual({
        messages: [`whatsapp:${someoneElse}:${Date.parse('2026-04-14T00:00:00Z')}`],
        watermarks: [`messenger:${someoneElse}:${Date.parse('2026-04-14T00:00:00Z')}`],
      });
      expect((await webhookStateOf('otherco')).messages).toEqual([`whatsapp:${person}:${Date.parse('2026-04-12T00:00:00Z')}`]);
      const [entry] = await listAudit(registry, { actionPrefix: 'privacy.', limit: 1 });
      expect(entry).toMatchObject({
        action: 'privacy.erasure', target: 'eraseco', rowCount: 3,
        filters: { deleted_events: 3, deleted_webhook_messages: 3, deleted_webhook_watermarks: 1, deleted_customer_links: 2 },
      });
      // Repeated (an interrupted erasure is retried): nothing left to delete, and it says so.
      expect(await store.eraseCustomers([{ business: 'eraseco', customers: [person] }], erasureAudit))
        .toEqual({ events: 0, webhookMessages: 0, webhookWatermarks: 0, customerLinks: 0 });
      expect((await listAudit(registry, { actionPrefix: 'privacy.', limit: 10 })).map((e) => e.filters.deleted_webhook_messages)).toEqual([0, 3]);
    });

    it('refuses an erasure it could not audit (no registry store), before deleting anything', async () => {
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
      // In PostgreSQL: thread records and a watermark of either side of the cutoff, a policy
      // event before it, a session expired now and one still valid.
      await sent('retainco', 'whatsapp', 'w-old', 'old', '2026-02-28T00:00:00Z');
      await sent('retainco', 'whatsapp', 'w-new', 'kept', '2026-03-16T00:00:00Z');
      await delivered('retainco', 'messenger', 'old', '2026-02-28T00:00:00Z');
      await delivered('retainco', 'messenger', 'kept', '2026-03-16T00:00:00Z');
      await registry.exclusive((db) => recordPolicyEvent(db, 'retainco', 'messenger', 'block', Date.parse('2026-03-01T00:00:00Z'), Date.parse('2026-03-01T00:00:00Z')));
      const nowMs = Date.parse('2026-05-01T00:00:00Z');
      for (const [token, expiresAt] of [['a'.repeat(64), '2026-04-30T00:00:00Z'], ['b'.repeat(64), '2026-05-02T00:00:00Z']] as const) {
        await insertSession(registry, { tokenHash: token, userId: null, role: 'admin', expiresAt, adminTokenProof: null }, new Date('2026-04-01T00:00:00Z'));
      }
      const before = await store.countEvents();
      const events = (await client.query<{ n: number }>("SELECT count() AS n FROM events FINAL WHERE occurred_at < toDateTime('2026-03-15 12:00:00', 'UTC')"))[0]!.n;
      const counts = await store.purgeExpired(Date.parse('2026-03-15T12:00:00Z'), nowMs);
      expect(counts).toEqual({ events, customerLinks: 1, webhookMessages: 1, webhookWatermarks: 1, webhookPolicyEvents: 1, sessions: 1 });
      expect(await webhookStateOf('retainco')).toEqual({
        messages: [`whatsapp:kept:${Date.parse('2026-03-16T00:00:00Z')}`],
        watermarks: [`messenger:kept:${Date.parse('2026-03-16T00:00:00Z')}`],
      });
      expect((await registry.exclusive((db) => db.select().from(sessions))).map((r) => r.tokenHash)).toEqual(['b'.repeat(64)]);
      expect(events).toBeGreaterThanOrEqual(3);
      expect(await store.countEvents()).toBe(before - events);
      const left = await client.query<{ message: string }>("SELECT message FROM events FINAL WHERE business = 'retainco' ORDER BY occurred_us");
      expect(left.map((r) => r.message)).toEqual(['msg-mar-cutoff', 'msg-mar-late']);
      const months = await client.query<{ partition: string }>(`SELECT DISTINCT partition FROM system.parts WHERE database = '${LIFECYCLE_DATABASE}' AND table = 'events' AND active ORDER BY partition`);
      expect(months.map((m) => m.partition)).toEqual(['202603', '202604']);
      expect((await loadPersons(client, ['old-phone', 'kept-phone'])).get('retainco')?.map((r) => r.identity)).toEqual(['kept-phone']);
      // Again at the same cutoff: nothing left to delete.
      expect(await store.purgeExpired(Date.parse('2026-03-15T12:00:00Z'), nowMs))
        .toEqual({ events: 0, customerLinks: 0, webhookMessages: 0, webhookWatermarks: 0, webhookPolicyEvents: 0, sessions: 0 });
    });
  });
}
