import type { EventRow } from '../../db/eventStore';

/**
 * Rows as columns, for handing a batch from an intake thread to the main thread. A structured
 * clone of 500 row objects makes the receiving thread build every key and some 2,000 strings of
 * 64 characters (the pseudonyms) one by one; here every text of the batch is one string, read
 * as a single copy, and each field is a slice of it (V8 makes a slice of 13 or more characters
 * without copying). The offsets and the numbers are typed arrays, transferred, not copied.
 * decodeRows gives back rows equal to the encoded ones, with the same optional fields present.
 */
export interface RowColumns {
  count: number;
  /** Every text of every row, TEXT_FIELDS a row, one after another. */
  text: string;
  /** Where each text ends in `text`; -1 for a null (which takes no characters). */
  ends: Int32Array;
  /** NUMBER_FIELDS a row: occurred, received, error code (NaN for null). */
  numbers: Float64Array;
  /** The rows that name other identifiers (rare): [row index, aliases]. */
  aliases: [number, NonNullable<EventRow['aliases']>][];
}

const NUMBER_FIELDS = 3;
const TEXT_FIELDS = 17;

export function encodeRows(rows: readonly EventRow[]): RowColumns {
  const texts: (string | null)[] = new Array(rows.length * TEXT_FIELDS);
  const numbers = new Float64Array(rows.length * NUMBER_FIELDS);
  const aliases: RowColumns['aliases'] = [];
  let t = 0;
  let n = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    texts[t++] = row.business;
    texts[t++] = row.eventId;
    texts[t++] = row.type;
    texts[t++] = row.channel;
    texts[t++] = row.customer;
    texts[t++] = row.customerRegion;
    texts[t++] = row.conversation;
    texts[t++] = row.message;
    texts[t++] = row.sender;
    texts[t++] = row.category;
    texts[t++] = row.template;
    texts[t++] = row.processedIn;
    texts[t++] = row.pricing;
    texts[t++] = row.source;
    // undefined (absent) and null are told apart: "" never occurs (a campaign tag has 1 to 128 characters).
    texts[t++] = row.campaign === undefined ? '' : row.campaign;
    texts[t++] = row.customerKind ?? null;
    texts[t++] = row.previousEventId ?? null;
    numbers[n++] = row.occurredAtMicros;
    numbers[n++] = row.receivedAtMicros;
    numbers[n++] = row.errorCode ?? Number.NaN;
    if (row.aliases !== undefined) aliases.push([i, row.aliases]);
  }
  const ends = new Int32Array(texts.length);
  let end = 0;
  for (let k = 0; k < texts.length; k++) {
    const value = texts[k];
    if (value === null || value === undefined) ends[k] = -1;
    else ends[k] = end += value.length;
  }
  return { count: rows.length, text: texts.join(''), ends, numbers, aliases };
}

/** The texts of a batch back as strings (or null), slices of the one string. */
function splitTexts(text: string, ends: Int32Array): (string | null)[] {
  const texts: (string | null)[] = new Array(ends.length);
  let start = 0;
  for (let k = 0; k < ends.length; k++) {
    const end = ends[k]!;
    if (end < 0) texts[k] = null;
    else {
      texts[k] = text.slice(start, end);
      start = end;
    }
  }
  return texts;
}

export function decodeRows(columns: RowColumns): EventRow[] {
  const { numbers } = columns;
  const texts = splitTexts(columns.text, columns.ends);
  const rows: EventRow[] = new Array(columns.count);
  let t = 0;
  let n = 0;
  for (let i = 0; i < columns.count; i++) {
    const row: EventRow = {
      business: texts[t]!,
      eventId: texts[t + 1]!,
      type: texts[t + 2]!,
      channel: texts[t + 3]!,
      customer: texts[t + 4]!,
      customerRegion: texts[t + 5]!,
      conversation: texts[t + 6]!,
      message: texts[t + 7]!,
      occurredAtMicros: numbers[n]!,
      receivedAtMicros: numbers[n + 1]!,
      sender: texts[t + 8]!,
      category: texts[t + 9]!,
      template: texts[t + 10]!,
      processedIn: texts[t + 11]!,
      errorCode: Number.isNaN(numbers[n + 2]) ? null : numbers[n + 2]!,
      pricing: texts[t + 12]!,
      source: texts[t + 13]!,
    };
    const campaign = texts[t + 14];
    if (campaign !== '') row.campaign = campaign!;
    const kind = texts[t + 15];
    if (kind !== null) row.customerKind = kind as NonNullable<EventRow['customerKind']>;
    const previous = texts[t + 16];
    if (previous !== null) row.previousEventId = previous!;
    rows[i] = row;
    t += TEXT_FIELDS;
    n += NUMBER_FIELDS;
  }
  for (const [index, list] of columns.aliases) rows[index]!.aliases = list;
  return rows;
}
