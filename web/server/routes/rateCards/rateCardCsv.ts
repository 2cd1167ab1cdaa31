import { ApiError } from '../../http/apiError';

/** The one header a CSV rate card has (case and spaces ignored). */
export const CSV_HEADER = ['category', 'country', 'price'] as const;

export interface CsvRateCard {
  /** In RateCardPut's shape, to be validated by it. */
  card: { currency: unknown; effective_from: unknown; prices: { category: string; country: string; price: number }[] };
  /** The file's line number (1-based) of each price row, for error messages. */
  lineOfRow: number[];
}

// A plain decimal: digits, an optional fraction. Anything else (Infinity, 1e3, -0.1, 0,1) is NaN,
// which the price rule reports as not a finite number; a minus sign is kept so that it is
// reported as negative.
const DECIMAL = /^-?\d+(\.\d+)?$/;
const priceOf = (text: string) => (DECIMAL.test(text) ? Number(text) : Number.NaN);

// A field may be quoted ("DE"); prices and codes never contain commas or quotes.
const unquote = (field: string) => field.trim().replace(/^"(.*)"$/, '$1').trim();

const csvError = (line: number, message: string) =>
  new ApiError(400, 'validation_failed', 'invalid CSV rate card', [{ field: `line ${line}`, error: message }]);

/**
 * Reads a CSV rate card: the header `category,country,price`, then one price per line; blank
 * lines are skipped. currency and effective_from come from the query. Only the file's structure
 * is checked here; the values are checked by the JSON body's rules.
 */
export function parseRateCardCsv(text: string, query: { currency?: string; effective_from?: string }): CsvRateCard {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headerIndex = lines.findIndex((line) => line.trim() !== '');
  const header = headerIndex < 0 ? [] : lines[headerIndex]!.split(',').map((f) => unquote(f).toLowerCase());
  if (header.join(',') !== CSV_HEADER.join(',')) throw csvError(headerIndex + 1 || 1, `the first line must be the header ${CSV_HEADER.join(',')}`);
  const prices: CsvRateCard['card']['prices'] = [];
  const lineOfRow: number[] = [];
  for (let i = headerIndex + 1; i < lines.length; i++) {
    if (lines[i]!.trim() === '') continue;
    const fields = lines[i]!.split(',').map(unquote);
    if (fields.length !== CSV_HEADER.length) throw csvError(i + 1, `expected 3 fields (${CSV_HEADER.join(',')}), found ${fields.length}`);
    const [category, country, price] = fields as [string, string, string];
    prices.push({ category, country, price: priceOf(price) });
    lineOfRow.push(i + 1);
  }
  return { card: { currency: query.currency, effective_from: query.effective_from, prices }, lineOfRow };
}

/** A validation issue's field, with a price row named by its CSV line: `line 4.country`. */
export function csvField(path: readonly PropertyKey[], lineOfRow: readonly number[]): string {
  const [first, row, ...rest] = path;
  if (first === 'prices' && typeof row === 'number') return [`line ${lineOfRow[row]}`, ...rest.map(String)].join('.');
  return path.map(String).join('.') || 'request body';
}
