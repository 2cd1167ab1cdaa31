import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestRuntime, TEST_ADMIN_TOKEN, type TestRuntime } from '../../testing/testRuntime';

const NOW = Date.parse('2026-06-20T10:00:00Z');
let rt: TestRuntime;
beforeEach(async () => {
  rt = await startTestRuntime({ now: () => NOW });
  await rt.registerBusiness('acme');
});
afterEach(async () => rt.stop());

interface Issue { field: string; error: string }
interface Summary { version: number; currency: string; effective_from: string; uploaded_at: string; uploaded_by: string; rows: number }
interface Version extends Summary { prices: { category: string; country: string; price: number }[] }

const request = (method: string, path: string, init: { body?: string; type?: string; auth?: Record<string, string> } = {}) =>
  Promise.resolve(rt.app.request(path, {
    method,
    headers: { ...(init.auth ?? { authorization: `Bearer ${TEST_ADMIN_TOKEN}` }), ...(init.type ? { 'content-type': init.type } : {}) },
    ...(init.body === undefined ? {} : { body: init.body }),
  }));
const putJson = (id: string, card: unknown) => rt.admin('PUT', `/v1/rate-cards/${id}`, card);
const putCsv = (id: string, csv: string, query = 'currency=EUR&effective_from=2026-07-01') =>
  request('PUT', `/v1/rate-cards/${id}?${query}`, { body: csv, type: 'text/csv' });
const issuesOf = async (res: Response) => ((await res.json()) as { error: { details: Issue[] } }).error.details;

async function signIn(role: 'marketing' | 'admin'): Promise<Record<string, string>> {
  const email = `${role}@example.com`;
  await rt.admin('POST', '/v1/users', { email, password: 'a-long-password-123', role });
  const res = await request('POST', '/v1/session', { body: JSON.stringify({ email, password: 'a-long-password-123' }), type: 'application/json', auth: {} });
  return { cookie: res.headers.get('set-cookie')!.split(';')[0]! };
}

const JANUARY = {
  currency: 'EUR', effective_from: '2026-01-01',
  prices: [{ category: 'marketing', country: 'DE', price: 0.1131 }, { category: 'utility', country: 'DE', price: 0.0499 }, { category: 'marketing', country: '*', price: 0.06 }],
};

describe('uploading rate cards', () => {
  it('keeps every upload as a new version, from JSON and from CSV, with the exact prices sent', async () => {
    const first = await putJson('default', JANUARY);
    expect(first.status).toBe(201);
    expect(await first.json()).toEqual({
      id: 'default', version: 1, currency: 'EUR', effective_from: '2026-01-01', uploaded_at: '2026-06-20T10:00:00.000Z', uploaded_by: 'admin', rows: 3,
    });
    const csv = '\uFEFFcategory,country,price\r\nmarketing,DE,0.1244\r\n"utility","DE","0.052"\r\n\r\nauthentication_international,IN,0.0280\r\n';
    const second = await putCsv('default', csv);
    expect(second.status).toBe(201);
    expect(await second.json()).toMatchObject({ version: 2, effective_from: '2026-07-01', rows: 3 });

    const card = (await (await rt.admin('GET', '/v1/rate-cards/default')).json()) as { id: string; versions: Version[] };
    expect(card.versions.map((v) => [v.version, v.effective_from])).toEqual([[1, '2026-01-01'], [2, '2026-07-01']]);
    expect(card.versions[0]!.prices).toEqual([
      { category: 'marketing', country: '*', price: 0.06 }, { category: 'marketing', country: 'DE', price: 0.1131 }, { category: 'utility', country: 'DE', price: 0.0499 },
    ]);
    expect(card.versions[1]!.prices).toEqual([
      { category: 'authentication_international', country: 'IN', price: 0.028 }, { category: 'marketing', country: 'DE', price: 0.1244 }, { category: 'utility', country: 'DE', price: 0.052 },
    ]);
    const only = (await (await rt.admin('GET', '/v1/rate-cards/default?version=1')).json()) as { versions: Version[] };
    expect(only.versions.map((v) => v.version)).toEqual([1]);
    expect((await rt.admin('GET', '/v1/rate-cards/default?version=3')).status).toBe(404);
    expect((await rt.admin('GET', '/v1/rate-cards/nobody')).status).toBe(404);
  });

  it('lists the cards with their versions, and audits each upload as an admin action', async () => {
    await putJson('default', JANUARY);
    await putJson('default', { ...JANUARY, effective_from: '2026-07-01' });
    await putJson('wholesale', { currency: 'USD', effective_from: '2026-01-01', prices: [{ category: 'service', country: 'US', price: 0 }] });
    const list = (await (await rt.admin('GET', '/v1/rate-cards')).json()) as { rate_cards: { id: string; currency: string; versions: Summary[] }[] };
    expect(list.rate_cards.map((c) => [c.id, c.currency, c.versions.map((v) => [v.version, v.effective_from, v.rows, v.uploaded_by])])).toEqual([
      ['default', 'EUR', [[1, '2026-01-01', 3, 'admin'], [2, '2026-07-01', 3, 'admin']]],
      ['wholesale', 'USD', [[1, '2026-01-01', 1, 'admin']]],
    ]);
    const audit = (await (await rt.admin('GET', '/v1/audit?action=admin.rate_card')).json()) as { entries: { actor: string; filters: Record<string, unknown> }[] };
    // All three were made at the same (test) instant: the log's order among them is not defined.
    expect(audit.entries.map((e) => [e.actor, e.filters]).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual([
      ['admin', { card: 'default', version: 1, currency: 'EUR', effective_from: '2026-01-01', rows: 3 }],
      ['admin', { card: 'default', version: 2, currency: 'EUR', effective_from: '2026-07-01', rows: 3 }],
      ['admin', { card: 'wholesale', version: 1, currency: 'USD', effective_from: '2026-01-01', rows: 1 }],
    ]);
  });
});

describe('rate card validation', () => {
  it('names every bad field of a JSON card', async () => {
    const res = await putJson('default', {
      currency: 'euro', effective_from: '2026-02-30',
      prices: [
        { category: 'promo', country: 'DE', price: 0.1 },
        { category: 'marketing', country: 'de', price: 0.1 },
        { category: 'marketing', country: 'FR', price: -0.1 },
        { category: 'utility', country: 'FR', price: 0.12345678 },
        { category: 'marketing', country: 'IT', price: 0.1 },
        { category: 'marketing', country: 'IT', price: 0.2 },
      ],
    });
    expect(res.status).toBe(400);
    const issues = await issuesOf(res);
    expect(issues.map((i) => i.field)).toEqual(['currency', 'effective_from', 'prices.0.category', 'prices.1.country', 'prices.2.price', 'prices.3.price', 'prices.5.country']);
    expect(issues.map((i) => i.error).join('\n')).toMatch(/ISO 4217[\s\S]*real date[\s\S]*one of service, marketing[\s\S]*ISO 3166-1[\s\S]*negative[\s\S]*6 decimal[\s\S]*duplicate \(category, country\) marketing,IT/);
    expect((await (await rt.admin('GET', '/v1/rate-cards')).json())).toEqual({ rate_cards: [] });
  });

  it('names a CSV card\'s bad values by their line, and refuses a CSV without its header, currency or date', async () => {
    const bad = await putCsv('default', 'category,country,price\nmarketing,DE,Infinity\nmarketing,XX,0.1\n\nmarketing,DE,0.2\n');
    expect(bad.status).toBe(400);
    expect(await issuesOf(bad)).toEqual([
      { field: 'line 2.price', error: 'price must be a finite number' },
      { field: 'line 3.country', error: expect.stringContaining('ISO 3166-1 alpha-2') as string },
      { field: 'line 5.country', error: 'duplicate (category, country) marketing,DE: given in an earlier row' },
    ]);
    expect(await issuesOf(await putCsv('default', 'category,country,price\nmarketing,DE,-1\n'))).toEqual([{ field: 'line 2.price', error: 'price must not be negative' }]);
    expect(await issuesOf(await putCsv('default', 'country,category,price\nDE,marketing,0.1\n'))).toEqual([{ field: 'line 1', error: 'the first line must be the header category,country,price' }]);
    expect(await issuesOf(await putCsv('default', 'category,country,price\nmarketing,DE\n'))).toEqual([{ field: 'line 2', error: 'expected 3 fields (category,country,price), found 2' }]);
    expect((await issuesOf(await putCsv('default', 'category,country,price\nmarketing,DE,0.1\n', 'currency=EUR'))).map((i) => i.field)).toEqual(['effective_from']);
    expect((await issuesOf(await putCsv('default', 'category,country,price\n', 'currency=EUR&effective_from=2026-07-01'))).map((i) => i.field)).toEqual(['prices']);
  });

  it('refuses other body types, a bad card id, and query parameters beside a JSON body', async () => {
    expect((await request('PUT', '/v1/rate-cards/default', { body: 'x', type: 'text/plain' })).status).toBe(415);
    expect((await putJson('Not An Id', JANUARY)).status).toBe(400);
    expect((await rt.admin('PUT', '/v1/rate-cards/default?currency=USD', JANUARY)).status).toBe(400);
  });
});

describe('who may read and write rate cards', () => {
  it('lets marketing read, only an admin upload, and no ingest key or anonymous caller in', async () => {
    await putJson('default', JANUARY);
    const marketing = await signIn('marketing');
    expect((await request('GET', '/v1/rate-cards', { auth: marketing })).status).toBe(200);
    expect((await request('GET', '/v1/rate-cards/default', { auth: marketing })).status).toBe(200);
    expect((await request('PUT', '/v1/rate-cards/default', { auth: marketing, type: 'application/json', body: JSON.stringify(JANUARY) })).status).toBe(403);
    const admin = await signIn('admin');
    expect((await request('PUT', '/v1/rate-cards/default', { auth: admin, type: 'application/json', body: JSON.stringify(JANUARY) })).status).toBe(201);
    const key = await rt.createKey('acme');
    const withKey = { authorization: `Bearer ${key}` };
    expect((await request('GET', '/v1/rate-cards', { auth: withKey })).status).toBe(401);
    expect((await request('PUT', '/v1/rate-cards/default', { auth: withKey, type: 'application/json', body: JSON.stringify(JANUARY) })).status).toBe(401);
    expect((await request('GET', '/v1/rate-cards', { auth: {} })).status).toBe(401);
    const versions = (await (await rt.admin('GET', '/v1/rate-cards/default')).json()) as { versions: Summary[] };
    expect(versions.versions.map((v) => v.uploaded_by)).toEqual(['admin', 'admin@example.com']);
  });
});

describe('the card a business is priced with', () => {
  it('is `default` when uploaded, else the card the business names', async () => {
    const cardOf = async () => (await rt.admin('GET', '/v1/businesses/acme/rate-card')).json();
    expect(await cardOf()).toEqual({ business: 'acme', card: null, applies: null });
    await putJson('default', JANUARY);
    expect(await cardOf()).toEqual({ business: 'acme', card: null, applies: 'default' });
    expect((await rt.admin('PUT', '/v1/businesses/acme/rate-card', { card: 'wholesale' })).status).toBe(404);
    await putJson('wholesale', JANUARY);
    const named = await rt.admin('PUT', '/v1/businesses/acme/rate-card', { card: 'wholesale' });
    expect(await named.json()).toEqual({ business: 'acme', card: 'wholesale', applies: 'wholesale' });
    await rt.admin('PUT', '/v1/businesses/acme/rate-card', { card: null });
    expect(await cardOf()).toEqual({ business: 'acme', card: null, applies: 'default' });
    expect((await rt.admin('GET', '/v1/businesses/nobody/rate-card')).status).toBe(404);
    const marketing = await signIn('marketing');
    expect((await request('PUT', '/v1/businesses/acme/rate-card', { auth: marketing, type: 'application/json', body: '{"card":null}' })).status).toBe(403);
    const audit = (await (await rt.admin('GET', '/v1/audit?action=admin.business.rate_card')).json()) as { entries: { target: string; filters: unknown }[] };
    expect(audit.entries.map((e) => [e.target, e.filters])).toHaveLength(2);
    expect(audit.entries.map((e) => [e.target, e.filters])).toEqual(expect.arrayContaining([['acme', { card: null }], ['acme', { card: 'wholesale' }]]));
  });
});
