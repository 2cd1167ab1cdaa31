import { beforeEach, describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { derivedRowsDiffering } from './derivedCheck';
import { commitEvents, compactFacts, type EventRow } from './eventStore';
import { useMigratedMemoryDatabase } from './testing/migratedMemoryDatabase';

const T0 = Date.UTC(2026, 10, 2, 9, 0) * 1000;
let id = 0;
function event(type: string, minute: number, extra: Partial<EventRow> = {}): EventRow {
  id += 1;
  return {
    business: 'acme', eventId: `e${id}`, type, channel: 'whatsapp', customer: 'alice', customerRegion: 'DE', conversation: 'c1',
    message: `m${id}`, occurredAtMicros: T0 + minute * 60_000_000, receivedAtMicros: T0, sender: 'agent', category: 'utility',
    template: null, processedIn: 'DE', errorCode: null, pricing: null, source: null, ...extra,
  };
}

const NONE = { conversation_facts: 0, message_facts: 0, customer_days: 0, conversation_days: 0 };

describe('derivedRowsDiffering', () => {
  const db = useMigratedMemoryDatabase();
  let connection: DuckDBConnection;
  beforeEach(async () => {
    connection = db();
    id = 0;
    await commitEvents(connection, [event('message.sent', 5), event('message.received', 1, { sender: null, message: null })]);
    await compactFacts(connection);
    await commitEvents(connection, [event('message.read', 9, { message: 'm1' }), event('customer.blocked', 10, { conversation: null, message: null })]);
  });

  it('finds nothing when the facts, their parts and the days came from the events', async () => {
    expect(await derivedRowsDiffering(connection)).toEqual(NONE);
  });

  it('counts a lost part, a changed fact and a changed day', async () => {
    await connection.run('DELETE FROM message_fact_parts');
    await connection.run('UPDATE conversation_facts SET replied_at = NULL');
    await connection.run('UPDATE customer_days SET kinds = 0');
    const differing = await derivedRowsDiffering(connection);
    expect(differing.message_facts).toBe(2); // m1 without its read status, on both sides of the comparison
    expect(differing.conversation_facts).toBe(2);
    expect(differing.customer_days).toBeGreaterThan(0);
    expect(differing.conversation_days).toBe(0);
  });
});
