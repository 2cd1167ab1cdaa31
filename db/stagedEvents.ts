import {
  DOUBLE, DuckDBDataChunk, DuckDBListType, INTEGER, listValue, VARCHAR,
  type DuckDBAppender, type DuckDBConnection, type DuckDBType, type DuckDBValue,
} from '@duckdb/node-api';
import { appendRows, appendText, appendTimestamp } from './appenderValues';
import type { EventRow } from './eventStore';
import { preparedStatement, runPrepared } from './preparedStatements';

/**
 * Hands a commit's event rows to DuckDB, column by column, into STAGED: a temp table of the
 * connection with the events' columns, which the commit then copies into `events` and derives
 * the report tables from (db/eventStore.ts commitEvents).
 *
 * A row-by-row Appender makes one call into the native binding per value (18 a row). Here the
 * eleven columns with few distinct values (business, type, channel, ...) cross as integer codes
 * into a dictionary of the batch's texts, and the timestamps as numbers, each column of 2048
 * rows copied in one call (a data chunk); only the four identifiers (the event, customer,
 * conversation and message pseudonyms) still cross one value at a time. SQL then decodes the
 * codes. At 50,000 rows this took the staging's time on the JavaScript thread from 340-540 ms
 * (rows through an Appender) to 260-370 ms, for about the same CPU in all. Its fixed cost (a
 * second table, a decoding statement) made a batch of 500 take 10 ms instead of 5-6: a batch
 * smaller than one data chunk goes through the Appender, straight into STAGED.
 */

/** A column of the coded table: its name there, its type, and how a row gives its value. */
interface CodedColumn {
  name: string;
  kind: 'text' | 'code' | 'micros' | 'integer';
  value: (row: EventRow) => string | number | null;
}

// In the events' column order (db/schema.ts): STAGED is filled positionally from these.
const COLUMNS: readonly CodedColumn[] = [
  { name: 'business', kind: 'code', value: (r) => r.business },
  { name: 'event_id', kind: 'text', value: (r) => r.eventId },
  { name: 'type', kind: 'code', value: (r) => r.type },
  { name: 'channel', kind: 'code', value: (r) => r.channel },
  { name: 'customer', kind: 'text', value: (r) => r.customer },
  { name: 'customer_region', kind: 'code', value: (r) => r.customerRegion },
  { name: 'conversation', kind: 'text', value: (r) => r.conversation },
  { name: 'message', kind: 'text', value: (r) => r.message },
  { name: 'occurred_at', kind: 'micros', value: (r) => r.occurredAtMicros },
  { name: 'received_at', kind: 'micros', value: (r) => r.receivedAtMicros },
  { name: 'sender', kind: 'code', value: (r) => r.sender },
  { name: 'category', kind: 'code', value: (r) => r.category },
  { name: 'template', kind: 'code', value: (r) => r.template },
  { name: 'processed_in', kind: 'code', value: (r) => r.processedIn },
  { name: 'error_code', kind: 'integer', value: (r) => r.errorCode },
  { name: 'pricing', kind: 'code', value: (r) => r.pricing },
  { name: 'source', kind: 'code', value: (r) => r.source },
  { name: 'campaign', kind: 'code', value: (r) => r.campaign ?? null },
];

/** The staged batch: the events' columns, empty between commits. */
export const STAGED = 'temp.staged_events';
/** The batch as it crosses: the same columns, coded. */
const CODED = 'temp.coded_events';
const TYPES: Record<CodedColumn['kind'], DuckDBType> = { text: VARCHAR, code: INTEGER, micros: DOUBLE, integer: INTEGER };
const SQL_TYPES: Record<CodedColumn['kind'], string> = { text: 'VARCHAR', code: 'INTEGER', micros: 'DOUBLE', integer: 'INTEGER' };
const CHUNK_TYPES = COLUMNS.map((c) => TYPES[c.kind]);
/** DuckDB's vector size: the most rows a data chunk holds. */
const CHUNK_ROWS = 2048;
const DICTIONARY = new DuckDBListType(VARCHAR);

const decoded = (c: CodedColumn) => {
  if (c.kind === 'code') return `$1[${c.name}]`;
  // Microseconds as a double are exact up to 2^53 (the year 2255); no session time zone involved.
  if (c.kind === 'micros') return `make_timestamptz(${c.name}::BIGINT)`;
  return c.name;
};


/** Codes the batch's texts: 1 for the first distinct text, 2 for the next...; null stays null. */
class Dictionary {
  readonly texts: string[] = [];
  readonly #codes = new Map<string, number>();

  code(text: string | null): number | null {
    if (text === null) return null;
    let code = this.#codes.get(text);
    if (code === undefined) {
      code = this.texts.push(text);
      this.#codes.set(text, code);
    }
    return code;
  }
}

function chunkOf(rows: readonly EventRow[], from: number, to: number, dictionary: Dictionary): DuckDBDataChunk {
  const count = to - from;
  const columns: DuckDBValue[][] = COLUMNS.map(() => new Array<DuckDBValue>(count));
  // One pass over the rows, filling every column (plain loops: this runs for every event).
  for (let i = 0; i < count; i++) {
    const row = rows[from + i]!;
    for (let c = 0; c < COLUMNS.length; c++) {
      const column = COLUMNS[c]!;
      const value = column.value(row);
      columns[c]![i] = column.kind === 'code' ? dictionary.code(value as string | null) : value;
    }
  }
  const chunk = DuckDBDataChunk.create(CHUNK_TYPES, count);
  chunk.setColumns(columns);
  return chunk;
}

const DECODE_SQL = `INSERT INTO ${STAGED} SELECT ${COLUMNS.map(decoded).join(', ')} FROM ${CODED}`;

/** Connections whose staging tables exist (a temp table lives as long as its connection). */
const staging = new WeakSet<DuckDBConnection>();

/**
 * Creates the connection's staging tables, once: outside any transaction, as a rolled-back one
 * would take them with it.
 */
export async function createStagingTables(connection: DuckDBConnection): Promise<void> {
  if (staging.has(connection)) return;
  await connection.run(`CREATE TEMP TABLE IF NOT EXISTS staged_events AS SELECT * FROM events LIMIT 0`);
  await connection.run(`CREATE TEMP TABLE IF NOT EXISTS coded_events (${COLUMNS.map((c) => `${c.name} ${SQL_TYPES[c.kind]}`).join(', ')})`);
  staging.add(connection);
}

/**
 * Appends the rows to STAGED (createStagingTables first), inside the caller's transaction (a
 * rollback drops them with the rest): coded into CODED, decoded from there, CODED emptied; or,
 * fewer than a data chunk's worth, row by row. The caller empties STAGED
 * (clearStaged) before it commits.
 */
export async function stageEvents(connection: DuckDBConnection, rows: readonly EventRow[]): Promise<void> {
  if (rows.length < CHUNK_ROWS) {
    await appendRows(connection, 'staged_events', rows, appendEventRow, 'temp');
    return;
  }
  const dictionary = new Dictionary();
  const appender = await connection.createAppender('coded_events', 'main', 'temp');
  try {
    for (let from = 0; from < rows.length; from += CHUNK_ROWS) {
      appender.appendDataChunk(chunkOf(rows, from, Math.min(rows.length, from + CHUNK_ROWS), dictionary));
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  const decode = await preparedStatement(connection, DECODE_SQL);
  decode.bindList(1, listValue(dictionary.texts), DICTIONARY);
  await decode.run();
  await runPrepared(connection, `DELETE FROM ${CODED}`);
}

/**
 * Empties STAGED, inside the transaction that staged the rows: rows appended and deleted in one
 * transaction never leave its local storage, so the staging tables commit nothing.
 */
export const clearStaged = (connection: DuckDBConnection) => runPrepared(connection, `DELETE FROM ${STAGED}`);

// Column order of db/schema.ts `events`; the appender writes positionally (the caller ends the
// row). Also used by the benchmark's raw Appender limit, so it measures exactly these rows.
export function appendEventRow(appender: DuckDBAppender, row: EventRow): void {
  appender.appendVarchar(row.business);
  appender.appendVarchar(row.eventId);
  appender.appendVarchar(row.type);
  appender.appendVarchar(row.channel);
  appender.appendVarchar(row.customer);
  appender.appendVarchar(row.customerRegion);
  appendText(appender, row.conversation);
  appendText(appender, row.message);
  appendTimestamp(appender, row.occurredAtMicros);
  appendTimestamp(appender, row.receivedAtMicros);
  appendText(appender, row.sender);
  appendText(appender, row.category);
  appendText(appender, row.template);
  appender.appendVarchar(row.processedIn);
  if (row.errorCode === null) appender.appendNull();
  else appender.appendInteger(row.errorCode);
  appendText(appender, row.pricing);
  appendText(appender, row.source);
  appendText(appender, row.campaign ?? null);
}
