import { describe, expect, it } from 'vitest';
import { asc } from 'drizzle-orm';
import { NO_REWRITE } from './customerLinks';
import { usePrivatePostgres } from './postgres/testing/usePostgres';
import { eraseRegistryState, moveRegistryState, purgeRegistryState } from './registryState';
import { sessions, webhookMessages, webhookPolicyEvents, webhookWatermarks } from './schema';
import { SerialStore, type RegistryStore } from './store';
import { useMigratedMemoryDatabase } from './testing/migratedMemoryDatabase';
import { insertSession } from './users';
import { raiseWatermark, recordPolicyEvent, recordWebhookMessage, threadRecordsOf } from './webhookState';

// The registry's per-customer state deleted and moved as in DuckDB's event transaction
// (db/lifecycle.ts, db/customerLinks.ts), on PostgreSQL and on DuckDB through SerialStore.

const at = (iso: string) => Date.parse(iso);
const key = (n: number) => n.toString(16).padStart(64, '0');
const [A, B, C, PERSON, X, Y] = [1, 2, 3, 4, 5, 6].map(key) as [string, string, string, string, string, string];
const name = new Map([[A, 'A'], [B, 'B'], [C, 'C'], [PERSON, 'PERSON'], [X, 'X'], [Y, 'Y']]);

async function message(store: RegistryStore, business: string, channel: string, n: number, customer: string, iso: string) {
  await store.exclusive((db) => recordWebhookMessage(db, {
    business, channel, direction: 'out', message: key(100 + n), customer, atMs: at(iso), threadStartMs: at(iso),
  }));
}

async function watermark(store: RegistryStore, business: string, channel: string, customer: string, kind: 'delivered' | 'read', iso: string) {
  await store.exclusive((db) => raiseWatermark(db, business, channel, customer, kind, at(iso)));
}

/** What is left, one readable line per row. */
async function leftIn(store: RegistryStore) {
  return store.exclusive(async (db) => ({
    messages: (await db.select().from(webhookMessages).orderBy(asc(webhookMessages.business), asc(webhookMessages.message)))
      .map((r) => `${r.business}/${r.channel}/${r.message.slice(-3)}:${name.get(r.customer)}`),
    watermarks: (await db.select().from(webhookWatermarks).orderBy(asc(webhookWatermarks.business), asc(webhookWatermarks.channel), asc(webhookWatermarks.customer)))
      .map((r) => `${r.business}/${r.channel}:${name.get(r.customer)} delivered ${r.deliveredUntil ? new Date(r.deliveredUntil).toISOString() : '-'}`),
    policyEvents: (await db.select().from(webhookPolicyEvents).orderBy(asc(webhookPolicyEvents.occurredAt))).map((r) => r.action),
    sessions: (await db.select().from(sessions).orderBy(asc(sessions.tokenHash))).map((r) => Number.parseInt(r.tokenHash, 16)),
  }));
}

async function purgeScenario(store: RegistryStore) {
  await message(store, 'acme', 'whatsapp', 1, A, '2026-02-20T00:00:00Z');
  await message(store, 'acme', 'whatsapp', 2, A, '2026-03-05T00:00:00Z');
  await watermark(store, 'acme', 'messenger', A, 'delivered', '2026-02-10T00:00:00Z');
  await watermark(store, 'acme', 'messenger', B, 'delivered', '2026-02-10T00:00:00Z');
  await watermark(store, 'acme', 'messenger', B, 'read', '2026-03-02T00:00:00Z');
  await watermark(store, 'acme', 'messenger', C, 'read', '2026-02-01T00:00:00Z');
  await store.exclusive((db) => recordPolicyEvent(db, 'acme', 'messenger', 'block', at('2026-02-01T00:00:00Z'), at('2026-02-01T00:00:00Z')));
  await store.exclusive((db) => recordPolicyEvent(db, 'acme', 'messenger', 'unblock', at('2026-03-02T00:00:00Z'), at('2026-03-02T00:00:00Z')));
  const created = new Date('2026-01-01T00:00:00Z');
  for (const [n, expiresAt] of [[1, '2026-02-15T00:00:00Z'], [2, '2026-03-10T00:00:00Z'], [3, '2026-04-01T00:00:00Z']] as const) {
    await insertSession(store, { tokenHash: key(n), userId: null, role: 'admin', expiresAt, adminTokenProof: null }, created);
  }
  // Cutoff 1 March; now 10 March: a session expiring exactly now is over.
  const counts = await store.transaction((db) => purgeRegistryState(db, at('2026-03-01T00:00:00Z'), at('2026-03-10T00:00:00Z')));
  const again = await store.transaction((db) => purgeRegistryState(db, at('2026-03-01T00:00:00Z'), at('2026-03-10T00:00:00Z')));
  return { counts, again, left: await leftIn(store) };
}

async function eraseScenario(store: RegistryStore) {
  for (const [n, business, customer] of [[1, 'acme', A], [2, 'acme', B], [3, 'acme', C], [4, 'globex', A]] as const) {
    await message(store, business, 'whatsapp', n, customer, '2026-03-05T00:00:00Z');
    await watermark(store, business, 'messenger', customer, 'delivered', '2026-03-05T00:00:00Z');
  }
  await message(store, 'acme', 'messenger', 5, A, '2026-03-06T00:00:00Z');
  const counts = await store.transaction((db) => eraseRegistryState(db, 'acme', [A, B, key(99)]));
  const nothing = await store.transaction((db) => eraseRegistryState(db, 'acme', []));
  return { counts, nothing, left: await leftIn(store) };
}

async function moveScenario(store: RegistryStore) {
  await message(store, 'acme', 'whatsapp', 1, X, '2026-03-05T00:00:00Z');
  await message(store, 'acme', 'messenger', 2, Y, '2026-03-05T01:00:00Z');
  await message(store, 'acme', 'whatsapp', 3, PERSON, '2026-03-05T02:00:00Z');
  await message(store, 'globex', 'whatsapp', 4, X, '2026-03-05T00:00:00Z');
  // X and Y both have a Messenger watermark, the person none: the first moved takes the channel.
  await watermark(store, 'acme', 'messenger', X, 'delivered', '2026-03-05T00:00:00Z');
  await watermark(store, 'acme', 'messenger', Y, 'delivered', '2026-03-06T00:00:00Z');
  // On WhatsApp the person has its own: X's is dropped.
  await watermark(store, 'acme', 'whatsapp', X, 'delivered', '2026-03-07T00:00:00Z');
  await watermark(store, 'acme', 'whatsapp', PERSON, 'delivered', '2026-03-01T00:00:00Z');
  await watermark(store, 'globex', 'whatsapp', X, 'delivered', '2026-03-05T00:00:00Z');
  await store.transaction((db) => moveRegistryState(db, 'acme', {
    ...NO_REWRITE,
    moves: [{ from: X, to: PERSON }, { from: Y, to: PERSON }, { from: PERSON, to: PERSON }],
    threads: [{ channel: 'messenger', direction: 'out', message: key(102), threadStartMs: at('2026-03-04T00:00:00Z') }],
  }));
  const threads = await store.exclusive((db) => threadRecordsOf(db, 'acme', [PERSON]));
  return { threads: threads.map((t) => `${t.message.slice(-3)}:${new Date(t.threadStartMs).toISOString()}`), left: await leftIn(store) };
}

async function runAll(store: RegistryStore) {
  const purge = await purgeScenario(store);
  await store.exclusive(async (db) => {
    for (const table of [webhookMessages, webhookWatermarks, webhookPolicyEvents, sessions]) await db.delete(table);
  });
  const erase = await eraseScenario(store);
  await store.exclusive(async (db) => {
    for (const table of [webhookMessages, webhookWatermarks]) await db.delete(table);
  });
  return { purge, erase, move: await moveScenario(store) };
}

describe('the registry state deleted and moved apart from the events', () => {
  const postgres = usePrivatePostgres();
  const duckdb = useMigratedMemoryDatabase();

  const onDuckDb = () => runAll(new SerialStore(duckdb()));

  it('purges, erases and moves the same rows on PostgreSQL and on DuckDB', async () => {
    const fromPostgres = await runAll(await postgres.store());
    expect(fromPostgres.purge).toEqual({
      counts: { webhookMessages: 1, webhookWatermarks: 2, webhookPolicyEvents: 1, sessions: 2 },
      again: { webhookMessages: 0, webhookWatermarks: 0, webhookPolicyEvents: 0, sessions: 0 },
      left: {
        messages: ['acme/whatsapp/066:A'],
        // B's delivery is old, but its read watermark still covers time after the cutoff.
        watermarks: ['acme/messenger:B delivered 2026-02-10T00:00:00.000Z'],
        policyEvents: ['unblock'],
        sessions: [3],
      },
    });
    expect(fromPostgres.erase).toEqual({
      counts: { webhookMessages: 3, webhookWatermarks: 2 },
      nothing: { webhookMessages: 0, webhookWatermarks: 0 },
      left: {
        messages: ['acme/whatsapp/067:C', 'globex/whatsapp/068:A'],
        watermarks: ['acme/messenger:C delivered 2026-03-05T00:00:00.000Z', 'globex/messenger:A delivered 2026-03-05T00:00:00.000Z'],
        policyEvents: [],
        sessions: [],
      },
    });
    expect(fromPostgres.move).toEqual({
      threads: ['066:2026-03-04T00:00:00.000Z', '065:2026-03-05T00:00:00.000Z', '067:2026-03-05T02:00:00.000Z'],
      left: {
        messages: ['acme/whatsapp/065:PERSON', 'acme/messenger/066:PERSON', 'acme/whatsapp/067:PERSON', 'globex/whatsapp/068:X'],
        watermarks: [
          'acme/messenger:PERSON delivered 2026-03-05T00:00:00.000Z',
          'acme/whatsapp:PERSON delivered 2026-03-01T00:00:00.000Z',
          'globex/whatsapp:X delivered 2026-03-05T00:00:00.000Z',
        ],
        policyEvents: [],
        sessions: [],
      },
    });
    expect(await onDuckDb()).toEqual(fromPostgres);
  });
});
