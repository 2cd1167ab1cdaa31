import { describe, expect, it } from 'vitest';
import { useTestRuntimes, type TestRuntime } from '../testing/testRuntime';
import { actionsOf, auditLog, cookieOf, signIn, withCookie } from './authTesting';

const runtimes = useTestRuntimes();

interface UserJson {
  id: string;
  email: string;
  role: string;
  businesses: string[] | null;
}

async function createUser(rt: TestRuntime, body: Record<string, unknown>): Promise<UserJson> {
  const res = await rt.admin('POST', '/v1/users', body);
  expect(res.status).toBe(201);
  return (await res.json()) as UserJson;
}

async function sessionOf(rt: TestRuntime, email: string, password: string): Promise<string> {
  const res = await signIn(rt, email, password);
  expect(res.status).toBe(200);
  return cookieOf(res);
}

const me = async (rt: TestRuntime, cookie: string) => withCookie(rt, cookie, 'GET', '/v1/session');

describe('users scoped to businesses', () => {
  it('stores a scope of registered businesses, lists it, and gives it to the session', async () => {
    const rt = await runtimes.start();
    await rt.registerBusiness('acme');
    await rt.registerBusiness('globex');
    const mia = await createUser(rt, { email: 'mia@example.com', password: 'marketing-password-1', role: 'marketing', businesses: ['acme'] });
    expect(mia.businesses).toEqual(['acme']);
    await createUser(rt, { email: 'dana@example.com', password: 'dpo-password-1234', role: 'dpo' });

    const list = ((await (await rt.admin('GET', '/v1/users')).json()) as { users: UserJson[] }).users;
    expect(list.map((u) => [u.email, u.businesses])).toEqual([['dana@example.com', null], ['mia@example.com', ['acme']]]);
    const cookie = await sessionOf(rt, 'mia@example.com', 'marketing-password-1');
    expect(await (await me(rt, cookie)).json()).toEqual({ email: 'mia@example.com', role: 'marketing', businesses: ['acme'] });
  });

  it('refuses unknown business ids, naming them, and a scope on an admin', async () => {
    const rt = await runtimes.start();
    await rt.registerBusiness('acme');
    const unknown = await rt.admin('POST', '/v1/users', { email: 'x@example.com', password: 'a-long-password-1', role: 'dpo', businesses: ['acme', 'nope', 'ghost'] });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ error: { details: [{ field: 'businesses', error: 'not registered: nope, ghost' }] } });
    const admin = await rt.admin('POST', '/v1/users', { email: 'y@example.com', password: 'a-long-password-1', role: 'admin', businesses: ['acme'] });
    expect(admin.status).toBe(400);
    expect(await (await rt.admin('GET', '/v1/users')).json()).toEqual({ users: [] });
  });
});

describe('user management', () => {
  it('changes role and scope, ending the user\'s sessions at once', async () => {
    const rt = await runtimes.start();
    await rt.registerBusiness('acme');
    await rt.registerBusiness('globex');
    const mia = await createUser(rt, { email: 'mia@example.com', password: 'marketing-password-1', role: 'marketing' });
    const cookie = await sessionOf(rt, 'mia@example.com', 'marketing-password-1');

    const res = await rt.admin('PATCH', `/v1/users/${mia.id}`, { role: 'dpo', businesses: ['globex'] });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ role: 'dpo', businesses: ['globex'] });
    expect((await me(rt, cookie)).status).toBe(401);
    const fresh = await sessionOf(rt, 'mia@example.com', 'marketing-password-1');
    expect(await (await me(rt, fresh)).json()).toMatchObject({ role: 'dpo', businesses: ['globex'] });

    expect((await rt.admin('PATCH', `/v1/users/${mia.id}`, { businesses: null })).status).toBe(200);
    expect(await (await me(rt, await sessionOf(rt, 'mia@example.com', 'marketing-password-1'))).json()).toMatchObject({ businesses: null });
    expect((await rt.admin('PATCH', `/v1/users/${mia.id}`, {})).status).toBe(400);
    expect((await rt.admin('PATCH', '/v1/users/no-such-user', { role: 'dpo' })).status).toBe(404);
  });

  it('reads the role and scope from the user on every request, not from the sign-in', async () => {
    const rt = await runtimes.start();
    await rt.registerBusiness('acme');
    const mia = await createUser(rt, { email: 'mia@example.com', password: 'marketing-password-1', role: 'marketing' });
    const cookie = await sessionOf(rt, 'mia@example.com', 'marketing-password-1');
    expect((await withCookie(rt, cookie, 'GET', '/v1/audit')).status).toBe(403);
    // A change made in the database itself (no session is ended): the next request sees it.
    await rt.deps.store.connection.run(`UPDATE users SET role = 'dpo', businesses = '["acme"]'::JSON WHERE id = '${mia.id}'`);
    expect((await withCookie(rt, cookie, 'GET', '/v1/audit')).status).toBe(200);
    expect(await (await me(rt, cookie)).json()).toMatchObject({ role: 'dpo', businesses: ['acme'] });
  });

  it('resets a password: old sessions and the old password stop working', async () => {
    const rt = await runtimes.start();
    const mia = await createUser(rt, { email: 'mia@example.com', password: 'marketing-password-1', role: 'marketing' });
    const cookie = await sessionOf(rt, 'mia@example.com', 'marketing-password-1');
    expect((await rt.admin('POST', `/v1/users/${mia.id}/password`, { password: 'short' })).status).toBe(400);
    expect((await rt.admin('POST', `/v1/users/${mia.id}/password`, { password: 'a-brand-new-password' })).status).toBe(204);
    expect((await me(rt, cookie)).status).toBe(401);
    expect((await signIn(rt, 'mia@example.com', 'marketing-password-1')).status).toBe(401);
    expect((await signIn(rt, 'mia@example.com', 'a-brand-new-password')).status).toBe(200);
  });

  it('deletes a user: their session fails at once, and is never taken for the admin', async () => {
    const rt = await runtimes.start();
    const dana = await createUser(rt, { email: 'dana@example.com', password: 'dpo-password-1234', role: 'dpo' });
    const cookie = await sessionOf(rt, 'dana@example.com', 'dpo-password-1234');
    expect((await withCookie(rt, cookie, 'GET', '/v1/audit')).status).toBe(200);
    expect((await rt.admin('DELETE', `/v1/users/${dana.id}`)).status).toBe(204);
    expect((await rt.admin('DELETE', `/v1/users/${dana.id}`)).status).toBe(404);
    for (const path of ['/v1/session', '/v1/audit', '/v1/users', '/v1/businesses']) expect((await withCookie(rt, cookie, 'GET', path)).status, path).toBe(401);
    expect((await signIn(rt, 'dana@example.com', 'dpo-password-1234')).status).toBe(401);
  });

  it('ends a deleted user\'s session even when its row outlived the user', async () => {
    const rt = await runtimes.start();
    const dana = await createUser(rt, { email: 'dana@example.com', password: 'dpo-password-1234', role: 'dpo' });
    const cookie = await sessionOf(rt, 'dana@example.com', 'dpo-password-1234');
    await rt.deps.store.connection.run(`DELETE FROM users WHERE id = '${dana.id}'`);
    // Such a session was once read as the built-in admin's: its residency read audited as "admin".
    expect((await withCookie(rt, cookie, 'GET', '/v1/reports/residency?from=2026-11-01&to=2026-11-30')).status).toBe(401);
    expect((await withCookie(rt, cookie, 'GET', '/v1/audit')).status).toBe(401);
    expect(actionsOf(await auditLog(rt), 'report.')).toEqual([]);
  });

  it('audits every user change under the admin, naming fields and never a password', async () => {
    const rt = await runtimes.start();
    await rt.registerBusiness('acme');
    const mia = await createUser(rt, { email: 'mia@example.com', password: 'marketing-password-1', role: 'marketing', businesses: ['acme'] });
    await rt.admin('PATCH', `/v1/users/${mia.id}`, { role: 'dpo' });
    await rt.admin('POST', `/v1/users/${mia.id}/password`, { password: 'a-brand-new-password' });
    await rt.admin('DELETE', `/v1/users/${mia.id}`);

    const log = actionsOf(await auditLog(rt), 'admin.user.');
    expect(log).toEqual(expect.arrayContaining([
      { actor: 'admin', action: 'admin.user.create', target: mia.id, filters: { role: 'marketing', businesses: ['acme'] }, row_count: null, sha256: null, at: expect.any(String), id: expect.any(String) },
      expect.objectContaining({ action: 'admin.user.update', target: mia.id, filters: { changed: ['role'], role: 'dpo', businesses: ['acme'] } }),
      expect.objectContaining({ action: 'admin.user.password_reset', target: mia.id, filters: { changed: ['password'] } }),
      expect.objectContaining({ action: 'admin.user.delete', target: mia.id }),
    ]));
    expect(log).toHaveLength(4);
    expect(JSON.stringify(log)).not.toMatch(/marketing-password-1|a-brand-new-password|scrypt/);
  });
});
