import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { conversationDaysFromEvents, customerDaysFromEvents } from './activityDays';
import { CATEGORY_BITS, SENDER_BITS, TYPE_BITS } from './activityKinds';
import { commitEvents, type EventRow } from './eventStore';
import { eraseCustomers, purgeExpired } from './lifecycle';
import { useMigratedMemoryDatabase } from './testing/migratedMemoryDatabase';

const HOUR = 3_600_000_000;
// 2026-11-02 20:00Z: events a few hours apart fall on different UTC days.
const T0 = Date.UTC(2026, 10, 2, 20, 0) * 1000;
const DAY0 = Date.UTC(2026, 10, 2) / 86_400_000;
const [ALICE, BOB] = ['a'.repeat(64), 'b'.repeat(64)];

let id = 0;
function event(extra: Partial<EventRow> = {}): EventRow {
  id += 1;
  return {
    business: 'acme', eventId: `e${id}`, type: 'message.received', channel: 'whatsapp', customer: ALICE, customerRegion: 'DE',
    conversation: 'c1', message: null, occurredAtMicros: T0, receivedAtMicros: T0, sender: null,
    category: null, template: null, processedIn: 'DE', errorCode: null, pricing: null, source: null, ...extra,
  };
}

async function rows(connection: DuckDBConnection, sql: string): Promise<string[]> {
  const reader = await connection.runAndReadAll(sql);
  return reader.getRowsJS().map((row) => row.map(String).join(' ')).sort();
}
// Appended rows, combined the way the reports combine them.
const customerDays = (c: DuckDBConnection) => rows(c, `SELECT business, day, channel, processed_in, customer_region, customer, bit_or(kinds) FROM customer_days GROUP BY ALL`);
const conversationDays = (c: DuckDBConnection) => rows(c, `SELECT business, day, channel, conversation, bit_or(kinds) FROM conversation_days GROUP BY ALL`);

describe('activity days appended at write time', () => {
  const db = useMigratedMemoryDatabase();
  let connection: DuckDBConnection;
  beforeEach(() => {
    connection = db();
  });

  it('records per customer and UTC day which kinds of event happened, with the send’s sender and category', async () => {
    await commitEvents(connection, [
      event({ type: 'message.sent', sender: 'bot', category: 'marketing', occurredAtMicros: T0 + 3 * HOUR }),
      event({ type: 'customer.blocked', conversation: null, occurredAtMicros: T0 + 5 * HOUR }),
      event({ occurredAtMicros: T0 }),
    ]);
    const kinds = await rows(connection, 'SELECT day, bit_or(kinds) FROM customer_days GROUP BY day');
    // 20:00Z on day 0, then 23:00Z and 01:00Z the next day.
    const sentAsMarketingByBot = TYPE_BITS.get('message.sent')! | SENDER_BITS.get('bot')! | CATEGORY_BITS.get('marketing')!;
    expect(kinds).toEqual([
      `${DAY0} ${TYPE_BITS.get('message.received')! | sentAsMarketingByBot}`,
      `${DAY0 + 1} ${TYPE_BITS.get('customer.blocked')!}`,
    ]);
    // The block has no conversation: only the conversation's messages make conversation days.
    expect(await rows(connection, 'SELECT day FROM conversation_days')).toEqual([`${DAY0}`]);
  });

  it('equal a recomputation from all events for any arrival order and batching', async () => {
    const arbitraryEvent = fc.record({
      type: fc.constantFrom(...TYPE_BITS.keys(), 'message.sent', 'message.sent'),
      sender: fc.constantFrom(null, ...SENDER_BITS.keys()),
      category: fc.constantFrom(null, ...CATEGORY_BITS.keys()),
      hour: fc.integer({ min: 0, max: 30 }),
      customer: fc.constantFrom(ALICE, BOB, 'not-a-pseudonym'),
      conversation: fc.constantFrom('c1', 'c2', null),
      channel: fc.constantFrom('whatsapp', 'messenger'),
      processedIn: fc.constantFrom('DE', 'US'),
    });
    await fc.assert(fc.asyncProperty(
      fc.array(arbitraryEvent, { minLength: 1, maxLength: 25 }),
      fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 25, maxLength: 25 }),
      async (specs, batchSizes) => {
        await connection.run('DELETE FROM events; DELETE FROM customer_days; DELETE FROM conversation_days');
        const events = specs.map((s) => event({ ...s, occurredAtMicros: T0 + s.hour * HOUR }));
        for (let start = 0, b = 0; start < events.length; b += 1) {
          await commitEvents(connection, events.slice(start, start + batchSizes[b]!));
          start += batchSizes[b]!;
        }
        expect(await customerDays(connection)).toEqual(await rows(connection, customerDaysFromEvents('events')));
        expect(await conversationDays(connection)).toEqual(await rows(connection, conversationDaysFromEvents('events')));
      },
    ), { numRuns: 60 });
  });

  it("drops an erased person's days and recomputes the days cut by retention", async () => {
    await commitEvents(connection, [
      event({ occurredAtMicros: T0 }),
      event({ type: 'message.sent', sender: 'agent', occurredAtMicros: T0 + 3 * HOUR }),
      event({ type: 'customer.muted', occurredAtMicros: T0 + 5 * HOUR }),
      event({ customer: BOB, conversation: 'c2', occurredAtMicros: T0 + 1 * HOUR }),
      event({ customer: BOB, conversation: 'c2', type: 'customer.reported', occurredAtMicros: T0 + 2 * HOUR }),
    ]);
    await eraseCustomers(connection, [{ business: 'acme', customers: [ALICE] }]);
    expect(await customerDays(connection)).toEqual(await rows(connection, customerDaysFromEvents('events')));
    expect(await customerDays(connection)).toHaveLength(1);
    expect(await conversationDays(connection)).toEqual(await rows(connection, conversationDaysFromEvents('events')));

    // Retention cuts day 0 after Bob's first message: the day keeps only the report.
    await purgeExpired(connection, (T0 + 1.5 * HOUR) / 1000, (T0 + 10 * HOUR) / 1000);
    expect(await customerDays(connection)).toEqual(await rows(connection, customerDaysFromEvents('events')));
    expect(await rows(connection, 'SELECT bit_or(kinds) FROM customer_days')).toEqual([`${TYPE_BITS.get('customer.reported')!}`]);
    expect(await conversationDays(connection)).toEqual(await rows(connection, conversationDaysFromEvents('events')));
  });
});
