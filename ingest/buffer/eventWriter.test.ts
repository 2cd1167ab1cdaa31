import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { openDatabase } from '../../db/duckdb';
import type { EventRow } from '../../db/eventStore';
import { migrate } from '../../db/migrate';
import { DuckDbEventStore } from '../../db/duckdbEventStore';
import { EventWriter } from './eventWriter';

const T0 = Date.UTC(2026, 10, 2, 9, 0) * 1000;
let id = 0;

/** A customer's message opening conversation `conversation`: one part in each facts table. */
function received(conversation: string): EventRow {
  id += 1;
  return {
    business: 'acme', eventId: id.toString(16).padStart(64, '0'), type: 'message.received', channel: 'whatsapp', customer: 'alice', customerRegion: 'DE',
    conversation, message: `message-${id}`, occurredAtMicros: T0 + id * 1_000_000, receivedAtMicros: T0, sender: null,
    category: null, template: null, processedIn: 'DE', errorCode: null, pricing: null, source: null,
  };
}

const count = async (connection: DuckDBConnection, table: string) =>
  Number((await connection.runAndReadAll(`SELECT count(*)::INTEGER FROM ${table}`)).getRows()[0]![0]);

/**
 * A fresh migrated in-memory database per test: its writer's connection, and the event store on
 * it with a second connection for the index's load (which runs while the writer commits).
 */
function useDatabase() {
  let instance: DuckDBInstance;
  let connections: DuckDBConnection[] = [];
  beforeEach(async () => {
    instance = await openDatabase(':memory:');
    connections = [await instance.connect(), await instance.connect()];
    await migrate(connections[0]!);
  });
  afterEach(() => {
    for (const connection of connections) connection.closeSync();
    instance.closeSync();
  });
  return { db: () => connections[0]!, store: () => new DuckDbEventStore(connections[0]!, connections[1]!) };
}

describe('the event writer folds the facts parts into the facts', () => {
  const { db, store } = useDatabase();

  it('once enough rows were committed since the last time', async () => {
    const connection = db();
    const writer = await EventWriter.open(store(), { compactAfterRows: 3, compactWhenIdleMs: 60_000 });
    await writer.submit([received('c1'), received('c2')]);
    // Below the threshold: the parts wait, the facts are empty.
    expect([await count(connection, 'conversation_fact_parts'), await count(connection, 'conversation_facts')]).toEqual([2, 0]);
    await writer.submit([received('c3')]);
    await writer.drain();
    expect([await count(connection, 'conversation_fact_parts'), await count(connection, 'conversation_facts')]).toEqual([0, 3]);
    expect([await count(connection, 'message_fact_parts'), await count(connection, 'events')]).toEqual([0, 3]);
  });

  it('once a share of the stored events was committed, when that is more than the rows', async () => {
    const connection = db();
    const first = await EventWriter.open(store(), { compactAfterRows: 1, compactWhenIdleMs: 60_000 });
    await first.submit(['c1', 'c2', 'c3', 'c4', 'c5', 'c6'].map((c) => received(c)));
    await first.drain();
    // 7 stored after the next commit: a quarter of them is 1.75 rows, more than the 1-row minimum.
    const writer = await EventWriter.open(store(), { compactAfterRows: 1, compactAfterShare: 0.25, compactWhenIdleMs: 60_000 });
    await writer.submit([received('c7')]);
    expect([await count(connection, 'conversation_fact_parts'), await count(connection, 'conversation_facts')]).toEqual([1, 6]);
    // 2 rows of 8 stored: due.
    await writer.submit([received('c8')]);
    await writer.drain();
    expect([await count(connection, 'conversation_fact_parts'), await count(connection, 'conversation_facts')]).toEqual([0, 8]);
  });

  it('when the queue has been idle for a while, and at the next start after a drain', async () => {
    const connection = db();
    const writer = await EventWriter.open(store(), { compactAfterRows: 1_000, compactWhenIdleMs: 20, idleCompactionShare: 1 });
    await writer.submit([received('c1')]);
    // Polled on the writer's own connection, so a poll can land inside the compaction's open
    // transaction (facts inserted, parts not yet deleted): wait for both counts together.
    await vi.waitFor(async () =>
      expect([await count(connection, 'conversation_fact_parts'), await count(connection, 'conversation_facts')]).toEqual([0, 1]), { timeout: 2_000 });

    await writer.submit([received('c2')]);
    await writer.drain();
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Shutting down: the part stays (it is durable, and readers combine it)...
    expect([await count(connection, 'conversation_fact_parts'), await count(connection, 'conversation_facts')]).toEqual([1, 1]);
    // ...and the next start folds it, first in its queue.
    await (await EventWriter.open(store(), { compactWhenIdleMs: 60_000 })).drain();
    expect([await count(connection, 'conversation_fact_parts'), await count(connection, 'conversation_facts')]).toEqual([0, 2]);
  });

  it('waits after an idle compaction until it is a small share of the time', async () => {
    const connection = db();
    // A share so small that the next idle compaction waits for hours after one taking ~1 ms.
    const writer = await EventWriter.open(store(), { compactAfterRows: 1_000, compactWhenIdleMs: 20, idleCompactionShare: 1e-9 });
    await writer.submit([received('c1')]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect([await count(connection, 'conversation_fact_parts'), await count(connection, 'conversation_facts')]).toEqual([1, 0]);
    // The same with a share of 1: the compaction at open took no longer than the wait.
    const eager = await EventWriter.open(store(), { compactAfterRows: 1_000, compactWhenIdleMs: 20, idleCompactionShare: 1 });
    await eager.submit([received('c2')]);
    await vi.waitFor(async () =>
      expect([await count(connection, 'conversation_fact_parts'), await count(connection, 'conversation_facts')]).toEqual([0, 2]), { timeout: 2_000 });
  });
});

describe('the event writer and its duplicate index', () => {
  const { db, store } = useDatabase();

  it('stores an event whose id the index cannot tell from a stored one, and still refuses a real resend', async () => {
    const stored = { ...received('c1'), eventId: `0123456789abcdef${'a'.repeat(48)}` };
    // The same first 64 bits: the same fingerprint and buckets, so the index says "maybe stored".
    const lookalike = { ...received('c2'), eventId: `0123456789abcdef${'b'.repeat(48)}` };
    await (await EventWriter.open(store())).submit([stored]);
    // A restart: the new writer's index is loaded from the database.
    const eventStore = store();
    const confirmed = vi.spyOn(eventStore, 'storedEventIds');
    const writer = await EventWriter.open(eventStore);
    await writer.whenIndexLoaded();
    expect(writer.indexLoaded).toBe(true);
    expect(await writer.submit([lookalike])).toEqual([true]);
    expect(confirmed).toHaveBeenCalledWith([lookalike.eventId]);
    expect(await writer.submit([{ ...stored, message: 'resent' }])).toEqual([false]);
    expect(await count(db(), 'events')).toBe(2);
    await writer.close();
  });
});
