import { describe, expect, it } from 'vitest';
import { queryRows } from '../../../db/duckdb';
import { cachedPhoneNumbers } from '../../../ingest/anonymise/customerIdentity';
import { TEST_ADMIN_TOKEN, useTestRuntimes, type TestRuntime } from '../testing/testRuntime';
import { erasureTargets } from './erasure';

// Subject access through the real app: the person's events (through every linked identifier) at
// the businesses named, nobody else's, as JSON and as CSV, audited without the identifier.

const NOW = Date.parse('2026-03-10T12:00:00Z');
const PERSON = '+1 650 555 1234';
const BSUID = 'US.5k2Vq9Rt7Lx';

const { start } = useTestRuntimes({ now: () => NOW, env: { MIN_COHORT: '1' } });

let n = 0;
const event = (business: string, customer: string, at: string, extra: Record<string, unknown> = {}) => ({
  id: `sa${++n}`, business, type: 'message.received', channel: 'whatsapp', customer, conversation: `c-${business}`, at, ...extra,
});

const post = (rt: TestRuntime, body: unknown, headers: Record<string, string> = {}, query = '') =>
  Promise.resolve(rt.app.request(`/v1/privacy/access${query}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }));

async function signIn(rt: TestRuntime, role: 'marketing' | 'dpo', businesses?: string[]): Promise<Record<string, string>> {
  const email = `${role}-${++n}@example.com`;
  const password = 'a-long-password-123';
  expect((await rt.admin('POST', '/v1/users', { email, password, role, ...(businesses ? { businesses } : {}) })).status).toBe(201);
  const res = await rt.app.request('/v1/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  return { cookie: res.headers.get('set-cookie')!.split(';')[0]! };
}

interface AccessReply {
  event_count: number;
  businesses: { business: string; events: number }[];
  events: Record<string, string | null>[];
}

/** acme holds the person under its phone number and its BSUID (linked), and someone else; globex the same number. */
async function seeded() {
  const rt = await start();
  await rt.registerBusiness('acme');
  await rt.registerBusiness('globex');
  const key = await rt.createKey('acme', ['globex']);
  const res = await rt.postEvents(key, [
    event('acme', PERSON, '2026-03-03T10:00:00Z', { customer_aliases: [BSUID], customer_country: 'IT' }),
    event('acme', BSUID, '2026-03-04T11:00:00Z', {
      type: 'message.sent', sender: 'automation', category: 'marketing', template: 'spring_sale', campaign: 'spring', pricing: 'regular', message: 'm1',
    }),
    event('acme', '+4915123456789', '2026-03-04T12:00:00Z'),
    event('globex', PERSON, '2026-03-05T10:00:00Z'),
  ]);
  expect(((await res.json()) as { accepted: number }).accepted).toBe(4);
  return rt;
}

async function accessAudit(rt: TestRuntime) {
  return queryRows<{ actor: string; action: string; target: string; filters: string; row_count: number; sha256: string }>(rt.deps.store.connection,
    "SELECT actor, action, target, filters::VARCHAR AS filters, row_count, sha256 FROM audit_log WHERE action = 'privacy.access' ORDER BY \"at\"");
}

/** The CSV's event rows as objects keyed by its header (empty cells as null, like the JSON's). */
function csvEvents(text: string): Record<string, string | null>[] {
  const lines = text.replace(/^\uFEFF/, '').split('\r\n').filter((l) => l.length > 0 && !l.startsWith('# '));
  const [header, ...rows] = lines.map((l) => l.split(','));
  return rows.map((cells) => Object.fromEntries(header!.map((h, i) => [h, cells[i] === '' ? null : cells[i]!])));
}

describe('POST /v1/privacy/access', () => {
  it("returns exactly the person's events at the businesses named, through both linked identifiers, and audits it without the identifier", async () => {
    const rt = await seeded();
    const dpo = await signIn(rt, 'dpo');
    const res = await post(rt, { customer: '16505551234', businesses: ['acme'] }, dpo);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const text = await res.text();
    const reply = JSON.parse(text) as AccessReply;
    expect(reply).toEqual({
      event_count: 2,
      businesses: [{ business: 'acme', events: 2 }],
      events: [
        { business: 'acme', at: '2026-03-03T10:00:00.000Z', type: 'message.received', channel: 'whatsapp', region: 'US', processed_in: expect.any(String),
          sender: null, category: null, template: null, campaign: null, pricing: null },
        { business: 'acme', at: '2026-03-04T11:00:00.000Z', type: 'message.sent', channel: 'whatsapp', region: expect.any(String), processed_in: expect.any(String),
          sender: 'automation', category: 'marketing', template: 'spring_sale', campaign: 'spring', pricing: 'regular' },
      ],
    });
    // The reply repeats nothing of the identifier; the intake's caches forgot it.
    expect(text).not.toMatch(/6505551234|5k2Vq9Rt7Lx/);
    expect(cachedPhoneNumbers()).toBe(0);
    // The linked BSUID finds the same person.
    const byBsuid = (await (await rt.admin('POST', '/v1/privacy/access', { customer: BSUID, businesses: ['acme'] })).json()) as AccessReply;
    expect(byBsuid.events).toEqual(reply.events);

    // Both businesses named: globex's own record of the same number is added, and only then.
    const both = (await (await rt.admin('POST', '/v1/privacy/access', { customer: PERSON, businesses: ['acme', 'globex'] })).json()) as AccessReply;
    expect(both.businesses).toEqual([{ business: 'acme', events: 2 }, { business: 'globex', events: 1 }]);
    expect(both.events.map((e) => e.business)).toEqual(['acme', 'acme', 'globex']);

    const audit = await accessAudit(rt);
    expect(audit).toHaveLength(3);
    expect(audit[0]).toMatchObject({ action: 'privacy.access', target: 'acme', row_count: 2, actor: expect.stringMatching(/^dpo-\d+@example\.com$/) });
    expect(JSON.parse(audit[0]!.filters)).toEqual({ businesses: ['acme'], format: 'json', events: 2 });
    expect(audit[2]).toMatchObject({ target: 'acme,globex', row_count: 3 });
    const pseudonyms = ['acme', 'globex'].flatMap((b) => erasureTargets({ customer: PERSON, businesses: [b] }, rt.deps)[0]!.customers);
    const persons = await queryRows<{ person: string }>(rt.deps.store.connection, 'SELECT DISTINCT person FROM customer_links');
    const recorded = JSON.stringify(audit);
    for (const secret of ['6505551234', '650 555', '5k2Vq9Rt7Lx', ...pseudonyms, ...persons.map((p) => p.person)]) expect(recorded).not.toContain(secret);
    expect(rt.logs.join('\n')).not.toMatch(/6505551234|650 555|5k2Vq9Rt7Lx/);
  });

  it('gives the same events as CSV, by ?format=csv or Accept: text/csv', async () => {
    const rt = await seeded();
    const json = (await (await rt.admin('POST', '/v1/privacy/access', { customer: PERSON, businesses: ['acme', 'globex'] })).json()) as AccessReply;
    const byQuery = await post(rt, { customer: PERSON, businesses: ['acme', 'globex'] }, { authorization: `Bearer ${TEST_ADMIN_TOKEN}` }, '?format=csv');
    const byAccept = await post(rt, { customer: PERSON, businesses: ['acme', 'globex'] }, { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, accept: 'text/csv' });
    for (const res of [byQuery, byAccept]) {
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
      const text = await res.text();
      expect(text).toContain('# events,3');
      expect(csvEvents(text)).toEqual(json.events);
      expect(text).not.toMatch(/6505551234|650 555/);
    }
    expect((await accessAudit(rt)).map((a) => JSON.parse(a.filters).format)).toEqual(['json', 'csv', 'csv']);
  });

  it('answers 404 for a business outside the caller\'s scope as for an unknown one, is for dpo and admin only, and checks its input', async () => {
    const rt = await seeded();
    const acmeDpo = await signIn(rt, 'dpo', ['acme']);
    const hidden = await post(rt, { customer: PERSON, businesses: ['acme', 'globex'] }, acmeDpo);
    const unknown = await post(rt, { customer: PERSON, businesses: ['acme', 'nobody'] }, acmeDpo);
    expect([hidden.status, unknown.status]).toEqual([404, 404]);
    expect(((await hidden.json()) as { error: { code: string } }).error.code).toBe('not_found');
    expect(((await post(rt, { customer: PERSON, businesses: ['acme'] }, acmeDpo).then((r) => r.json())) as AccessReply).event_count).toBe(2);

    expect((await post(rt, { customer: PERSON, businesses: ['acme'] })).status).toBe(401);
    expect((await post(rt, { customer: PERSON, businesses: ['acme'] }, await signIn(rt, 'marketing'))).status).toBe(403);
    const invalid = async (body: unknown, field: string, query = '') => {
      const res = await post(rt, body, { authorization: `Bearer ${TEST_ADMIN_TOKEN}` }, query);
      expect(res.status).toBe(400);
      expect(JSON.stringify(await res.json())).toContain(field);
    };
    await invalid({ customer: '', businesses: ['acme'] }, 'customer');
    await invalid({ customer: PERSON, businesses: [] }, 'businesses');
    await invalid({ businesses: ['acme'] }, 'customer');
    await invalid({ customer: PERSON, businesses: ['acme'], channel: 'fax' }, 'channel');
    await invalid({ customer: PERSON, businesses: ['acme'], note: 'x' }, 'note');
    await invalid({ customer: PERSON, businesses: ['acme'] }, 'format', '?format=xml');
    // Refused requests are not audited; only the scoped DPO's one answer is.
    expect(await accessAudit(rt)).toHaveLength(1);
  });
});
