import { describe, expect, it } from 'vitest';
import { TEST_ADMIN_TOKEN, useTestRuntimes, type TestRuntime } from '../testing/testRuntime';
import { actionsOf, auditLog, cookieOf, signIn, withCookie } from './authTesting';

const runtimes = useTestRuntimes();
const RIGHT = 'the-right-password-1';

async function withUser(options: { now?: () => number } = {}): Promise<TestRuntime> {
  const rt = await runtimes.start(options);
  expect((await rt.admin('POST', '/v1/users', { email: 'eve@example.com', password: RIGHT, role: 'dpo' })).status).toBe(201);
  return rt;
}

describe('sign-in throttle', () => {
  it('admits only 5 password checks of a parallel burst of 20 wrong passwords, and answers the rest 429 at once', async () => {
    const rt = await withUser();
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => signIn(rt, 'eve@example.com', `wrong-password-${i}`)));
    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15);
    for (const res of replies.filter((r) => r.status === 429)) {
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(res.headers.get('retry-after'))).toBeLessThanOrEqual(5);
      expect(await res.json()).toMatchObject({ error: { code: 'too_many_attempts' } });
    }
    // Each checked password leaves one failure record; the refusals one record for the run.
    const log = await auditLog(rt);
    expect(actionsOf(log, 'auth.sign_in_failed')).toHaveLength(5);
    expect(actionsOf(log, 'auth.sign_in_throttled')).toEqual([expect.objectContaining({ actor: 'eve@example.com', filters: { limit: 'account' } })]);
  });

  it('lets the owner sign in with the right password seconds after someone else locked the account, and keeps guessing slow', async () => {
    let now = Date.parse('2026-11-02T10:00:00Z');
    const rt = await withUser({ now: () => now });
    const attacker = { peer: '203.0.113.9' };
    const owner = { peer: '198.51.100.7' };
    for (let i = 0; i < 20; i++) await signIn(rt, 'eve@example.com', `guess-number-${i}`, attacker);

    const early = await signIn(rt, 'eve@example.com', RIGHT, owner);
    expect(early.status).toBe(429);
    expect(Number(early.headers.get('retry-after'))).toBeLessThanOrEqual(5);
    now += 5_000;
    expect((await signIn(rt, 'eve@example.com', RIGHT, owner)).status).toBe(200);

    // The attacker takes every slot the account gives (one each 5 s): guessing stays at that rate,
    // and the owner, from where they signed in before, still gets in at once.
    for (let round = 0; round < 3; round++) {
      now += 5_000;
      expect((await signIn(rt, 'eve@example.com', `guess-round-${round}`, attacker)).status).toBe(401);
      expect((await signIn(rt, 'eve@example.com', `guess-again-${round}`, attacker)).status).toBe(429);
      expect((await signIn(rt, 'eve@example.com', RIGHT, { peer: '192.0.2.55' })).status).toBe(429);
      expect((await signIn(rt, 'eve@example.com', RIGHT, owner)).status).toBe(200);
    }
  });

  it('refuses an address that failed 20 times across accounts, but not another address', async () => {
    let now = Date.parse('2026-11-02T10:00:00Z');
    const rt = await withUser({ now: () => now });
    for (let i = 0; i < 20; i++) expect((await signIn(rt, `user${i}@example.com`, 'guess-password', { peer: '203.0.113.9' })).status).toBe(401);
    const refused = await signIn(rt, 'eve@example.com', RIGHT, { peer: '203.0.113.9' });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(800);
    expect((await signIn(rt, 'eve@example.com', RIGHT, { peer: '198.51.100.7' })).status).toBe(200);
    now += 15 * 60_000;
    expect((await signIn(rt, 'eve@example.com', RIGHT, { peer: '203.0.113.9' })).status).toBe(200);
  });
});

describe('sign-in audit', () => {
  it('records every sign-in, failure and sign-out under the account (as typed, trimmed, lower-case), never the password or an unknown email', async () => {
    const rt = await withUser();
    expect((await signIn(rt, ' Eve@Example.com ', 'not-my-password-9')).status).toBe(401);
    // Typed into the email field: not an account, so not stored.
    expect((await signIn(rt, '+4915999000111', 'nobodys-password-9')).status).toBe(401);
    const res = await signIn(rt, 'EVE@example.com', RIGHT);
    expect(res.status).toBe(200);
    expect((await signIn(rt, 'admin', TEST_ADMIN_TOKEN)).status).toBe(200);
    expect((await withCookie(rt, cookieOf(res), 'DELETE', '/v1/session')).status).toBe(204);

    const log = await auditLog(rt);
    const users = ((await (await rt.admin('GET', '/v1/users')).json()) as { users: { id: string }[] }).users;
    expect(actionsOf(log, 'auth.')).toEqual(expect.arrayContaining([
      expect.objectContaining({ actor: 'eve@example.com', action: 'auth.sign_in_failed', target: null }),
      expect.objectContaining({ actor: 'unknown account', action: 'auth.sign_in_failed' }),
      expect.objectContaining({ actor: 'eve@example.com', action: 'auth.sign_in', target: users[0]!.id }),
      expect.objectContaining({ actor: 'admin', action: 'auth.sign_in', target: null }),
      expect.objectContaining({ actor: 'eve@example.com', action: 'auth.sign_out' }),
    ]));
    expect(actionsOf(log, 'auth.')).toHaveLength(5);
    const text = JSON.stringify(log);
    for (const secret of ['not-my-password-9', 'nobodys-password-9', '4915999000111', RIGHT, TEST_ADMIN_TOKEN]) expect(text).not.toContain(secret);
  });
});
