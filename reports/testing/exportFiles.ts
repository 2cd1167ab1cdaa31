import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

/** Reading export files back in tests: CSV by RFC 4180, PDF through pdftotext, Parquet through DuckDB. */

export function parseCsvRecords(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  const endRecord = () => {
    record.push(cell);
    records.push(record);
    record = [];
    cell = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      record.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      endRecord();
      i++;
    } else cell += ch;
  }
  if (cell !== '' || record.length > 0) endRecord();
  return records;
}

export interface CsvExport {
  meta: Record<string, string>;
  header: string[];
  /** Each row as column -> cell text. */
  rows: Record<string, string>[];
}

export function parseCsvExport(text: string): CsvExport {
  if (!text.startsWith('\uFEFF')) throw new Error('no byte order mark');
  const records = parseCsvRecords(text.slice(1));
  const blank = records.findIndex((r) => r.length === 1 && r[0] === '');
  const meta = Object.fromEntries(records.slice(0, blank).map((r) => [r[0]!.replace(/^# /, ''), r[1] ?? '']));
  const header = records[blank + 1]!;
  const rows = records.slice(blank + 2).map((r) => {
    if (r.length !== header.length) throw new Error(`a row of ${r.length} cells under a header of ${header.length}`);
    return Object.fromEntries(header.map((h, i) => [h, r[i]!]));
  });
  return { meta, header, rows };
}

/** UTF-8 text of a file, its byte order mark kept. */
export const utf8 = (bytes: Uint8Array) => new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);

/**
 * Without any whitespace: pdftotext drops the space inside short words ("3 s" comes back as
 * "3s"), so PDF rows are compared as the run of their cells' text.
 */
export const squash = (text: string) => text.replace(/\s+/g, '');

/** A figure as the CSV writes it: empty for null. */
export const csvText = (value: unknown) => (value === null || value === undefined ? '' : String(value));

export function pdfText(bytes: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'mpa-pdf-'));
  try {
    const file = join(dir, 'export.pdf');
    writeFileSync(file, bytes);
    return execFileSync('/usr/bin/pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function readParquet(bytes: Uint8Array): Promise<{ rows: Record<string, unknown>[]; metadata: Record<string, string> }> {
  const dir = mkdtempSync(join(tmpdir(), 'mpa-parquet-read-'));
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const file = join(dir, 'export.parquet');
    writeFileSync(file, bytes);
    const rows = (await connection.runAndReadAll(`SELECT * FROM read_parquet('${file}')`)).getRowObjectsJson() as Record<string, unknown>[];
    const kv = (await connection.runAndReadAll(`SELECT decode(key) AS key, decode(value) AS value FROM parquet_kv_metadata('${file}')`)).getRowObjectsJson() as { key: string; value: string }[];
    return { rows, metadata: Object.fromEntries(kv.map((r) => [r.key, r.value])) };
  } finally {
    connection.closeSync();
    instance.closeSync();
    rmSync(dir, { recursive: true, force: true });
  }
}
