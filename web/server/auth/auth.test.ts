import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queryRows } from '../../../db/duckdb';
import { startTestRuntime, TEST_ADMIN_TOKEN, type TestRuntime } from '../testing/testRuntime';

let rt: TestRuntime;
beforeEach(async () => {
  rt = await startTestRuntime();
});
afterEach(async () => rt.stop());

const login = (email: string, password: string) =>
  rt.app.request('/v1/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });

const cookieOf = (res: Response) => res.headers.get('set-cookie')!.split(';')[0]!;

describe('users and sessions', () => {
  it('lets an admin create users whose passwords are stored only as scrypt hashes', async () => {
    const res = await rt.admin('POST', '/v1/users', { email: 'Dana@Example.com', password: 'correct horse battery', role: 'dpo' });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ email: 'dana@example.com', role: 'dpo' });
    expect((await rt.admin('POST', '/v1/users', { email: 'dana@example.com', password: 'another long one', role: 'marketing' })).status).toBe(409);
    const [row] = await queryRows<{ password_hash: string }>(rt.deps.store.connection, 'SELECT password_hash FROM users');
    expect(row!.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(row!.password_hash).not.toContain('correct horse');
    const list = await (await rt.admin('GET', '/v1/users')).text();
    expect(list).toContain('dana@example.com');
    expect(list).not.toContain('scrypt');
  });

  it('refuses short passwords and unknown roles', async () => {
    const res = await rt.admin('POST', '/v1/users', { email: 'x@example.com', password: 'short', role: 'owner' });
    expect(res.status).toBe(400);
    const fields = ((await res.json()) as { error: { details: { field: string }[] } }).error.details.map((d) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['password', 'role']));
  });

  it('signs in with an HttpOnly, SameSite session cookie, which the API honours by role, and signs out', async () => {
    await rt.admin('POST', '/v1/users', { email: 'mia@example.com', password: 'marketing-password-1', role: 'marketing' });
    expect((await login('mia@example.com', 'wrong-password-123')).status).toBe(401);
    expect((await login('nobody@example.com', 'marketing-password-1')).status).toBe(401);
    const res = await login('mia@example.com', 'marketing-password-1');
    expect(res.status).toBe(200);
    const header = res.headers.get('set-cookie')!;
    expect(header).toMatch(/HttpOnly/);
    expect(header).toMatch(/SameSite=Strict/);
    const cookie = cookieOf(res);

    const me = await rt.app.request('/v1/session', { headers: { cookie } });
    expect(await me.json()).toEqual({ email: 'mia@example.com', role: 'marketing', businesses: null });
    // Marketing may not use the registry.
    expect((await rt.app.request('/v1/businesses', { headers: { cookie } })).status).toBe(403);

    expect((await rt.app.request('/v1/session', { method: 'DELETE', headers: { cookie } })).status).toBe(204);
    expect((await rt.app.request('/v1/session', { headers: { cookie } })).status).toBe(401);
  });

  it('signs the built-in admin in with the ADMIN_TOKEN, and the session can use the admin API', async () => {
    expect((await login('admin', 'not-the-token-at-all')).status).toBe(401);
    const res = await login('admin', TEST_ADMIN_TOKEN);
    expect(res.status).toBe(200);
    const list = await rt.app.request('/v1/businesses', { headers: { cookie: cookieOf(res) } });
    expect(list.status).toBe(200);
  });

  it('ends sessions after 12 hours', async () => {
    let now = Date.now();
    await rt.stop();
    rt = await startTestRuntime({ now: () => now });
    const cookie = cookieOf(await login('admin', TEST_ADMIN_TOKEN));
    expect((await rt.app.request('/v1/session', { headers: { cookie } })).status).toBe(200);
    now += 12 * 3600_000 + 1;
    expect((await rt.app.request('/v1/session', { headers: { cookie } })).status).toBe(401);
  });
});
