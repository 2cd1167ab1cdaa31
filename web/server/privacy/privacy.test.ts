import { rmSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { queryRows } from '../../../db/duckdb';
import { cachedPhoneNumbers } from '../../../ingest/anonymise/customerIdentity';
import { Pseudonymiser } from '../../../ingest/anonymise/pseudonym';
import { cellsContaining, fixture, postWebhook, registerWithWebhook } from '../routes/webhooks/webhookTestKit';
import { decodeKey } from '../secrets';
import { startTestRuntime, useTestRuntimes, TEST_ADMIN_TOKEN, TEST_PSEUDONYM_KEY, type TestRuntime } from '../testing/testRuntime';
import { customerCandidates, erasureTargets } from './erasure';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const Q = 'from=2026-03-02&to=2026-03-08';
const DAY = 86_400_000;
// The customer of the WhatsApp text fixture (wa_id 16505551234), sent to the API as +1 650 555 1234.
const PERSON = '+1 650 555 1234';

const { start, release } = useTestRuntimes({ now: () => NOW, env: { MIN_COHORT: '1' } });

let n = 0;
const event = (business: string, customer: string, conversation: string, at: string, extra: Record<string, unknown> = {}) => ({
  id: `p${++n}`, business, type: 'message.received', channel: 'whatsapp', customer, conversation, at, ...extra,
});

const request = (rt: TestRuntime, method: string, path: string, init: { body?: unknown; headers?: Record<string, string> } = {}) =>
  Promise.resolve(rt.app.request(path, {
    method,
    headers: { 'content-type': 'application/json', ...init.headers },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  }));

async function signIn(rt: TestRuntime, role: 'marketing' | 'dpo' | 'admin'): Promise<string> {
  const email = `${role}-${Math.random().toString(36).slice(2)}@example.com`;
  await rt.admin('POST', '/v1/users', { email, password: 'a-long-password-123', role });
  const res = await request(rt, 'POST', '/v1/session', { body: { email, password: 'a-long-password-123' } });
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

async function conversations(rt: TestRuntime, business: string): Promise<number> {
  const res = await rt.admin('GET', `/v1/reports/overview?${Q}`);
  const body = (await res.json()) as { businesses: { business: string; conversations: number }[] };
  return body.businesses.find((b) => b.business === business)!.conversations;
}

async function eventsOf(rt: TestRuntime, business: string, customers: readonly string[]): Promise<number> {
  const list = customers.map((c) => `'${c}'`).join(',');
  const [row] = await queryRows<{ n: number }>(rt.deps.store.connection, `SELECT count(*)::INTEGER AS n FROM events WHERE business = $1 AND customer IN (${list})`, [business]);
  return row!.n;
}

describe('customer candidates for erasure', () => {
  it('reads an identifier the ways the intake may have: E.164 from any phone format, or the id as given', () => {
    expect(customerCandidates('+39 333 123 4567')).toEqual(['+393331234567']);
    expect(customerCandidates('393331234567')).toEqual(expect.arrayContaining(['+393331234567', '393331234567']));
    expect(customerCandidates('0039 333-123-4567', 'whatsapp')).toEqual(['+393331234567']);
    expect(customerCandidates('24681357902468135', 'messenger')).toEqual(['24681357902468135']);
  });

  it('gives the pseudonyms the intake gives, per business, under the current and the previous key', () => {
    const current = new Pseudonymiser(decodeKey(TEST_PSEUDONYM_KEY));
    const previous = new Pseudonymiser(Buffer.alloc(32, 9));
    const targets = erasureTargets({ customer: '16505551234', businesses: ['acme', 'globex'] }, {
      pseudonymiser: current, previousPseudonymKey: { pseudonymiser: previous, untilMs: 0 },
    });
    expect(targets.map((t) => t.business)).toEqual(['acme', 'globex']);
    expect(targets[0]!.customers).toContain(current.pseudonym('acme', 'customer', '+16505551234'));
    expect(targets[0]!.customers).toContain(previous.pseudonym('acme', 'customer', '+16505551234'));
    expect(targets[1]!.customers).not.toContain(current.pseudonym('acme', 'customer', '+16505551234'));
  });
});

describe('POST /v1/privacy/erasure', () => {
  it('deletes every event and derived fact of one person in the businesses named; the reports stop counting them; the audit log records it without the identifier', async () => {
    const rt = await start();
    await registerWithWebhook(rt, 'acme');
    await rt.registerBusiness('globex');
    const key = await rt.createKey('acme', ['globex']);
    const posted = await rt.postEvents(key, [
      event('acme', PERSON, 'x1', '2026-03-03T10:00:00Z'),
      event('acme', PERSON, 'x1', '2026-03-03T10:05:00Z', { type: 'message.sent', sender: 'agent', category: 'service' }),
      event('acme', '+4915123456789', 'y1', '2026-03-04T10:00:00Z'),
      event('acme', 'psid-77', 'z1', '2026-03-05T10:00:00Z', { channel: 'messenger', customer_country: 'FR' }),
      event('globex', PERSON, 'g1', '2026-03-03T10:00:00Z'),
    ]);
    expect(((await posted.json()) as { accepted: number }).accepted).toBe(5);
    // The same person through the WhatsApp webhook (as wa_id), which also records thread state.
    expect((await postWebhook(rt, 'whatsapp', 'acme', fixture('whatsapp-text'))).status).toBe(200);
    const pseudonyms = (business: string) => erasureTargets({ customer: PERSON, businesses: [business] }, rt.deps)[0]!.customers;
    expect(await eventsOf(rt, 'acme', pseudonyms('acme'))).toBe(3);
    expect(await conversations(rt, 'acme')).toBe(3);

    expect(rt.deps.pseudonymiser.cachedIdentifiers).toBeGreaterThan(0);
    expect(cachedPhoneNumbers()).toBeGreaterThan(0);

    const dpo = await signIn(rt, 'dpo');
    const res = await request(rt, 'POST', '/v1/privacy/erasure', { headers: { cookie: dpo }, body: { customer: '16505551234', businesses: ['acme'] } });
    expect(res.status).toBe(200);
    // The intake's in-memory caches no longer hold the person's raw identifiers either.
    expect(rt.deps.pseudonymiser.cachedIdentifiers).toBe(0);
    expect(cachedPhoneNumbers()).toBe(0);
    expect(await res.json()).toEqual({ deleted_events: 3, deleted_webhook_messages: 1, deleted_webhook_watermarks: 0, deleted_customer_links: 0 });

    expect(await eventsOf(rt, 'acme', pseudonyms('acme'))).toBe(0);
    const [left] = await queryRows<{ n: number }>(rt.deps.store.connection,
      `SELECT count(*)::INTEGER AS n FROM webhook_messages WHERE customer IN (${pseudonyms('acme').map((c) => `'${c}'`).join(',')})`);
    expect(left!.n).toBe(0);
    expect(await conversations(rt, 'acme')).toBe(2);
    // Only the businesses named: globex still holds its own record of this person.
    expect(await eventsOf(rt, 'globex', pseudonyms('globex'))).toBe(1);
    expect(await conversations(rt, 'globex')).toBe(1);

    const audit = await queryRows<{ actor: string; action: string; target: string; filters: string; row_count: number }>(
      rt.deps.store.connection, "SELECT actor, action, target, filters::VARCHAR AS filters, row_count FROM audit_log WHERE action LIKE 'privacy.%'",
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'privacy.erasure', target: 'acme', row_count: 3 });
    expect(audit[0]!.actor).toMatch(/^dpo-.*@example\.com$/);
    expect(JSON.parse(audit[0]!.filters)).toMatchObject({ businesses: ['acme'], deleted_events: 3 });
    expect(await cellsContaining(rt, ['6505551234', ...pseudonyms('acme')])).toEqual([]);
    expect(rt.logs.join('\n')).not.toContain('6505551234');

    // A second request for the other business; a repeat finds nothing.
    const again = await rt.admin('POST', '/v1/privacy/erasure', { customer: PERSON, businesses: ['globex', 'acme'] });
    expect(((await again.json()) as { deleted_events: number }).deleted_events).toBe(1);
    expect(await conversations(rt, 'globex')).toBe(0);
  });

  it('is for dpo and admin only, and checks its input', async () => {
    const rt = await start();
    await rt.registerBusiness('acme');
    const key = await rt.createKey('acme');
    const body = { customer: PERSON, businesses: ['acme'] };
    expect((await request(rt, 'POST', '/v1/privacy/erasure', { body })).status).toBe(401);
    expect((await request(rt, 'POST', '/v1/privacy/erasure', { body, headers: { authorization: `Bearer ${key}` } })).status).toBe(401);
    expect((await request(rt, 'POST', '/v1/privacy/erasure', { body, headers: { cookie: await signIn(rt, 'marketing') } })).status).toBe(403);
    expect((await request(rt, 'POST', '/v1/privacy/erasure', { body, headers: { cookie: await signIn(rt, 'admin') } })).status).toBe(200);
    expect((await rt.admin('POST', '/v1/privacy/erasure', { customer: PERSON, businesses: ['nope'] })).status).toBe(400);
    expect((await rt.admin('POST', '/v1/privacy/erasure', { customer: '', businesses: ['acme'] })).status).toBe(400);
    expect((await rt.admin('POST', '/v1/privacy/erasure', { customer: PERSON, businesses: [] })).status).toBe(400);
    const reply = await rt.admin('POST', '/v1/privacy/erasure', { customer: PERSON, businesses: ['acme'], note: PERSON });
    expect(reply.status).toBe(400);
    expect(rt.logs.join('\n')).not.toContain('650 555');
  });

  it('never races the intake: events of the person sent during the erasure are either deleted or stored whole, nothing lost or doubled', async () => {
    const rt = await start({ now: Date.now });
    await rt.registerBusiness('acme');
    const key = await rt.createKey('acme');
    const batch = (b: number) => Array.from({ length: 200 }, (_, i) =>
      event('acme', PERSON, `c${b}`, new Date(Date.now() - 60_000).toISOString(), { id: `race-${b}-${i}` }));
    const posts = Array.from({ length: 10 }, (_, b) => rt.postEvents(key, batch(b)));
    const erasures = [1, 4, 7].map((delay) => new Promise((r) => setTimeout(r, delay)).then(() =>
      rt.admin('POST', '/v1/privacy/erasure', { customer: PERSON, businesses: ['acme'] })));
    const accepted = (await Promise.all(posts.map(async (p) => ((await (await p).json()) as { accepted: number }).accepted))).reduce((a, b) => a + b, 0);
    const deleted = (await Promise.all(erasures.map(async (p) => ((await (await p).json()) as { deleted_events: number }).deleted_events))).reduce((a, b) => a + b, 0);
    expect(accepted).toBe(2_000);
    const remaining = await eventsOf(rt, 'acme', erasureTargets({ customer: PERSON, businesses: ['acme'] }, rt.deps)[0]!.customers);
    expect(deleted + remaining).toBe(2_000);
    expect(deleted).toBeGreaterThan(0);
  });
});

describe('retention', () => {
  it('purges events older than RETENTION_DAYS and their derived facts, at start and when run, logging counts only', async () => {
    let now = NOW;
    const rt = await start({ now: () => now, env: { RETENTION_DAYS: '30' } });
    await registerWithWebhook(rt, 'acme');
    const key = await rt.createKey('acme');
    const at = (days: number) => new Date(NOW - days * DAY).toISOString();
    const reply = await rt.postEvents(key, [event('acme', PERSON, 'old', at(20)), event('acme', PERSON, 'new', at(2)), event('acme', PERSON, 'too-old', at(31))]);
    expect(((await reply.json()) as { accepted: number; rejected: { field: string }[] }).rejected).toEqual([expect.objectContaining({ index: 2, field: 'at' })]);
    // Webhook thread state 20 days back, and a session.
    const body = fixture('whatsapp-text').replace('"1749416383"', `"${Math.floor((NOW - 20 * DAY) / 1000)}"`);
    expect((await postWebhook(rt, 'whatsapp', 'acme', body)).status).toBe(200);
    await request(rt, 'POST', '/v1/session', { body: { email: 'admin', password: TEST_ADMIN_TOKEN } });
    const count = async (table: string) => (await queryRows<{ n: number }>(rt.deps.store.connection, `SELECT count(*)::INTEGER AS n FROM ${table}`))[0]!.n;
    expect([await count('events'), await count('webhook_messages'), await count('sessions')]).toEqual([3, 1, 1]);

    now = NOW + 15 * DAY; // the 20-day-old events are 35 days old now, the session long expired
    const purged = await rt.purgeRetention();
    expect(purged).toMatchObject({ events: 2, webhookMessages: 1, sessions: 1 });
    expect([await count('events'), await count('webhook_messages'), await count('sessions')]).toEqual([1, 0, 0]);
    const logged = rt.logs.filter((l) => l.includes('retention purge')).map((l) => JSON.parse(l) as { deleted: { events: number } });
    expect(logged.at(-1)!.deleted.events).toBe(2);

    // At start: a restart 40 days later purges the rest, in the background (the server answers at once).
    const dir = rt.dir;
    await rt.close();
    release(rt);
    const later = await start({ dir, now: () => NOW + 40 * DAY, env: { RETENTION_DAYS: '30' } });
    await vi.waitFor(() => expect(later.logs.filter((l) => l.includes('retention purge')).length).toBe(1), { timeout: 10_000 });
    expect((await queryRows<{ n: number }>(later.deps.store.connection, 'SELECT count(*)::INTEGER AS n FROM events'))[0]!.n).toBe(0);
    await later.stop();
    release(later);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('pseudonym key rotation', () => {
  const OLD_KEY = TEST_PSEUDONYM_KEY;
  const NEW_KEY = 'b'.repeat(64);

  it('recognises resends of events stored under the previous key during the overlap, and erasure finds both', async () => {
    const first = await start();
    await first.registerBusiness('acme');
    const key = await first.createKey('acme');
    const e1 = event('acme', PERSON, 'r1', '2026-03-03T10:00:00Z');
    expect(((await (await first.postEvents(key, [e1])).json()) as { accepted: number }).accepted).toBe(1);
    const dir = first.dir;
    await first.close();
    release(first);

    const rotated = { PSEUDONYM_KEY: NEW_KEY, PSEUDONYM_KEY_PREVIOUS: OLD_KEY, PSEUDONYM_KEY_PREVIOUS_UNTIL: '2026-03-31' };
    const second = await start({ dir, env: rotated });
    const resent = (await (await second.postEvents(key, [e1, event('acme', PERSON, 'r2', '2026-03-04T10:00:00Z')])).json()) as { accepted: number; duplicates: number };
    expect(resent).toMatchObject({ accepted: 1, duplicates: 1 });
    await second.close();
    release(second);

    // After the overlap, idempotency no longer links the old ids, but erasure still finds the
    // person under the previous key for as long as it is configured.
    const third = await start({ dir, now: () => Date.parse('2026-04-02T12:00:00Z'), env: rotated });
    const erased = await third.admin('POST', '/v1/privacy/erasure', { customer: PERSON, businesses: ['acme'] });
    expect(((await erased.json()) as { deleted_events: number }).deleted_events).toBe(2);
    await third.stop();
    release(third);
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a previous key without the end of its overlap', async () => {
    await expect(startTestRuntime({ env: { PSEUDONYM_KEY_PREVIOUS: 'b'.repeat(64) } })).rejects.toThrow(/PSEUDONYM_KEY_PREVIOUS_UNTIL/);
  });
});

describe('linked identities (phone number and business-scoped user id)', () => {
  const BSUID = 'US.5k2Vq9Rt7Lx';

  it('erases, by the phone number, the events the person sent under its BSUID only, and the links', async () => {
    const rt = await start();
    await rt.registerBusiness('acme');
    const key = await rt.createKey('acme');
    const posted = await rt.postEvents(key, [
      event('acme', PERSON, 'l1', '2026-03-03T10:00:00Z', { customer_aliases: [BSUID] }),
      event('acme', BSUID, 'l1', '2026-03-03T11:00:00Z'),
      event('acme', BSUID, 'l2', '2026-03-05T11:00:00Z'),
      event('acme', '+4915123456789', 'l3', '2026-03-04T10:00:00Z'),
    ]);
    expect(((await posted.json()) as { accepted: number }).accepted).toBe(4);
    const count = async (table: string) => (await queryRows<{ n: number }>(rt.deps.store.connection, `SELECT count(*)::INTEGER AS n FROM ${table}`))[0]!.n;
    expect([await count('events'), await count('customer_links')]).toEqual([4, 2]);

    const res = await rt.admin('POST', '/v1/privacy/erasure', { customer: PERSON, businesses: ['acme'] });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ deleted_events: 3, deleted_customer_links: 2 });
    expect([await count('events'), await count('customer_links'), await conversations(rt, 'acme')]).toEqual([1, 0, 1]);
  });

  it('forgets the links of a person whose every event expired', async () => {
    let now = NOW;
    const rt = await start({ now: () => now, env: { RETENTION_DAYS: '30' } });
    await rt.registerBusiness('acme');
    const key = await rt.createKey('acme');
    const at = (days: number) => new Date(NOW - days * DAY).toISOString();
    await rt.postEvents(key, [
      event('acme', PERSON, 'r1', at(20), { customer_aliases: [BSUID] }),
      event('acme', '+4915123456789', 'r2', at(20), { customer_aliases: ['DE.9x8y7z'] }),
      event('acme', 'DE.9x8y7z', 'r3', at(1)),
    ]);
    now = NOW + 15 * DAY;
    expect(await rt.purgeRetention()).toMatchObject({ events: 2, customerLinks: 2 });
    const [left] = await queryRows<{ n: number }>(rt.deps.store.connection, 'SELECT count(*)::INTEGER AS n FROM customer_links');
    // The German customer still has an event: both of their identifiers stay linked.
    expect(left!.n).toBe(2);
  });
});
