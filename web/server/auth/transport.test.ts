import { describe, expect, it } from 'vitest';
import { TEST_ADMIN_TOKEN, useTestRuntimes } from '../testing/testRuntime';
import { cookieOf, fromAddress, signIn, withCookie } from './authTesting';

const runtimes = useTestRuntimes();
const HSTS = 'max-age=31536000; includeSubDomains';

describe('session cookie and HSTS', () => {
  it('over plain http: mpa_session, not Secure, no HSTS', async () => {
    const rt = await runtimes.start();
    const res = await signIn(rt, 'admin', TEST_ADMIN_TOKEN);
    const header = res.headers.get('set-cookie')!;
    expect(header).toMatch(/^mpa_session=/);
    expect(header).not.toMatch(/Secure/);
    expect(res.headers.get('strict-transport-security')).toBeNull();
  });

  it('with an https PUBLIC_URL: __Host-mpa_session, Secure, Path=/, no Domain, and HSTS on every reply', async () => {
    const rt = await runtimes.start({ env: { PUBLIC_URL: 'https://analytics.example.com' } });
    const res = await signIn(rt, 'admin', TEST_ADMIN_TOKEN);
    const header = res.headers.get('set-cookie')!;
    expect(header).toMatch(/^__Host-mpa_session=/);
    expect(header).toMatch(/; Secure/);
    expect(header).toMatch(/; Path=\//);
    expect(header).not.toMatch(/Domain=/i);
    expect(res.headers.get('strict-transport-security')).toBe(HSTS);
    expect((await rt.app.request('/v1/health')).headers.get('strict-transport-security')).toBe(HSTS);
    // The prefixed cookie is read back, and signing out clears it.
    const cookie = cookieOf(res);
    expect((await withCookie(rt, cookie, 'GET', '/v1/businesses')).status).toBe(200);
    const out = await withCookie(rt, cookie, 'DELETE', '/v1/session');
    expect(out.headers.get('set-cookie')).toMatch(/^__Host-mpa_session=;.*Max-Age=0/);
    expect((await withCookie(rt, cookie, 'GET', '/v1/businesses')).status).toBe(401);
  });

  it('believes X-Forwarded-Proto only from a proxy named in TRUST_PROXY', async () => {
    const rt = await runtimes.start({ env: { TRUST_PROXY: '10.0.0.1, ::1' } });
    const viaProxy = (peer: string) => rt.app.request('/v1/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.9' },
      body: JSON.stringify({ email: 'admin', password: TEST_ADMIN_TOKEN }),
    }, fromAddress(peer));
    const trusted = await viaProxy('::ffff:10.0.0.1');
    expect(trusted.headers.get('set-cookie')).toMatch(/^__Host-mpa_session=.*; Secure/);
    expect(trusted.headers.get('strict-transport-security')).toBe(HSTS);
    const stranger = await viaProxy('10.0.0.2');
    expect(stranger.headers.get('set-cookie')).toMatch(/^mpa_session=/);
    expect(stranger.headers.get('set-cookie')).not.toMatch(/Secure/);
    expect(stranger.headers.get('strict-transport-security')).toBeNull();
  });
});

describe('client address behind a proxy', () => {
  it('takes the X-Forwarded-For address from a proxy named in TRUST_PROXY only', async () => {
    const rt = await runtimes.start({ env: { TRUST_PROXY: '10.0.0.1' } });
    const via = (peer: string, client: string) => ({ peer, headers: { 'x-forwarded-for': client } });
    for (let i = 0; i < 20; i++) await signIn(rt, `user${i}@example.com`, 'guess-password', via('10.0.0.1', '203.0.113.9'));
    expect((await signIn(rt, 'admin', TEST_ADMIN_TOKEN, via('10.0.0.1', '203.0.113.9'))).status).toBe(429);
    // Another client behind the same proxy is not held up by the first one's failures.
    expect((await signIn(rt, 'admin', TEST_ADMIN_TOKEN, via('10.0.0.1', '198.51.100.7'))).status).toBe(200);
    // A peer not named is known by its own address: its X-Forwarded-For (the refused client's) is not believed.
    expect((await signIn(rt, 'admin', TEST_ADMIN_TOKEN, via('10.0.0.2', '203.0.113.9'))).status).toBe(200);
  });
});

describe('Origin check of cookie-authenticated writes', () => {
  const newUser = { email: 'mia@example.com', password: 'marketing-password-1', role: 'marketing' };

  it('refuses a signed-in write from another origin with 403, and allows the own origin, PUBLIC_URL\'s and none', async () => {
    const rt = await runtimes.start({ env: { PUBLIC_URL: 'https://analytics.example.com' } });
    const cookie = cookieOf(await signIn(rt, 'admin', TEST_ADMIN_TOKEN));
    const post = (origin: string | undefined, email: string) =>
      withCookie(rt, cookie, 'POST', '/v1/users', { ...newUser, email }, origin === undefined ? {} : { origin });

    const forged = await post('https://evil.example', 'forged@example.com');
    expect(forged.status).toBe(403);
    expect(await forged.json()).toMatchObject({ error: { code: 'cross_origin_refused', message: expect.stringContaining('https://evil.example') } });
    expect((await post('null', 'sandboxed@example.com')).status).toBe(403);
    expect((await post('https://analytics.example.com', 'public@example.com')).status).toBe(201);
    expect((await post('https://localhost', 'own@example.com')).status).toBe(201);
    expect((await post(undefined, 'no-origin@example.com')).status).toBe(201);
    const emails = ((await (await rt.admin('GET', '/v1/users')).json()) as { users: { email: string }[] }).users.map((u) => u.email);
    expect(emails).not.toContain('forged@example.com');
    expect(emails).not.toContain('sandboxed@example.com');
  });

  it('refuses a cross-origin sign-in, and leaves Bearer-token requests alone', async () => {
    const rt = await runtimes.start();
    expect((await signIn(rt, 'admin', TEST_ADMIN_TOKEN, { headers: { origin: 'https://evil.example' } })).status).toBe(403);
    expect((await signIn(rt, 'admin', TEST_ADMIN_TOKEN, { headers: { origin: 'http://localhost' } })).status).toBe(200);
    const bearer = await rt.app.request('/v1/users', {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json', origin: 'https://tools.example' },
      body: JSON.stringify(newUser),
    });
    expect(bearer.status).toBe(201);
  });
});
