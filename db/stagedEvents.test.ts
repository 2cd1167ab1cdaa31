import { beforeEach, describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { derivedRowsDiffering } from './derivedCheck';
import { commitEvents, type EventRow } from './eventStore';
import { STAGED } from './stagedEvents';
import { useMigratedMemoryDatabase } from './testing/migratedMemoryDatabase';

const T0 = Date.UTC(2026, 10, 2, 9, 0) * 1000;
let id = 0;
function event(extra: Partial<EventRow> = {}): EventRow {
  id += 1;
  return {
    business: 'acme', eventId: `e${id}`, type: 'message.sent', channel: 'whatsapp', customer: `u${id % 7}`, customerRegion: 'DE',
    conversation: `c${id % 5}`, message: `m${id}`, occurredAtMicros: T0 + id * 1_000_001, receivedAtMicros: T0 + 7, sender: 'agent',
    category: 'utility', template: null, processedIn: 'DE', errorCode: null, pricing: null, source: null, ...extra,
  };
}

/** A row as the events table gives it back, in the writer's terms. */
const COLUMNS = `business, event_id, type, channel, customer, customer_region, conversation, message,
  epoch_us(occurred_at)::DOUBLE AS occurred, epoch_us(received_at)::DOUBLE AS received, sender, category, template,
  processed_in, error_code, pricing, source, campaign`;
const asStored = (r: EventRow) => ({
  business: r.business, event_id: r.eventId, type: r.type, channel: r.channel, customer: r.customer, customer_region: r.customerRegion,
  conversation: r.conversation, message: r.message, occurred: r.occurredAtMicros, received: r.receivedAtMicros, sender: r.sender,
  category: r.category, template: r.template, processed_in: r.processedIn, error_code: r.errorCode, pricing: r.pricing,
  source: r.source, campaign: r.campaign ?? null,
});

async function count(connection: DuckDBConnection, table: string): Promise<number> {
  const reader = await connection.runAndReadAll(`SELECT count(*)::INTEGER FROM ${table}`);
  return Number(reader.getRows()[0]![0]);
}

const TABLES = ['events', 'conversation_fact_parts', 'message_fact_parts', 'customer_days', 'conversation_days'];

describe('handing a batch to DuckDB column by column', () => {
  const db = useMigratedMemoryDatabase();
  let connection: DuckDBConnection;
  beforeEach(() => {
    connection = db();
    id = 0;
  });

  // 500 rows go through the Appender, 5000 as data chunks of coded columns.
  it.each([500, 5000])('stores every value of %i rows as given, with nulls, odd texts and shared texts', async (size) => {
    const odd = ['', 'é✓ 🙂', "it's", 'a\u0000b', 'x\u001fy', 'line\nbreak'];
    const rows = Array.from({ length: size }, (_, i) => event({
      business: i % 3 === 0 ? 'acme' : 'globex',
      customerRegion: i % 2 === 0 ? 'DE' : 'BR',
      conversation: i % 11 === 0 ? null : `c${i % 5}`,
      message: i % 13 === 0 ? null : `m${i}`,
      sender: i % 4 === 0 ? null : 'agent',
      category: i % 5 === 0 ? null : 'marketing',
      template: odd[i % odd.length]!,
      errorCode: i % 9 === 0 ? 131049 : null,
      pricing: i % 2 === 0 ? 'regular' : null,
      source: i % 17 === 0 ? 'business_app' : null,
      ...(i % 3 === 0 ? {} : { campaign: i % 2 === 0 ? 'spring' : null }),
    }));
    await commitEvents(connection, rows);
    const reader = await connection.runAndReadAll(`SELECT ${COLUMNS} FROM events ORDER BY event_id`);
    const stored = reader.getRowObjectsJS();
    expect(stored).toEqual(rows.map(asStored).sort((a, b) => (a.event_id < b.event_id ? -1 : 1)));
    expect(await derivedRowsDiffering(connection)).toEqual({ conversation_facts: 0, message_facts: 0, customer_days: 0, conversation_days: 0 });
    expect(await count(connection, STAGED)).toBe(0);
  });

  it.each([3, 5000])('commits nothing of a batch of %i rows that fails, and the next batch commits whole', async (size) => {
    const good = [event(), event({ type: 'message.received', sender: null })];
    const more = Array.from({ length: size - 3 }, () => event());
    // A timestamp that is no instant fails the batch after its other rows were staged.
    await expect(commitEvents(connection, [...good, ...more, event({ occurredAtMicros: Number.NaN })])).rejects.toThrow();
    for (const table of [...TABLES, STAGED]) expect(await count(connection, table), table).toBe(0);

    await commitEvents(connection, good);
    expect(await count(connection, 'events')).toBe(2);
    expect(await count(connection, STAGED)).toBe(0);
    expect(await derivedRowsDiffering(connection)).toEqual({ conversation_facts: 0, message_facts: 0, customer_days: 0, conversation_days: 0 });
  });
});
