import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { BLOCK_DAYS, clusterNextBlock, settledThroughDay, type ClusteredBlock } from './clustering';
import { commitEvents, compactFacts, type EventRow } from './eventStore';
import { useMigratedMemoryDatabase } from './testing/migratedMemoryDatabase';

const DAY_MS = 86_400_000;
// 2026-08-13, the first day of a block (days since 1970-01-01 divisible by BLOCK_DAYS).
const DAY0 = 20678;
const BUSINESSES = ['cafe', 'atlas', 'bank'];

let id = 0;
// Pseudonyms as the writer stores them: 64 hex characters (the facts key on the first 32).
const hex = (text: string) => createHash('sha256').update(text).digest('hex');

/** One business's exchange on a day: a customer writes, an agent answers a minute later, it is delivered. */
function exchange(business: string, day: number, hour: number): EventRow[] {
  const at = (day * DAY_MS + hour * 3_600_000) * 1000;
  const base = {
    business, channel: 'whatsapp', customer: hex(`${business}-customer-${day}`), customerRegion: 'DE',
    conversation: hex(`${business}-conversation-${day}-${hour}`), processedIn: 'DE', errorCode: null, pricing: null, source: null, category: null, template: null,
  };
  const message = hex(`${business}-reply-${day}-${hour}`);
  const row = (type: string, micros: number, extra: Partial<EventRow>): EventRow => {
    id += 1;
    return { ...base, eventId: hex(`event-${id}`), type, message: null, sender: null, occurredAtMicros: micros, receivedAtMicros: micros, ...extra };
  };
  return [
    row('message.received', at, {}),
    row('message.sent', at + 60_000_000, { message, sender: 'agent' }),
    row('message.delivered', at + 90_000_000, { message }),
  ];
}

/** Every business's exchanges of a day, interleaved as they would arrive. */
const dayOfExchanges = (day: number, hour = 9) => BUSINESSES.flatMap((b) => exchange(b, day, hour));

async function texts(connection: DuckDBConnection, sql: string): Promise<string[]> {
  const reader = await connection.runAndReadAll(sql);
  return reader.getRowsJS().map((row) => row.map(String).join(' '));
}

const TABLES = [
  { table: 'conversation_facts', time: 'first_at', day: 'CAST(epoch_us(first_at) // 86400000000 AS INTEGER)' },
  { table: 'message_facts', time: 'sent_at', day: 'CAST(epoch_us(sent_at) // 86400000000 AS INTEGER)' },
  { table: 'customer_days', time: 'day', day: 'day' },
  { table: 'conversation_days', time: 'day', day: 'day' },
];

/** Every row of the four tables, as text, in no particular order. */
async function allRows(connection: DuckDBConnection): Promise<string[]> {
  const rows = await Promise.all(TABLES.map(async ({ table }) => (await texts(connection, `SELECT '${table}', * FROM ${table}`)).sort()));
  return rows.flat();
}

/** The businesses of a table's rows of days [from, to], in the order they are stored. */
const storedBusinesses = (connection: DuckDBConnection, t: (typeof TABLES)[number], from: number, to: number) =>
  texts(connection, `SELECT business FROM ${t.table} WHERE ${t.day} BETWEEN ${from} AND ${to} ORDER BY rowid`);

async function clusterAll(connection: DuckDBConnection, settledThrough: number): Promise<ClusteredBlock[]> {
  const blocks: ClusteredBlock[] = [];
  for (let block = await clusterNextBlock(connection, settledThrough); block; block = await clusterNextBlock(connection, settledThrough)) {
    blocks.push(block);
  }
  return blocks;
}

const sortedCopy = (values: string[]) => [...values].sort();

describe('clustering the report tables by business', () => {
  const db = useMigratedMemoryDatabase();
  let connection: DuckDBConnection;
  beforeEach(async () => {
    connection = db();
    // One batch per exchange: the order of a batch's derived rows is the engine's (a GROUP BY),
    // the order of batches is arrival order.
    for (let day = DAY0; day < DAY0 + 20; day++) for (const business of BUSINESSES) await commitEvents(connection, exchange(business, day, 9));
    await compactFacts(connection);
  });

  it('stores the settled days of each table ordered by business, a block at a time, keeping every row', async () => {
    const before = await allRows(connection);
    const arrival = await storedBusinesses(connection, TABLES[2]!, DAY0, DAY0 + 1);
    expect(arrival).toEqual(['cafe', 'atlas', 'bank', 'cafe', 'atlas', 'bank']);

    const settled = DAY0 + 17;
    const blocks = await clusterAll(connection, settled);

    // Two blocks per table: days 0-13, then 14-17 (the rest is not settled).
    expect(blocks.map((b) => [b.table, b.fromDay - DAY0, b.toDay - DAY0])).toEqual(TABLES.flatMap(({ table }) => [
      [table, 0, BLOCK_DAYS - 1], [table, BLOCK_DAYS, 17],
    ]));
    expect(blocks.find((b) => b.table === 'conversation_facts')?.rows).toBe(BLOCK_DAYS * BUSINESSES.length);
    expect(await allRows(connection)).toEqual(before);
    for (const t of TABLES) {
      const stored = await storedBusinesses(connection, t, DAY0, DAY0 + BLOCK_DAYS - 1);
      expect(stored, t.table).toEqual(sortedCopy(stored));
      expect(stored.slice(0, BLOCK_DAYS), t.table).toEqual(Array(BLOCK_DAYS).fill('atlas'));
    }
    // Days not yet settled keep the order they were appended in (the facts' is the compaction's).
    for (const t of TABLES.slice(2)) {
      expect(await storedBusinesses(connection, t, DAY0 + 18, DAY0 + 19), t.table).toEqual([...BUSINESSES, ...BUSINESSES]);
    }
    expect(await clusterNextBlock(connection, settled)).toBeUndefined();
  });

  it('rewrites a block whole as more of its days settle, taking in rows that arrived late for it', async () => {
    await clusterAll(connection, DAY0 + 15);
    await commitEvents(connection, [...exchange('cafe', DAY0 + 14, 18), ...exchange('atlas', DAY0 + 15, 20), ...dayOfExchanges(DAY0 + 16, 8)]);
    await compactFacts(connection);
    const before = await allRows(connection);

    const blocks = await clusterAll(connection, DAY0 + 16);

    expect(blocks.map((b) => [b.table, b.fromDay - DAY0, b.toDay - DAY0])).toEqual(TABLES.map(({ table }) => [table, BLOCK_DAYS, 16]));
    expect(await allRows(connection)).toEqual(before);
    for (const t of TABLES) {
      const stored = await storedBusinesses(connection, t, DAY0 + BLOCK_DAYS, DAY0 + 16);
      expect(stored, t.table).toEqual(sortedCopy(stored));
    }
    const conversations = await storedBusinesses(connection, TABLES[0]!, DAY0 + BLOCK_DAYS, DAY0 + 16);
    // Days 14-16: one conversation a day each, the late two, and day 16's second round.
    expect(conversations).toEqual([...Array(5).fill('atlas'), ...Array(4).fill('bank'), ...Array(5).fill('cafe')]);
  });

  it('leaves a late row for a finished block where it was appended, still stored', async () => {
    await clusterAll(connection, DAY0 + 17);
    await commitEvents(connection, exchange('atlas', DAY0 + 3, 22));
    await compactFacts(connection);
    const before = await allRows(connection);

    expect(await clusterAll(connection, DAY0 + 17)).toEqual([]);

    expect(await allRows(connection)).toEqual(before);
    const stored = await storedBusinesses(connection, TABLES[2]!, DAY0, DAY0 + BLOCK_DAYS - 1);
    expect(stored.at(-1)).toBe('atlas');
    expect(stored).not.toEqual(sortedCopy(stored));
  });

  it('settles a day once the day after it has ended', () => {
    const lastMsOfDay = (day: number) => (day + 1) * DAY_MS - 1;
    expect(settledThroughDay(lastMsOfDay(DAY0 + 1))).toBe(DAY0 - 1);
    expect(settledThroughDay(lastMsOfDay(DAY0 + 1) + 1)).toBe(DAY0);
  });
});
