import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { CURRENT_CONVERSATION_FACTS, factsFromEvents } from './conversationFacts';
import { factKey } from './factKey';
import { commitEvents, compactFacts, type EventRow } from './eventStore';
import { eraseCustomers, purgeExpired } from './lifecycle';
import { useMigratedMemoryDatabase } from './testing/migratedMemoryDatabase';

const MINUTE = 60_000_000;
const T0 = Date.UTC(2026, 10, 2, 9, 0) * 1000;

let id = 0;
function event(type: string, conversation: string | null, minute: number, extra: Partial<EventRow> = {}): EventRow {
  id += 1;
  return {
    business: 'acme', eventId: `e${id}`, type, channel: 'whatsapp', customer: 'alice', customerRegion: 'DE',
    conversation, message: null, occurredAtMicros: T0 + minute * MINUTE, receivedAtMicros: T0, sender: null,
    category: null, template: null, processedIn: 'DE', errorCode: null, pricing: null, source: null, ...extra,
  };
}
const received = (conversation: string, minute: number, customer = 'alice') => event('message.received', conversation, minute, { customer });
const sent = (conversation: string, minute: number, sender: string) => event('message.sent', conversation, minute, { sender, message: `m${id}` });

interface Fact { conversation: string; first: number; start: number | null; customer: string | null; reply: number | null; last: number }

const FACT_COLUMNS = `conversation,
  (epoch_us(first_at) - ${T0}) // ${MINUTE} AS first, (epoch_us(started_at) - ${T0}) // ${MINUTE} AS start,
  customer, (epoch_us(replied_at) - ${T0}) // ${MINUTE} AS reply, (epoch_us(last_at) - ${T0}) // ${MINUTE} AS last`;

// Facts hold keys (db/factKey.ts): read them back as the identifiers the test used.
const NAMES = new Map(['c1', 'c2', 'c3', 'alice', 'bob', 'carol', 'a'.repeat(64), 'b'.repeat(64)].map((n) => [factKey(n).toString(), n]));
const nameOf = (key: unknown) => (key === null ? null : NAMES.get(String(key)) ?? `unknown key ${String(key)}`);

async function rows(connection: DuckDBConnection, sql: string): Promise<Fact[]> {
  const reader = await connection.runAndReadAll(sql);
  return reader.getRowObjectsJson().map((r) => ({
    conversation: nameOf(r.conversation)!, first: Number(r.first), start: r.start === null ? null : Number(r.start),
    customer: nameOf(r.customer), reply: r.reply === null ? null : Number(r.reply), last: Number(r.last),
  })).sort((a, b) => a.conversation.localeCompare(b.conversation));
}
/**
 * The facts as readers see them (facts and uncompacted parts combined); then, after a compaction,
 * as stored: the two must be the same, and no part may be left.
 */
async function merged(connection: DuckDBConnection): Promise<Fact[]> {
  const current = await rows(connection, `SELECT ${FACT_COLUMNS} FROM ${CURRENT_CONVERSATION_FACTS} AS f ORDER BY conversation`);
  await compactFacts(connection);
  expect(await rows(connection, `SELECT ${FACT_COLUMNS} FROM conversation_facts ORDER BY conversation`)).toEqual(current);
  expect((await connection.runAndReadAll('SELECT count(*)::INTEGER FROM conversation_fact_parts')).getRows()[0]![0]).toBe(0);
  return current;
}
/** The same facts computed from scratch over every stored event: what the merge must equal. */
const recomputed = (connection: DuckDBConnection) =>
  rows(connection, `SELECT ${FACT_COLUMNS} FROM (${factsFromEvents('events')}) AS f(business, conversation, first_at, started_at, customer, channel, replied_at, last_at) ORDER BY conversation`);

describe('conversation facts from write-time parts', () => {
  const db = useMigratedMemoryDatabase();
  let connection: DuckDBConnection;
  beforeEach(() => {
    connection = db();
  });

  it('keeps the start and the first reply when the reply is stored before the message it answers', async () => {
    await commitEvents(connection, [sent('c1', 12, 'agent')]);
    await commitEvents(connection, [received('c1', 5)]);
    expect(await merged(connection)).toEqual([{ conversation: 'c1', first: 5, start: 5, customer: 'alice', reply: 12, last: 12 }]);
  });

  it("takes the start and customer of a conversation's first message when it arrives last, and ignores automation", async () => {
    await commitEvents(connection, [sent('c1', 30, 'bot'), sent('c1', 20, 'automation')]);
    await commitEvents(connection, [received('c1', 10, 'bob')]);
    await commitEvents(connection, [received('c1', 3, 'carol'), event('message.delivered', 'c1', 31)]);
    expect(await merged(connection)).toEqual([{ conversation: 'c1', first: 3, start: 3, customer: 'carol', reply: 30, last: 31 }]);
  });

  it('shows a business-initiated conversation as such however late its first send arrives', async () => {
    await commitEvents(connection, [received('c1', 10), sent('c1', 15, 'agent')]);
    await commitEvents(connection, [sent('c1', 2, 'automation')]);
    const [fact] = await merged(connection);
    expect(fact!.first).toBe(2);
    expect(fact!.start).toBe(10); // started_at > first_at: not customer-initiated
  });

  it("keeps two businesses' conversations apart when their keys are equal, folded or not", async () => {
    // Test identifiers are hashed without the business (db/factKey.ts), so 'c1' has one key at
    // both: the collision pseudonyms make practically impossible. Stored rows and parts are
    // matched on the key alone (db/factParts.ts); acme's stored row must still be shown once and
    // combined with nothing of beta's.
    await commitEvents(connection, [received('c1', 5)]);
    await compactFacts(connection);
    await commitEvents(connection, [{ ...received('c1', 10, 'bob'), business: 'beta' }, { ...sent('c1', 20, 'agent'), business: 'beta' }]);
    const perBusiness = async (table: string) => (await connection.runAndReadAll(
      `SELECT business, ${FACT_COLUMNS} FROM ${table} AS f ORDER BY business`)).getRowObjectsJson()
      .map((r) => ({ business: r.business, first: Number(r.first), customer: nameOf(r.customer), reply: r.reply === null ? null : Number(r.reply) }));
    const expected = [
      { business: 'acme', first: 5, customer: 'alice', reply: null },
      { business: 'beta', first: 10, customer: 'bob', reply: 20 },
    ];
    expect(await perBusiness(CURRENT_CONVERSATION_FACTS)).toEqual(expected);
    await compactFacts(connection);
    expect(await perBusiness('conversation_facts')).toEqual(expected);
  });

  it('ignores events without a conversation and customer events', async () => {
    await commitEvents(connection, [event('customer.blocked', null, 1), event('customer.muted', 'c1', 1), event('message.read', null, 2)]);
    expect(await merged(connection)).toEqual([]);
  });

  it('equals a recomputation from all events for any arrival order and batching', async () => {
    const kinds = ['received', 'agent', 'bot', 'automation', 'delivered', 'read', 'failed'] as const;
    const arbitraryEvent = fc.record({
      conversation: fc.constantFrom('c1', 'c2', 'c3'),
      kind: fc.constantFrom(...kinds),
      minute: fc.integer({ min: 0, max: 50 }),
      customer: fc.constantFrom('alice', 'bob'),
    });
    await fc.assert(fc.asyncProperty(
      fc.array(arbitraryEvent, { minLength: 1, maxLength: 25 }),
      fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 25, maxLength: 25 }),
      // Compactions between some batches: readers must see the same facts however they were folded.
      fc.array(fc.boolean(), { minLength: 25, maxLength: 25 }),
      async (specs, batchSizes, compactAfter) => {
        await connection.run('DELETE FROM events; DELETE FROM conversation_facts; DELETE FROM conversation_fact_parts');
        const events = specs.map((s) => s.kind === 'received' ? received(s.conversation, s.minute, s.customer)
          : ['agent', 'bot', 'automation'].includes(s.kind) ? sent(s.conversation, s.minute, s.kind)
          : event(`message.${s.kind}`, s.conversation, s.minute));
        for (let start = 0, b = 0; start < events.length; b += 1) {
          const size = batchSizes[b]!;
          await commitEvents(connection, events.slice(start, start + size));
          if (compactAfter[b]) await compactFacts(connection);
          start += size;
        }
        const expected = await recomputed(connection);
        // Ties on the earliest message.received may name either customer; the rest is exact.
        const withoutTiedCustomers = (facts: Fact[]) => facts.map((f) => ({ ...f, customer: tiedStart(events, f) ? null : f.customer }));
        expect(withoutTiedCustomers(await merged(connection))).toEqual(withoutTiedCustomers(expected));
      },
    ), { numRuns: 60 });
  });

  it('recomputes the facts of conversations whose events are erased or expire', async () => {
    // Erasure takes customer pseudonyms: 64 hex characters.
    const [alice, bob] = ['a'.repeat(64), 'b'.repeat(64)];
    await commitEvents(connection, [
      received('c1', 5, alice), received('c1', 7, bob), { ...sent('c1', 9, 'agent'), customer: alice }, received('c2', 60 * 24 * 3, bob),
    ]);
    await eraseCustomers(connection, [{ business: 'acme', customers: [alice] }]);
    expect(await merged(connection)).toEqual([
      { conversation: 'c1', first: 7, start: 7, customer: bob, reply: null, last: 7 },
      { conversation: 'c2', first: 60 * 24 * 3, start: 60 * 24 * 3, customer: bob, reply: null, last: 60 * 24 * 3 },
    ]);

    await purgeExpired(connection, (T0 + 60 * 24 * MINUTE) / 1000, Date.now());
    expect(await merged(connection)).toEqual([{ conversation: 'c2', first: 60 * 24 * 3, start: 60 * 24 * 3, customer: bob, reply: null, last: 60 * 24 * 3 }]);
    expect(await merged(connection)).toEqual(await recomputed(connection));
  });
});

/** Whether two message.received events share a conversation's earliest start. */
function tiedStart(events: readonly EventRow[], fact: Fact): boolean {
  if (fact.start === null) return false;
  const at = T0 + fact.start * MINUTE;
  return events.filter((e) => e.conversation === fact.conversation && e.type === 'message.received' && e.occurredAtMicros === at).length > 1;
}
