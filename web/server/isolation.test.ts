import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../db/duckdb';
import { hashIngestKey } from '../../ingest/keys/ingestKeys';
import { hubSignature } from '../../ingest/webhooks/signature';
import { DASHBOARD_DIR } from './dashboard';
import { inlineScriptHashes } from './http/securityHeaders';
import { startTestRuntime, TEST_ADMIN_TOKEN, type TestRuntime } from './testing/testRuntime';

// Isolation and access: one business's key never writes or reads another's data, ingest
// keys read nothing, roles are enforced by the API, secrets never come back, failed logins are
// slowed, and every reply carries the security headers. `tried` counts the isolation cases.

const SECRETS = { acme: 'app-secret-ACME-0123456789abcdef', globex: 'app-secret-GLOBEX-0123456789abcdef' };
const VERIFY = 'verify-token-SECRET-42';
const PASSWORDS = { marketing: 'marketing-password-1', dpo: 'dpo-password-12345', admin: 'admin-user-password-1' };
let rt: TestRuntime;
let acmeKey: string;
let globexKey: string;
const cookies: Record<string, string> = {};
let tried = 0;

const at = () => new Date(Date.now() - 60_000).toISOString();
const event = (business: string, id: string) => ({
  id, business, type: 'message.received', channel: 'whatsapp', customer: '+4915123000001', conversation: 'c1', at: at(),
});

function req(method: string, path: string, who: 'none' | 'acmeKey' | 'marketing' | 'dpo' | 'admin' | 'adminToken', body?: unknown) {
  const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
  if (who === 'acmeKey') headers.authorization = `Bearer ${acmeKey}`;
  if (who === 'adminToken') headers.authorization = `Bearer ${TEST_ADMIN_TOKEN}`;
  if (who === 'marketing' || who === 'dpo' || who === 'admin') headers.cookie = cookies[who]!;
  return Promise.resolve(rt.app.request(path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }));
}

async function count(business: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(rt.deps.store.connection, 'SELECT count(*)::INTEGER AS n FROM events WHERE business = $1', [business]);
  return row!.n;
}

beforeAll(async () => {
  rt = await startTestRuntime();
  for (const id of ['acme', 'globex'] as const) {
    await rt.registerBusiness(id, { webhooks: { app_secret: SECRETS[id], verify_token: VERIFY } });
  }
  acmeKey = await rt.createKey('acme');
  globexKey = await rt.createKey('globex');
  for (const role of ['marketing', 'dpo', 'admin'] as const) {
    const email = `${role}@example.com`;
    expect((await rt.admin('POST', '/v1/users', { email, password: PASSWORDS[role], role })).status).toBe(201);
    const res = await req('POST', '/v1/session', 'none', { email, password: PASSWORDS[role] });
    cookies[role] = res.headers.get('set-cookie')!.split(';')[0]!;
  }
});
afterAll(async () => {
  process.stdout.write(`isolation and access cases tried: ${tried}\n`);
  await rt.stop();
});

describe('business isolation', () => {
  it('a key of business A cannot write events of B, alone or mixed into a batch', async () => {
    tried += 2;
    const only = await rt.postEvents(acmeKey, [event('globex', 'x1')]);
    expect(only.status).toBe(403);
    const mixed = (await (await rt.postEvents(acmeKey, [event('acme', 'a1'), event('globex', 'x2')])).json()) as { accepted: number; rejected: { field: string }[] };
    expect(mixed.accepted).toBe(1);
    expect(mixed.rejected).toEqual([expect.objectContaining({ field: 'business' })]);
    expect(await count('globex')).toBe(0);
  });

  it("a webhook signed with A's app secret is refused on B's endpoint", async () => {
    tried += 1;
    const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [] });
    const res = await rt.app.request('/v1/webhooks/whatsapp/globex', {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': hubSignature(body, SECRETS.acme) }, body,
    });
    expect(res.status).toBe(401);
  });

  it('an ingest key reads nothing: no report, export, audit log, registry, users or erasure', async () => {
    const paths = [
      ['GET', '/v1/reports/overview'], ['GET', '/v1/reports/businesses/acme'], ['GET', '/v1/reports/residency'],
      ['GET', '/v1/exports/overview.csv'], ['GET', '/v1/exports/business/acme.json'], ['GET', '/v1/exports/residency.json'], ['GET', '/v1/audit'],
      ['GET', '/v1/businesses'], ['GET', '/v1/businesses/acme'], ['GET', '/v1/businesses/acme/keys'], ['GET', '/v1/businesses/acme/webhooks'],
      ['GET', '/v1/businesses/acme/intake-problems'], ['GET', '/v1/users'], ['GET', '/v1/session'],
    ] as const;
    for (const [method, path] of paths) {
      tried += 1;
      expect((await req(method, path, 'acmeKey')).status, path).toBe(401);
    }
    tried += 2;
    expect((await req('POST', '/v1/privacy/erasure', 'acmeKey', { customer: '+4915123000001', businesses: ['acme'] })).status).toBe(401);
    expect((await req('PUT', '/v1/businesses/acme', 'acmeKey', {})).status).toBe(401);
  });
});

describe('roles', () => {
  const marketingRefused = [
    ['GET', '/v1/reports/residency?from=2026-01-01&to=2026-01-31'], ['GET', '/v1/exports/residency.csv?from=2026-01-01&to=2026-01-31'],
    ['GET', '/v1/audit'], ['GET', '/v1/businesses'], ['GET', '/v1/businesses/acme'], ['GET', '/v1/businesses/acme/keys'],
    ['GET', '/v1/businesses/acme/webhooks'], ['GET', '/v1/businesses/acme/intake-problems'], ['GET', '/v1/users'],
    ['POST', '/v1/businesses/acme/keys'], ['DELETE', '/v1/keys/key_0000'], ['POST', '/v1/privacy/erasure'],
  ] as const;

  it('marketing reads engagement reports, but not residency, audit, registry, keys, users or erasure', async () => {
    tried += 1;
    expect((await req('GET', '/v1/reports/overview?from=2026-01-01&to=2026-01-31', 'marketing')).status).toBe(200);
    for (const [method, path] of marketingRefused) {
      tried += 1;
      expect((await req(method, path, 'marketing', method === 'GET' || method === 'DELETE' ? undefined : {})).status, `${method} ${path}`).toBe(403);
    }
  });

  it('dpo reads residency and the audit log, but not the registry, keys or users', async () => {
    const allowed = ['/v1/reports/residency?from=2026-01-01&to=2026-01-31', '/v1/audit'];
    for (const path of allowed) {
      tried += 1;
      expect((await req('GET', path, 'dpo')).status, path).toBe(200);
    }
    for (const path of ['/v1/businesses', '/v1/businesses/acme/keys', '/v1/users', '/v1/businesses/acme/webhooks']) {
      tried += 1;
      expect((await req('GET', path, 'dpo')).status, path).toBe(403);
    }
  });

  it('a signed-out or tampered session reads nothing', async () => {
    for (const cookie of ['mpa_session=', 'mpa_session=forged-token', `${cookies.admin!}x`]) {
      tried += 1;
      expect((await rt.app.request('/v1/reports/overview', { headers: { cookie } })).status).toBe(401);
    }
  });
});

describe('secrets are never returned', () => {
  it('app secrets, verify tokens, ingest keys, key hashes, passwords and password hashes appear in no reply', async () => {
    const extraKey = await rt.createKey('acme');
    const [{ password_hash: passwordHash }] = (await queryRows<{ password_hash: string }>(rt.deps.store.connection, "SELECT password_hash FROM users WHERE role = 'dpo'")) as [{ password_hash: string }];
    const secrets = [
      ...Object.values(SECRETS), VERIFY, acmeKey, globexKey, extraKey, hashIngestKey(acmeKey), hashIngestKey(extraKey),
      ...Object.values(PASSWORDS), passwordHash, passwordHash.split('$').at(-1)!, TEST_ADMIN_TOKEN,
    ];
    const replies = await Promise.all([
      rt.admin('GET', '/v1/businesses'), rt.admin('GET', '/v1/businesses/acme'), rt.admin('GET', '/v1/businesses/acme/keys'),
      rt.admin('GET', '/v1/businesses/acme/webhooks'), rt.admin('GET', '/v1/businesses/acme/intake-problems'), rt.admin('GET', '/v1/users'),
      rt.admin('GET', '/v1/audit'), rt.admin('GET', '/v1/openapi.json'), rt.admin('GET', '/v1/session'),
      rt.admin('PUT', '/v1/businesses/acme', { name: 'Acme', sector: 'retail', verified: true, timezone: 'Europe/Berlin', business_hours: {},
        processing_locations: [{ country: 'DE', processor: 'X', role: 'processor', mechanism: 'eea', primary: true }],
        webhooks: { app_secret: SECRETS.acme, verify_token: VERIFY } }),
      rt.admin('PUT', '/v1/businesses/acme/webhooks', { app_secret: SECRETS.acme, verify_token: VERIFY }),
      req('GET', '/v1/session', 'dpo'),
      req('POST', '/v1/session', 'none', { email: 'dpo@example.com', password: PASSWORDS.dpo }),
    ]);
    for (const res of replies) {
      tried += 1;
      expect(res.status, res.url).toBeLessThan(300);
      const text = await res.text();
      for (const secret of secrets) expect(text.includes(secret), `${res.url} returned a secret`).toBe(false);
    }
    expect(rt.logs.join('\n')).not.toContain(SECRETS.acme);
  });
});

describe('sign-in throttling', () => {
  it('answers 429 with a short Retry-After after 5 failed logins for an email within 15 minutes, without checking the password', async () => {
    let now = Date.now();
    const local = await startTestRuntime({ now: () => now });
    try {
      await local.admin('POST', '/v1/users', { email: 'eve@example.com', password: 'the-right-password', role: 'dpo' });
      const login = (email: string, password: string) => Promise.resolve(local.app.request('/v1/session', {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }),
      }));
      for (let i = 0; i < 5; i++) expect((await login('eve@example.com', `wrong-${i}`)).status).toBe(401);
      const refused = await login('EVE@example.com ', 'the-right-password');
      tried += 1;
      expect(refused.status).toBe(429);
      // Slowed to one attempt every 5 s, not locked for 15 minutes (web/server/auth/loginThrottle.ts).
      expect(Number(refused.headers.get('retry-after'))).toBe(5);
      // Another email is not held up by eve's failures.
      expect((await login('admin', TEST_ADMIN_TOKEN)).status).toBe(200);
      now += 15 * 60_000 + 1_000;
      expect((await login('eve@example.com', 'the-right-password')).status).toBe(200);

      // Spraying many emails from one address: 20 failures, then 429 for any email.
      for (let i = 0; i < 20; i++) await login(`user${i}@example.com`, 'guess-password');
      tried += 1;
      expect((await login('someone-else@example.com', 'guess-password')).status).toBe(429);
    } finally {
      await local.stop();
    }
  });
});

describe('security headers', () => {
  it('every API reply forbids sniffing, framing and referrers, with a deny-all CSP', async () => {
    for (const res of [await rt.app.request('/v1/health'), await req('GET', '/v1/reports/overview', 'none'), await rt.app.request('/v1/nope')]) {
      tried += 1;
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'.*frame-ancestors 'none'/);
    }
  });

  it("the dashboard and /docs get a CSP with script-src 'self' (plus the hash of SvelteKit's inline script) and frame-ancestors 'none'", async () => {
    const docs = await rt.app.request('/docs');
    const csp = docs.headers.get('content-security-policy')!;
    expect(csp).toMatch(/script-src 'self'(;| )/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    tried += 1;
    if (existsSync(join(DASHBOARD_DIR, 'index.html'))) {
      const page = await rt.app.request('/businesses/acme');
      const html = await page.text();
      const pageCsp = page.headers.get('content-security-policy')!;
      expect(inlineScriptHashes(html).length).toBeGreaterThan(0);
      for (const hash of inlineScriptHashes(html)) expect(pageCsp).toContain(hash);
      expect(pageCsp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
      expect(page.headers.get('x-content-type-options')).toBe('nosniff');
      tried += 1;
    }
  });
});
