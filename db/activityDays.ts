import type { DuckDBConnection } from '@duckdb/node-api';
import { kindsSql } from './activityKinds';
import { factKeySql } from './factKey';
import { runPrepared } from './preparedStatements';

/**
 * customer_days and conversation_days (db/schema.ts): what each customer and each conversation
 * did on each UTC day, so that distinct counts over a period read a few rows per customer-day
 * with integer keys instead of every event with its 64-character pseudonyms.
 *
 * They are appended, never merged: each committed batch adds one row per (business, day, ...,
 * customer) it holds, and a reader combines the rows of a key with bit_or (db/activityKinds.ts).
 * A key may therefore have several rows (one per batch it appeared in); no count changes with
 * that, and writing costs an append instead of an index lookup per row.
 */

const DAY_US = 86_400_000_000;
/** UTC days since 1970-01-01 of a TIMESTAMPTZ, in SQL (no session time zone involved). */
export const daySql = (column: string) => `CAST(epoch_us(${column}) // ${DAY_US} AS INTEGER)`;

/**
 * Appends the activity days of `staged` (a table of the events' columns: the batch being
 * committed), one row per key of the batch, inside the caller's transaction (the one that appends
 * the events).
 */
export async function appendActivityDays(connection: DuckDBConnection, staged: string): Promise<void> {
  await runPrepared(connection, `INSERT INTO customer_days\n${customerDaysFromEvents(staged)}`);
  await runPrepared(connection, `INSERT INTO conversation_days\n${conversationDaysFromEvents(staged)}`);
}

/** The customer days of `source` (a table expression with the events' columns), one row per key. */
export function customerDaysFromEvents(source: string): string {
  return `SELECT business, ${daySql('occurred_at')} AS day, channel, processed_in, customer_region, ${factKeySql('customer')} AS customer,
       CAST(bit_or(${kindsSql()}) AS INTEGER) AS kinds
FROM ${source}
GROUP BY ALL`;
}

/** The conversation days of `source`, one row per key. */
export function conversationDaysFromEvents(source: string): string {
  return `SELECT business, ${daySql('occurred_at')} AS day, channel, ${factKeySql('conversation')} AS conversation,
       CAST(bit_or(${kindsSql()}) AS INTEGER) AS kinds
FROM ${source}
WHERE conversation IS NOT NULL
GROUP BY ALL`;
}

/**
 * Replaces the rows of `table` for the (business, day, `key`) listed in `affectedDays` by their
 * recomputation from the remaining events; keys with no event left get none.
 */
async function rebuildDays(
  connection: DuckDBConnection, table: string, key: 'customer' | 'conversation', fromEvents: (source: string) => string, affectedDays: string,
): Promise<void> {
  const affected = `affected_${table}`;
  await connection.run(`CREATE OR REPLACE TEMP TABLE ${affected} AS
SELECT DISTINCT business, day, ${key}, ${factKeySql(key)} AS fact_key FROM ${affectedDays} WHERE ${key} IS NOT NULL`);
  await connection.run(`DELETE FROM ${table} f USING ${affected} a WHERE f.business = a.business AND f.day = a.day AND f.${key} = a.fact_key`);
  await connection.run(`INSERT INTO ${table}
${fromEvents(`(SELECT e.* FROM events e SEMI JOIN ${affected} a
  ON e.business = a.business AND e.${key} = a.${key} AND ${daySql('e.occurred_at')} = a.day)`)}`);
  await connection.run(`DROP TABLE ${affected}`);
}

/**
 * After events were deleted (retention, erasure): recomputes from the remaining events the
 * activity days listed in `affectedDays` (a temp table of business, day, customer, conversation
 * of the deleted events), dropping those with no event left. Inside the caller's transaction.
 */
export async function rebuildActivityDays(connection: DuckDBConnection, affectedDays: string): Promise<void> {
  await rebuildDays(connection, 'customer_days', 'customer', customerDaysFromEvents, affectedDays);
  await rebuildDays(connection, 'conversation_days', 'conversation', conversationDaysFromEvents, affectedDays);
}
