import { createWriteStream, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openDatabase } from '../../../db/duckdb';
import type { EventRow } from '../../../db/eventStore';
import { appendEventRow } from '../../../db/stagedEvents';
import { migrate } from '../../../db/migrate';
import { ProgressBar } from '../../../ingest/demo/progress';

/**
 * DuckDB's own limits on this machine, for our event rows: how fast it
 * bulk-loads them into a fresh `events` table (created by our migrations, in a fresh file-backed
 * database opened with the server's settings), and how fast it scans the table in one pass.
 * Nothing of the product runs here: no validation, no pseudonyms, no idempotency.
 */

export interface LoadRate {
  rows: number;
  seconds: number;
  rowsPerSec: number;
  /** NDJSON bytes read per second (read_json only). */
  mibPerSec?: number;
}

export interface ScanRate {
  rows: number;
  runs: number;
  /** Median of the runs. */
  seconds: number;
  rowsPerSec: number;
  sql: string;
}

async function withFreshEventsTable<T>(path: string, fn: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
  rmSync(path, { force: true });
  rmSync(`${path}.wal`, { force: true });
  const instance = await openDatabase(path);
  const connection = await instance.connect();
  try {
    await migrate(connection);
    return await fn(connection);
  } finally {
    connection.closeSync();
    instance.closeSync();
    rmSync(path, { force: true });
    rmSync(`${path}.wal`, { force: true });
  }
}

/** Appender: `rows` rows (the sample, over and over) in one appender, then closed (committed). */
export async function appenderRate(path: string, sample: readonly EventRow[], rows: number): Promise<LoadRate> {
  return withFreshEventsTable(path, async (connection) => {
    const progress = new ProgressBar(rows, { label: 'rows through the Appender' });
    const started = performance.now();
    const appender = await connection.createAppender('events');
    for (let i = 0; i < rows; i++) {
      appendEventRow(appender, sample[i % sample.length]!);
      appender.endRow();
      if (i % 100_000 === 99_999) progress.update(i + 1);
    }
    appender.closeSync();
    const seconds = (performance.now() - started) / 1000;
    progress.update(rows);
    progress.finish();
    await checkCount(connection, rows);
    return { rows, seconds, rowsPerSec: rows / seconds };
  });
}

const COLUMNS: [column: string, type: string][] = [
  ['business', 'VARCHAR'], ['event_id', 'VARCHAR'], ['type', 'VARCHAR'], ['channel', 'VARCHAR'], ['customer', 'VARCHAR'],
  ['customer_region', 'VARCHAR'], ['conversation', 'VARCHAR'], ['message', 'VARCHAR'], ['occurred_at', 'TIMESTAMPTZ'],
  ['received_at', 'TIMESTAMPTZ'], ['sender', 'VARCHAR'], ['category', 'VARCHAR'], ['template', 'VARCHAR'],
  ['processed_in', 'VARCHAR'], ['error_code', 'INTEGER'],
];

/** RFC 3339 with all six digits of the microseconds. */
export function isoOfMicros(micros: number): string {
  const ms = Math.floor(micros / 1000);
  return `${new Date(ms).toISOString().slice(0, -1)}${String(micros - ms * 1000).padStart(3, '0')}Z`;
}

export function ndjsonLine(row: EventRow): string {
  return JSON.stringify({
    business: row.business, event_id: row.eventId, type: row.type, channel: row.channel, customer: row.customer,
    customer_region: row.customerRegion, conversation: row.conversation, message: row.message,
    occurred_at: isoOfMicros(row.occurredAtMicros), received_at: isoOfMicros(row.receivedAtMicros), sender: row.sender,
    category: row.category, template: row.template, processed_in: row.processedIn, error_code: row.errorCode,
  });
}

async function writeNdjson(path: string, sample: readonly EventRow[]): Promise<number> {
  const out = createWriteStream(path);
  for (let i = 0; i < sample.length; i += 10_000) {
    const chunk = sample.slice(i, i + 10_000).map(ndjsonLine).join('\n');
    if (!out.write(`${chunk}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return statSync(path).size;
}

/**
 * read_json over NDJSON with explicit columns: the sample written once to a file, read as many
 * times as it takes to reach about `rows` rows, in one INSERT ... SELECT.
 */
export async function readJsonRate(path: string, ndjsonPath: string, sample: readonly EventRow[], rows: number): Promise<LoadRate> {
  const fileBytes = await writeNdjson(ndjsonPath, sample);
  try {
    return await withFreshEventsTable(path, async (connection) => {
      const copies = Math.max(1, Math.round(rows / sample.length));
      const files = Array.from({ length: copies }, () => `'${ndjsonPath.replaceAll("'", "''")}'`).join(', ');
      const columns = COLUMNS.map(([name, type]) => `${name}: '${type}'`).join(', ');
      const names = COLUMNS.map(([name]) => name).join(', ');
      process.stderr.write(`read_json: ${copies} x ${sample.length} rows (${(fileBytes / 2 ** 20).toFixed(0)} MiB each) ...\n`);
      const started = performance.now();
      await connection.run(`INSERT INTO events (${names}) SELECT ${names} FROM read_json([${files}], format = 'newline_delimited', columns = {${columns}})`);
      const seconds = (performance.now() - started) / 1000;
      const loaded = copies * sample.length;
      await checkCount(connection, loaded);
      return { rows: loaded, seconds, rowsPerSec: loaded / seconds, mibPerSec: (copies * fileBytes) / 2 ** 20 / seconds };
    });
  } finally {
    rmSync(ndjsonPath, { force: true });
  }
}

async function checkCount(connection: DuckDBConnection, expected: number): Promise<void> {
  const reader = await connection.runAndReadAll('SELECT count(*)::DOUBLE FROM events');
  const count = Number(reader.getRowsJson()[0]?.[0]);
  if (count !== expected) throw new Error(`expected ${expected} rows loaded, found ${count}`);
}

/** A one-pass hash aggregate over every row, touching six columns. */
export const SCAN_SQL = `SELECT business, type, count(*) AS n, count(sender) AS with_sender, min(occurred_at) AS first_at,
  max(occurred_at) AS last_at, count(DISTINCT processed_in) AS locations, max(customer_region) AS region
FROM events GROUP BY business, type`;

export async function scanRate(connection: DuckDBConnection, runs = 5): Promise<ScanRate> {
  const reader = await connection.runAndReadAll('SELECT count(*)::DOUBLE FROM events');
  const rows = Number(reader.getRowsJson()[0]?.[0]);
  await connection.runAndReadAll(SCAN_SQL); // warm-up: the figure is the scan, not the first read from disk
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await connection.runAndReadAll(SCAN_SQL);
    times.push((performance.now() - started) / 1000);
  }
  times.sort((a, b) => a - b);
  const seconds = times[Math.floor(times.length / 2)]!;
  return { rows, runs, seconds, rowsPerSec: rows / seconds, sql: SCAN_SQL };
}
