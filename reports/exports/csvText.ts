/** CSV text per RFC 4180: comma-separated, CRLF line ends, fields quoted when they need it. */

export type Cell = string | number | boolean | null | undefined;

// A spreadsheet runs a cell that starts with one of these as a formula ("CSV injection"). Only
// free text (names, processors) can start so; such text is prefixed with an apostrophe.
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvRecord = (cells: readonly Cell[]) => cells.map(csvCell).join(',');

export interface CsvTable {
  /** Leading `# name,value` records: what the file is (period, k, ...). */
  meta: [string, Cell][];
  header: string[];
  rows: Cell[][];
}

/**
 * The metadata block, an empty line, then the table. A UTF-8 byte order mark first, so that
 * spreadsheets read names with accents correctly.
 */
export function csvDocument(table: CsvTable): string {
  const lines = [
    ...table.meta.map(([name, value]) => csvRecord([`# ${name}`, value])),
    '',
    csvRecord(table.header),
    ...table.rows.map(csvRecord),
  ];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
