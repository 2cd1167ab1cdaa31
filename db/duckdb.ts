import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

/**
 * DuckDB's memory_limit unless told otherwise (DUCKDB_MEMORY_LIMIT for the server): the largest
 * that keeps the server's peak near 1.5 GiB at 50M events. Peaks at 54M events (npm run bench,
 * 2026-12-06): 1GB 1.82 GiB, 768MB 1.68, 640MB 1.59, 512MB 1.39, and 1.27-1.62 over five runs
 * with the smaller duplicate index (the peak, while reports run beside ingest, varies). The
 * price: fewer of the reports' columns stay cached, so their warm p50 is 13-27% slower than at
 * 1GB at 11M events and up to 9% at 52M. A machine with memory to spare can raise it.
 */
export const DEFAULT_MEMORY_LIMIT = '512MB';

export interface OpenOptions {
  threads?: number;
  memoryLimit?: string;
}

/**
 * Whether DuckDB has invalidated the database: a FATAL error (seen once at ~46M events, inside
 * an automatic checkpoint: "Corrupted in-memory column ... misaligned count", DuckDB 1.5.6), after
 * which every statement fails with "database has been invalidated" until the process reopens it.
 * Reopening replays the write-ahead log, which holds every acknowledged commit.
 */
export function isDatabaseInvalidated(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /FATAL Error|database has been invalidated/i.test(message);
}

/** Raised when another process holds the database file: DuckDB allows one process per file. */
export class DatabaseLockedError extends Error {
  constructor(
    readonly path: string,
    readonly holder: string,
  ) {
    super(
      `The database file ${path} is already open in another process (${holder}). ` +
        'Only one server may own it: stop that process, or set DATABASE_PATH to another file.',
    );
    this.name = 'DatabaseLockedError';
  }
}

const LOCK_HOLDER = /Conflicting lock is held in (.+?)(?:\.\s|\.$|$| See also)/s;

/**
 * The database holds pseudonyms and sealed secrets: its files are the owner's alone. DuckDB
 * creates the file, its WAL (again after every checkpoint) and its temporary files itself, with
 * the process's umask, so the umask is narrowed to 077 for the whole process before the first
 * open; files an earlier version left readable to others are narrowed to 0600.
 */
function keepFilesPrivate(path: string): void {
  // A worker thread may not change the umask; the main thread that opened the database already did.
  if (isMainThread) process.umask(0o077);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  for (const file of [path, `${path}.wal`]) if (existsSync(file)) chmodSync(file, 0o600);
}

export async function openDatabase(path: string, options: OpenOptions = {}): Promise<DuckDBInstance> {
  if (path !== ':memory:') keepFilesPrivate(path);
  try {
    const instance = await DuckDBInstance.create(path, {
      threads: String(options.threads ?? 2),
      memory_limit: options.memoryLimit ?? DEFAULT_MEMORY_LIMIT,
      // Offline machine: never try to download an extension; parquet/json/icu are built in.
      autoinstall_known_extensions: 'false',
      // DuckDB checkpoints inside the commit that takes the WAL past this size, and commits wait
      // for it. At the default 16 MB, ingest at 5k events/s (10M events stored) checkpointed
      // every ~8 s for 1-4 s each: batch acknowledgement p95 1.7 s, and reports slowed by a
      // third. At 128 MB: one every ~60 s, ack p95 0.16 s, the same peak RSS; a crash leaves at
      // most this much WAL to replay at start (~4 s).
      checkpoint_threshold: '128MB',
    });
    // Timestamps are UTC everywhere, whatever the machine's zone.
    const connection = await instance.connect();
    await connection.run("SET GLOBAL TimeZone = 'UTC'");
    connection.closeSync();
    return instance;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const holder = LOCK_HOLDER.exec(message);
    if (holder?.[1]) throw new DatabaseLockedError(path, holder[1].trim());
    throw error;
  }
}

/** Rows of a query as JSON-safe objects (BIGINT becomes a string or number, never a BigInt). */
export async function queryRows<T = Record<string, unknown>>(
  connection: DuckDBConnection,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const reader = await connection.runAndReadAll(sql, params as never);
  return reader.getRowObjectsJson() as T[];
}

/** A value as JSON would carry it: BIGINT as a number (counts stay far below 2^53), DuckDB values as text. */
function plainValue(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value !== null && typeof value === 'object') return String(value);
  return value;
}

/**
 * Rows for reports, which can be hundreds of thousands (one per conversation): read as JS values
 * and converted per cell, 5-10x faster than getRowObjectsJson on such results. Numbers, text and
 * booleans come back as themselves; BIGINT as a number; any other DuckDB value as its text.
 */
export async function queryPlainRows<T = Record<string, unknown>>(
  connection: DuckDBConnection,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const reader = await connection.runAndReadAll(sql, params as never);
  const names = reader.columnNames();
  const columns = reader.getColumnsJS();
  const rows: Record<string, unknown>[] = new Array(reader.currentRowCount);
  for (let r = 0; r < rows.length; r += 1) {
    const row: Record<string, unknown> = {};
    for (let c = 0; c < names.length; c += 1) row[names[c]!] = plainValue(columns[c]![r]);
    rows[r] = row;
  }
  return rows as T[];
}
