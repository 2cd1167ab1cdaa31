import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

/** Reading export files back in tests: CSV by RFC 4180, PDF through PDF.js, Parquet through DuckDB. */

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
 * Without any whitespace: how far apart two cells of a PDF row are printed is layout, not content
 * (and a text extractor may or may not keep the space inside short words such as "3 s"), so PDF
 * rows are compared as the run of their cells' text.
 */
export const squash = (text: string) => text.replace(/\s+/g, '');

/** A figure as the CSV writes it: empty for null. */
export const csvText = (value: unknown) => (value === null || value === undefined ? '' : String(value));

/** A run of text on a PDF page: its baseline's start (x, y), where it ends, its font size. */
interface PdfTextItem {
  text: string;
  x: number;
  y: number;
  end: number;
  size: number;
}

/**
 * Runs in a child Node process (PDF.js's API is asynchronous; pdfText is not): reads the PDF on
 * standard input with PDF.js's build for Node and prints, per page, its horizontal text items as
 * JSON. The 14 standard PDF fonts are not embedded in a file; PDF.js reads their data from its
 * own package.
 */
const PDF_ITEMS_SCRIPT = `
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
const pdfjs = createRequire(process.argv[1]).resolve('pdfjs-dist/legacy/build/pdf.mjs');
const { getDocument } = await import(pathToFileURL(pdfjs).href);
const standardFontDataUrl = join(dirname(pdfjs), '..', '..', 'standard_fonts') + '/';
const document = await getDocument({ data: new Uint8Array(readFileSync(0)), standardFontDataUrl, isEvalSupported: false, verbosity: 0 }).promise;
const pages = [];
for (let n = 1; n <= document.numPages; n++) {
  const page = await document.getPage(n);
  const { items } = await page.getTextContent();
  pages.push(items.filter((item) => 'str' in item && item.str.trim() !== '').map(({ str, transform: [, , c, d, x, y], width, height }) =>
    ({ text: str, x, y, end: x + width, size: Math.hypot(c, d) || height || 1 })));
  page.cleanup();
}
await document.destroy();
process.stdout.write(JSON.stringify(pages));
`;

/**
 * The text of a PDF through PDF.js (pdfjs-dist, an npm package: no system tool), laid out like
 * pdftotext -layout prints it, so what a reader sees on one line is one line of text: per page
 * the items on one baseline, left to right, a space where the PDF leaves a gap between two;
 * lines top to bottom; each page ended by a form feed. Some 0.5 s a call (a Node process).
 */
export function pdfText(bytes: Uint8Array): string {
  const json = execFileSync(process.execPath, ['--input-type=module', '-e', PDF_ITEMS_SCRIPT, import.meta.filename], {
    input: bytes, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024,
  });
  return (JSON.parse(json) as PdfTextItem[][]).map((items) => layoutLines(items).map((line) => `${line}\n`).join('') + '\f').join('');
}

function layoutLines(items: PdfTextItem[]): string[] {
  const lines: PdfTextItem[][] = [];
  for (const item of [...items].sort((a, b) => b.y - a.y || a.x - b.x)) {
    const line = lines.at(-1);
    // One baseline give or take a fraction of the font size, never as much as a line's height.
    if (line && Math.abs(line[0]!.y - item.y) < 0.4 * Math.min(line[0]!.size, item.size)) line.push(item);
    else lines.push([item]);
  }
  return lines.map((line) => {
    let text = '';
    let end = -Infinity;
    for (const item of line.sort((a, b) => a.x - b.x)) {
      if (text !== '' && item.x - end > 0.1 * item.size && !/\s$/.test(text)) text += ' ';
      text += item.text;
      end = Math.max(end, item.end);
    }
    return text.trimEnd();
  });
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
