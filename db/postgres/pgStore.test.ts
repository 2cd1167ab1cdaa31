import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { sessions, users } from '../schema';
import { listUsers } from '../users';
import { countIntakeProblems, listIntakeProblems } from '../webhookState';
import { PgStore } from './pgStore';
import { usePrivatePostgres } from './testing/usePostgres';

const user = (id: string) => ({ id, email: 'sam@example.com', passwordHash: 'scrypt$1', role: 'marketing' as const, businesses: null, createdAt: '2026-11-01T09:00:00.000Z' });

/** Resolves once `parties` callers have arrived; later callers pass at once. */
function barrier(parties: number): () => Promise<void> {
  let arrived = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return () => {
    arrived += 1;
    if (arrived >= parties) open();
    return opened;
  };
}

describe('PgStore', () => {
  const postgres = usePrivatePostgres();

  it('runs again a transaction that lost a race to another server, which then sees the winner', async () => {
    const first = await postgres.store();
    const second = await postgres.store(first.pool.options.connectionString);
    // Both transactions read "the email is free" before either writes: on DuckDB the serialised
    // store cannot interleave them; here one commits and the other must be run again.
    const bothRead = barrier(2);
    let runs = 0;
    const createUnlessTaken = (store: PgStore, id: string) =>
      store.transaction(async (db) => {
        runs += 1;
        const taken = await db.select({ id: users.id }).from(users).where(eq(users.email, 'sam@example.com'));
        await bothRead();
        if (taken.length > 0) return false;
        await db.insert(users).values(user(id));
        return true;
      });
    const created = await Promise.all([createUnlessTaken(first, 'u-1'), createUnlessTaken(second, 'u-2')]);
    expect(created.sort()).toEqual([false, true]);
    expect(runs).toBe(3);
    expect((await listUsers(second)).map((u) => u.email)).toEqual(['sam@example.com']);
  });

  it('keeps nothing of a transaction that throws', async () => {
    const store = await postgres.store();
    const failing = store.transaction(async (db) => {
      await db.insert(users).values(user('u-1'));
      await db.insert(sessions).values({ tokenHash: 'a'.repeat(64), userId: 'u-1', role: 'marketing', createdAt: '2026-11-01T09:00:00Z', expiresAt: '2026-11-02T09:00:00Z' });
      throw new Error('the request failed half-way');
    });
    await expect(failing).rejects.toThrow('the request failed half-way');
    expect(await listUsers(store)).toEqual([]);
    expect(await store.exclusive((db) => db.select().from(sessions))).toEqual([]);
  });

  it('counts every intake problem reported by two servers at once', async () => {
    const first = await postgres.store();
    const second = await postgres.store(first.pool.options.connectionString);
    const atMs = Date.parse('2026-11-01T10:00:00Z');
    await Promise.all(Array.from({ length: 20 }, (_, i) => countIntakeProblems((i % 2 ? first : second).db, 'acme', 'whatsapp', 'unmappable', 1, atMs + i)));
    expect(await listIntakeProblems(first, 'acme')).toEqual([{ channel: 'whatsapp', kind: 'unmappable', count: 20, lastAt: expect.stringMatching(/^2026-11-01T10:00:00\.0\d\dZ$/) }]);
  });

  it('runs work under one named lock one server at a time, and work under other names alongside', async () => {
    const first = await postgres.store();
    const second = await postgres.store(first.pool.options.connectionString);
    const log: string[] = [];
    const work = (store: PgStore, name: string, label: string) => store.acrossProcesses(name, async () => {
      log.push(`${label} in`);
      await new Promise((resolve) => setTimeout(resolve, 150));
      log.push(`${label} out`);
      return label;
    });
    const a = work(first, 'webhook-intake:acme', 'a');
    await new Promise((resolve) => setTimeout(resolve, 30));
    const results = await Promise.all([a, work(second, 'webhook-intake:acme', 'b'), work(second, 'webhook-intake:globex', 'c')]);
    expect(results).toEqual(['a', 'b', 'c']);
    // b waited for a (same name, another server); c did not wait for either.
    expect(log.indexOf('b in')).toBeGreaterThan(log.indexOf('a out'));
    expect(log.indexOf('c in')).toBeLessThan(log.indexOf('a out'));
  });

  it('takes a lock of its own one server at a time, on a connection of its own: never waiting for the locks of acrossProcesses', async () => {
    const first = await postgres.store();
    const second = await postgres.store(first.pool.options.connectionString);
    // Every connection acrossProcesses has is held (webhook intakes waiting for person resolution).
    let releaseIntakes!: () => void;
    const intakesHeld = new Promise<void>((resolve) => (releaseIntakes = resolve));
    const intakesIn = barrier(5);
    const intakes = ['a', 'b', 'c', 'd'].map((b) => first.acrossProcesses(`webhook-intake:${b}`, async () => {
      void intakesIn();
      await intakesHeld;
    }));
    await intakesIn();
    const log: string[] = [];
    let releaseFirst!: () => void;
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    const firstIn = barrier(2);
    const held = first.lockOfItsOwn('person-resolution')(async () => {
      log.push('first in');
      void firstIn();
      await firstHeld;
      log.push('first out');
    });
    await firstIn();
    const waiting = second.lockOfItsOwn('person-resolution')(async () => log.push('second in'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(log).toEqual(['first in']);
    releaseFirst();
    await Promise.all([held, waiting]);
    expect(log).toEqual(['first in', 'first out', 'second in']);
    releaseIntakes();
    await Promise.all(intakes);
  });

  it('tells the caller, and keeps running, when a lock connection is lost while it is held', async () => {
    const store = await postgres.store();
    const admin = await postgres.store(store.pool.options.connectionString);
    // The lock's session ends under it (a restart or failover of PostgreSQL): an error on a
    // checked-out client with no listener would end the whole process.
    const held = store.acrossProcesses('lost-lock', async () => {
      await admin.pool.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'messaging-privacy-analytics locks'");
      await new Promise((resolve) => setTimeout(resolve, 200));
      return 'done';
    });
    await expect(held).rejects.toThrow();
    // The next lock gets a working connection.
    expect(await store.acrossProcesses('lost-lock', async () => 'again')).toBe('again');
  });

  it('tells onIdleError, and keeps running, when the idle connection of a lock of its own is lost', async () => {
    const idleErrors: Error[] = [];
    const store = new PgStore({ url: await postgres.emptyDatabase(), onIdleError: (error) => idleErrors.push(error) });
    try {
      const underLock = store.lockOfItsOwn('own-idle');
      expect(await underLock(async () => 'first')).toBe('first');
      // Its connection now idles in its pool; PostgreSQL ends the session (a restart, a failover).
      await store.pool.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'messaging-privacy-analytics lock own-idle'");
      for (let waited = 0; idleErrors.length === 0 && waited < 5000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(idleErrors.map((error) => error.message).join()).toMatch(/terminat/);
      expect(await underLock(async () => 'again')).toBe('again');
    } finally {
      await store.close();
    }
  });
});
