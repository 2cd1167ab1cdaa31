import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { commitEvents, compactFacts, type EventRow } from './eventStore';
import { eraseCustomers } from './lifecycle';
import { factKey } from './factKey';
import { CURRENT_MESSAGE_FACTS, messageFactsFromEvents } from './messageFacts';
import { useMigratedMemoryDatabase } from './testing/migratedMemoryDatabase';

const MINUTE = 60_000_000;
const T0 = Date.UTC(2026, 10, 2, 9, 0) * 1000;
const [ALICE, BOB] = ['a'.repeat(64), 'b'.repeat(64)];

let id = 0;
function event(type: string, message: string | null, minute: number, extra: Partial<EventRow> = {}): EventRow {
  id += 1;
  return {
    business: 'acme', eventId: `e${id}`, type, channel: 'whatsapp', customer: ALICE, customerRegion: 'DE',
    conversation: 'c1', message, occurredAtMicros: T0 + minute * MINUTE, receivedAtMicros: T0, sender: null,
    category: null, template: null, processedIn: 'DE', errorCode: null, pricing: null, source: null, ...extra,
  };
}
const sent = (message: string | null, minute: number, extra: Partial<EventRow> = {}) =>
  event('message.sent', message, minute, { sender: 'agent', category: 'utility', template: 'boarding_pass', ...extra });

interface Fact {
  message: string; sent: number | null; customer: string | null; category: string | null; template: string | null; delivered: boolean; read: boolean;
  campaign: string | null;
}

const COLUMNS = `message, (epoch_us(sent_at) - ${T0}) // ${MINUTE} AS sent, customer, category, template, delivered, read, campaign`;
// Facts hold keys (db/factKey.ts): read them back as the identifiers the test used (event ids
// of sends without a message id are e1, e2, ...).
const NAMES = new Map(['m1', 'm2', 'm9', ALICE, BOB, ...Array.from({ length: 2000 }, (_, i) => `e${i + 1}`)].map((n) => [factKey(n).toString(), n]));
const nameOf = (key: unknown) => (key === null ? null : NAMES.get(String(key)) ?? `unknown key ${String(key)}`);

async function rows(connection: DuckDBConnection, sql: string): Promise<Fact[]> {
  const reader = await connection.runAndReadAll(sql);
  return reader.getRowObjectsJS().map((r) => ({
    message: nameOf(r.message)!, sent: r.sent === null ? null : Number(r.sent), customer: nameOf(r.customer),
    category: r.category as string | null, template: r.template as string | null, delivered: Boolean(r.delivered), read: Boolean(r.read),
    campaign: r.campaign as string | null,
  })).sort((a, b) => a.message.localeCompare(b.message));
}
/** As readers see them (facts and parts combined); then, after a compaction, as stored: the same, with no part left. */
async function merged(connection: DuckDBConnection): Promise<Fact[]> {
  const current = await rows(connection, `SELECT ${COLUMNS} FROM ${CURRENT_MESSAGE_FACTS} AS f ORDER BY message`);
  await compactFacts(connection);
  expect(await rows(connection, `SELECT ${COLUMNS} FROM message_facts ORDER BY message`)).toEqual(current);
  expect((await connection.runAndReadAll('SELECT count(*)::INTEGER FROM message_fact_parts')).getRows()[0]![0]).toBe(0);
  return current;
}
const recomputed = (connection: DuckDBConnection) => rows(connection, `SELECT ${COLUMNS}
FROM (${messageFactsFromEvents('events')}) AS f(business, message, sent_at, channel, customer, sender, category, template, delivered, read, status_category, pricing,
  failed_at, limited, campaign)
ORDER BY message`);

describe('message facts from write-time parts', () => {
  const db = useMigratedMemoryDatabase();
  let connection: DuckDBConnection;
  beforeEach(() => {
    connection = db();
  });

  it('completes a message whose read status was stored before it', async () => {
    await commitEvents(connection, [event('message.read', 'm1', 9)]);
    expect(await merged(connection)).toEqual([{ message: 'm1', sent: null, customer: null, category: null, template: null, delivered: true, read: true, campaign: null }]);
    await commitEvents(connection, [sent('m1', 2)]);
    expect(await merged(connection)).toEqual([{ message: 'm1', sent: 2, customer: ALICE, category: 'utility', template: 'boarding_pass', delivered: true, read: true, campaign: null }]);
  });

  it('keys a send without a platform id by its event id, which no status can match', async () => {
    const send = sent(null, 1, { template: null });
    await commitEvents(connection, [send, event('message.delivered', 'm9', 2), event('message.failed', 'm9', 3)]);
    expect(await merged(connection)).toEqual([
      { message: send.eventId, sent: 1, customer: ALICE, category: 'utility', template: null, delivered: false, read: false, campaign: null },
      { message: 'm9', sent: null, customer: null, category: null, template: null, delivered: true, read: false, campaign: null },
    ]);
  });

  it('equals a recomputation from all events for any arrival order and batching', async () => {
    const arbitraryEvent = fc.record({
      message: fc.constantFrom('m1', 'm2', null),
      kind: fc.constantFrom('message.sent', 'message.delivered', 'message.read', 'message.failed', 'message.received'),
      minute: fc.integer({ min: 0, max: 30 }),
      template: fc.constantFrom('boarding_pass', null),
      campaign: fc.constantFrom('spring_sale', 'Winter-2026.b', null),
      customer: fc.constantFrom(ALICE, BOB),
    });
    await fc.assert(fc.asyncProperty(
      fc.array(arbitraryEvent, { minLength: 1, maxLength: 20 }),
      fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 20, maxLength: 20 }),
      fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }),
      async (specs, batchSizes, compactAfter) => {
        await connection.run('DELETE FROM events; DELETE FROM message_facts; DELETE FROM message_fact_parts');
        const events = specs
          .filter((s) => s.message !== null || s.kind === 'message.sent' || s.kind === 'message.received')
          .map((s) => s.kind === 'message.sent'
            ? sent(s.message, s.minute, { template: s.template, campaign: s.campaign, customer: s.customer })
            : event(s.kind, s.message, s.minute));
        for (let start = 0, b = 0; start < events.length; b += 1) {
          await commitEvents(connection, events.slice(start, start + batchSizes[b]!));
          if (compactAfter[b]) await compactFacts(connection);
          start += batchSizes[b]!;
        }
        // Two sends of one message at the same instant may leave either's columns; the rest is exact.
        const untie = (facts: Fact[]) => facts.map((f) => (tiedSend(events, f) ? { ...f, customer: null, template: null, campaign: null } : f));
        expect(untie(await merged(connection))).toEqual(untie(await recomputed(connection)));
      },
    ), { numRuns: 60 });
  });

  it("takes the campaign of the message's earliest send, whichever arrives first", async () => {
    await commitEvents(connection, [sent('m1', 5, { campaign: 'autumn_resend' }), event('message.delivered', 'm1', 6)]);
    await compactFacts(connection);
    await commitEvents(connection, [sent('m1', 2, { campaign: 'Spring-Sale.2026-03-01' }), sent('m2', 3)]);
    const expected = [
      { message: 'm1', sent: 2, customer: ALICE, category: 'utility', template: 'boarding_pass', delivered: true, read: false, campaign: 'Spring-Sale.2026-03-01' },
      { message: 'm2', sent: 3, customer: ALICE, category: 'utility', template: 'boarding_pass', delivered: false, read: false, campaign: null },
    ];
    expect(await merged(connection)).toEqual(expected);
    await commitEvents(connection, [sent('m1', 9, { campaign: 'later_campaign' })]);
    expect(await merged(connection)).toEqual(expected);
    expect(await recomputed(connection)).toEqual(expected);
  });

  it("recomputes the facts of an erased person's messages", async () => {
    await commitEvents(connection, [sent('m1', 1), event('message.read', 'm1', 2), sent('m2', 3, { customer: BOB }), event('message.delivered', 'm2', 4, { customer: BOB })]);
    await eraseCustomers(connection, [{ business: 'acme', customers: [ALICE] }]);
    expect(await merged(connection)).toEqual([{ message: 'm2', sent: 3, customer: BOB, category: 'utility', template: 'boarding_pass', delivered: true, read: false, campaign: null }]);
  });
});

function tiedSend(events: readonly EventRow[], fact: Fact): boolean {
  if (fact.sent === null) return false;
  const at = T0 + fact.sent * MINUTE;
  return events.filter((e) => e.type === 'message.sent' && (e.message ?? e.eventId) === fact.message && e.occurredAtMicros === at).length > 1;
}
