import { describe, expect, it } from 'vitest';
import { usePrivatePostgres } from '../../../db/postgres/testing/usePostgres';
import { LoginThrottle } from './loginThrottle';
import { PostgresLoginThrottle } from './postgresLoginThrottle';
import type { Admitted, LoginThrottleOptions, Refused, SignInThrottle } from './throttleRules';

const OWNER = 'eve@example.com';
const ATTACKER = '203.0.113.9';
const OWNER_PLACE = '198.51.100.7';

const decisionOf = (attempt: Admitted | Refused) =>
  attempt.admitted ? { admitted: true } : { admitted: false, limit: attempt.limit, retryAfterMs: attempt.retryAfterMs, first: attempt.first };

const admitted = (attempt: Admitted | Refused): Admitted => {
  if (!attempt.admitted) throw new Error(`refused (${attempt.limit}), expected admitted`);
  return attempt;
};

describe('sign-in throttle shared through PostgreSQL (STORE=clickhouse)', () => {
  const postgres = usePrivatePostgres();

  /** Two app servers' throttles on one new database, on one clock. */
  async function twoServers(startMs = Date.parse('2026-11-02T10:00:00Z'), options: Partial<LoginThrottleOptions> = {}) {
    const clock = { now: startMs };
    const first = await postgres.store();
    const second = await postgres.store(first.pool.options.connectionString);
    const now = () => clock.now;
    return { clock, a: new PostgresLoginThrottle(first, now, options), b: new PostgresLoginThrottle(second, now, options), db: first };
  }

  it('admits exactly 5 of a parallel burst of 30 attempts on one account split across two servers, and marks one refusal as the first', async () => {
    const { a, b } = await twoServers();
    const attempts = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? a : b).admit(OWNER, `203.0.113.${i}`)));
    expect(attempts.filter((t) => t.admitted)).toHaveLength(5);
    const refused = attempts.filter((t): t is Refused => !t.admitted);
    expect(refused).toHaveLength(25);
    expect(new Set(refused.map((r) => r.limit))).toEqual(new Set(['account']));
    expect(refused.filter((r) => r.first)).toHaveLength(1);
  });

  it("counts an address's failures on one server against it on the other, and not against another address", async () => {
    const { clock, a, b } = await twoServers();
    for (let i = 0; i < 20; i++) await admitted(await a.admit(`user${i}@example.com`, ATTACKER)).failed();
    const refused = await b.admit(OWNER, ATTACKER);
    expect(refused).toMatchObject({ admitted: false, limit: 'address', first: true });
    expect((refused as Refused).retryAfterMs).toBeGreaterThan(800_000);
    expect(await a.admit('user0@example.com', ATTACKER)).toMatchObject({ admitted: false, first: false });
    expect((await b.admit(OWNER, OWNER_PLACE)).admitted).toBe(true);
    clock.now += 15 * 60_000;
    expect((await b.admit(OWNER, ATTACKER)).admitted).toBe(true);
  });

  it("keeps the owner's own allowance from where they signed in, on every server, while the account is slowed for others", async () => {
    const { clock, a, b } = await twoServers();
    await admitted(await a.admit(OWNER, OWNER_PLACE)).succeeded();
    for (let i = 0; i < 5; i++) await admitted(await b.admit(OWNER, ATTACKER)).failed();
    expect(await a.admit(OWNER, ATTACKER)).toMatchObject({ admitted: false, limit: 'account' });
    expect(await b.admit(OWNER, '192.0.2.55')).toMatchObject({ admitted: false, limit: 'account' });
    // The owner's place has an allowance of its own, used up and restored by their own sign-ins only.
    for (let i = 0; i < 4; i++) await admitted(await b.admit(OWNER, OWNER_PLACE)).failed();
    await admitted(await a.admit(OWNER, OWNER_PLACE)).succeeded();
    for (let i = 0; i < 5; i++) await admitted(await (i % 2 ? a : b).admit(OWNER, OWNER_PLACE)).failed();
    expect(await a.admit(OWNER, OWNER_PLACE)).toMatchObject({ admitted: false, limit: 'account' });
    // After 30 days without signing in from there, the place shares the account's allowance again.
    clock.now += 31 * 86_400_000;
    for (let i = 0; i < 5; i++) await admitted(await b.admit(OWNER, ATTACKER)).failed();
    expect(await a.admit(OWNER, OWNER_PLACE)).toMatchObject({ admitted: false, limit: 'account' });
  });

  it('uncounts an attempt that succeeded or could not be checked, on the other server too', async () => {
    const { a, b } = await twoServers();
    for (let i = 0; i < 3; i++) await admitted(await a.admit(OWNER, ATTACKER)).failed();
    await admitted(await b.admit(OWNER, OWNER_PLACE)).succeeded();
    await admitted(await a.admit(OWNER, '192.0.2.55')).released();
    // 3 counted: two more are admitted, the next is slowed.
    await admitted(await b.admit(OWNER, ATTACKER)).failed();
    await admitted(await a.admit(OWNER, ATTACKER)).failed();
    expect(await b.admit(OWNER, ATTACKER)).toMatchObject({ admitted: false, limit: 'account', first: true });
  });

  it('keeps hashes only, and deletes attempts and known addresses once they expire', async () => {
    const { clock, a, db } = await twoServers();
    await admitted(await a.admit(OWNER, OWNER_PLACE)).succeeded();
    await admitted(await a.admit(OWNER, ATTACKER)).failed();
    const stored = JSON.stringify((await db.pool.query('SELECT * FROM sign_in_attempts UNION ALL SELECT 0, * FROM sign_in_known_addresses')).rows);
    expect(stored).not.toContain('eve');
    expect(stored).not.toContain(ATTACKER);
    expect(stored).not.toContain(OWNER_PLACE);
    const rowsIn = async (table: string) => (await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;
    expect(await rowsIn('sign_in_attempts')).toBe(2);
    expect(await rowsIn('sign_in_known_addresses')).toBe(1);
    clock.now += 31 * 86_400_000;
    await a.deleteExpired();
    expect(await rowsIn('sign_in_attempts')).toBe(0);
    expect(await rowsIn('sign_in_known_addresses')).toBe(0);
  });

  it('decides every attempt of a long mixed run as the in-memory throttle does', async () => {
    // Tighter limits than the defaults, so that the run meets every rule many times.
    const options = { perAccount: 3, perAddress: 6, windowMs: 60_000 };
    const { clock, a, b } = await twoServers(Date.parse('2026-11-02T10:00:00Z'), options);
    const memory = new LoginThrottle(() => clock.now, options);
    const accounts = [OWNER, 'sam@example.com'];
    const addresses = [ATTACKER, OWNER_PLACE, '192.0.2.55'];
    let seed = 7;
    const pick = (n: number) => (seed = (seed * 48_271) % 2_147_483_647) % n;
    const outcomes = ['failed', 'failed', 'failed', 'succeeded', 'released'] as const;
    const seen = new Set<string>();
    for (let step = 0; step < 120; step++) {
      clock.now += [0, 0, 1_000, 3_000, 6_000, 20_000][pick(6)]!;
      const account = accounts[pick(accounts.length)]!;
      const address = addresses[pick(addresses.length)]!;
      const shared: SignInThrottle = step % 2 ? a : b;
      const [inMemory, inPostgres] = [await memory.admit(account, address), await shared.admit(account, address)];
      expect(decisionOf(inPostgres), `step ${step}`).toEqual(decisionOf(inMemory));
      seen.add(inMemory.admitted ? 'admitted' : `${inMemory.limit}${inMemory.first ? ' first' : ''}`);
      if (inMemory.admitted && inPostgres.admitted) {
        const outcome = outcomes[pick(outcomes.length)]!;
        await inMemory[outcome]();
        await inPostgres[outcome]();
      }
    }
    expect([...seen].sort()).toEqual(['account', 'account first', 'address', 'address first', 'admitted']);
  });
});
