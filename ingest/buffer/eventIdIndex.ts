/**
 * The idempotency index: a 32-bit fingerprint of every stored event pseudonym in open-addressing
 * hash tables (4 bytes a slot, at most 0.8 full: 5-6 bytes an event, so 50 million events fit in
 * under 0.3 GB instead of several GB of strings).
 *
 * A slot stores the pseudonym's first 32 bits; its home slot comes from the next 32. So a lookup
 * compares only against the ~13 slots of its probe run (at 0.8 full), and a new event is taken
 * for a stored one with probability ~13 / 2^32 per table (3e-9), whatever the number of events.
 * The price is that a table cannot be rehomed (the home bits are not stored), so it never grows:
 * when the newest table is full, a new one for a quarter of the ids in all before it is added,
 * and lookups probe each (a handful after years of ingest; a restart rebuilds one table from the
 * database). No growth copies anything: the 6-byte tables of before held the old and the new
 * table at once. A quarter, not a half: at 54M events a half allocated 140 MiB at the first
 * growth, for ids that a long run may never bring.
 *
 * A miss proves an event is new. A hit only says "maybe stored": the writer confirms hits
 * against the database, so a collision can never drop an event.
 */
/** The 8 hex digits at `at` as an unsigned 32-bit number: Number.parseInt(slice, 16) >>> 0 without the slice. */
function hexWord(text: string, at: number): number {
  let value = 0;
  for (let i = at; i < at + 8; i++) {
    const c = text.charCodeAt(i);
    const digit = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
    if (digit < 0) return Number.parseInt(text.slice(at, at + 8), 16) >>> 0; // not our own hex: as before
    value = value * 16 + digit;
  }
  return value >>> 0;
}

const MAX_LOAD = 0.8;
/** A new table holds this share of the ids stored in all tables before it. */
const NEXT_TABLE_SHARE = 0.25;
const MIN_CAPACITY = 1 << 16;

/** One fixed-size table: fingerprints by home slot; 0 marks an empty slot. */
class FingerprintTable {
  readonly slots: Uint32Array;
  size = 0;

  constructor(readonly capacity: number) {
    this.slots = new Uint32Array(capacity);
  }

  get full(): boolean {
    return this.size + 1 > this.capacity * MAX_LOAD;
  }

  has(fingerprint: number, homeBits: number): boolean {
    return this.slots[this.#slotOf(fingerprint, homeBits)] !== 0;
  }

  /** Stores the fingerprint unless it already sits in its probe run. */
  insert(fingerprint: number, homeBits: number): void {
    const i = this.#slotOf(fingerprint, homeBits);
    if (this.slots[i] !== 0) return;
    this.slots[i] = fingerprint;
    this.size += 1;
  }

  /** The slot holding the fingerprint in its probe run, or the empty slot that ends the run. */
  #slotOf(fingerprint: number, homeBits: number): number {
    const { slots, capacity } = this;
    for (let i = homeBits % capacity; ; i = i + 1 === capacity ? 0 : i + 1) {
      const slot = slots[i]!;
      if (slot === fingerprint || slot === 0) return i;
    }
  }
}

export class EventIdIndex {
  readonly #tables: FingerprintTable[];

  constructor(initialCapacity = MIN_CAPACITY) {
    this.#tables = [new FingerprintTable(Math.max(16, Math.ceil(initialCapacity)))];
  }

  /** Room for `events` ids plus `headroom` (a fraction) more before a second table is added. */
  static forCount(events: number, headroom = 0.05): EventIdIndex {
    return new EventIdIndex(Math.max(MIN_CAPACITY, (events * (1 + headroom)) / MAX_LOAD));
  }

  /** Fingerprints held (an id added twice, or sharing a fingerprint in its run, counts once). */
  get size(): number {
    return this.#tables.reduce((sum, table) => sum + table.size, 0);
  }

  /** Slots allocated over all tables (4 bytes each). */
  get capacity(): number {
    return this.#tables.reduce((sum, table) => sum + table.capacity, 0);
  }

  get tables(): number {
    return this.#tables.length;
  }

  /** The first two 32-bit words of a pseudonym. */
  static halves(eventId: string): [number, number] {
    return [hexWord(eventId, 0), hexWord(eventId, 8)];
  }

  mightContain(eventId: string): boolean {
    const [first, second] = EventIdIndex.halves(eventId);
    const fingerprint = fingerprintOf(first);
    for (const table of this.#tables) if (table.has(fingerprint, second)) return true;
    return false;
  }

  add(eventId: string): void {
    const [first, second] = EventIdIndex.halves(eventId);
    this.addHalves(first, second);
  }

  /** Adds the pseudonym whose first two 32-bit words are first and second. */
  addHalves(first: number, second: number): void {
    let newest = this.#tables[this.#tables.length - 1]!;
    if (newest.full) {
      newest = new FingerprintTable(Math.max(MIN_CAPACITY, Math.ceil((this.size * NEXT_TABLE_SHARE) / MAX_LOAD)));
      this.#tables.push(newest);
    }
    newest.insert(fingerprintOf(first), second);
  }
}

/** The stored form of the first 32 bits: 0, the empty mark, is folded onto 1. */
function fingerprintOf(first: number): number {
  return first === 0 ? 1 : first;
}
