/**
 * The idempotency index: the first 48 bits of every stored event pseudonym, in an
 * open-addressing hash table of a 32-bit and a 16-bit array (6 bytes a slot, at most 0.8 full:
 * 7.5-8.3 bytes an event, so 50 million events fit in about 0.4 GB instead of several GB of
 * strings). A slot's home is its own first 32 bits, so a growth can rehome what it stores.
 *
 * The capacity is any number of slots, not a power of two, and grows by half: doubling took a
 * 47M-event table from 0.5 to 1 GiB at once, and held both while it copied. `forCount` sizes
 * it for the stored events at start, so the rebuild itself never grows it.
 *
 * A miss proves an event is new. A hit only says "maybe stored": the writer confirms hits
 * against the database, so a collision can never drop an event. A new event collides with one
 * of n stored ones with probability n / 2^48 (2e-7 at 50M events): a database check that rare
 * costs nothing, while the 16 bits fewer than a 64-bit prefix save 140 MiB at 50M events.
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
const GROWTH = 1.5;

export class EventIdIndex {
  /** The first 32 bits of each stored prefix, and the 16 after them; (0, 0) is an empty slot. */
  #highs: Uint32Array;
  #lows: Uint16Array;
  #capacity: number;
  #size = 0;

  constructor(initialCapacity = 1 << 16) {
    this.#capacity = Math.max(16, Math.ceil(initialCapacity));
    this.#highs = new Uint32Array(this.#capacity);
    this.#lows = new Uint16Array(this.#capacity);
  }

  /** Room for `events` ids plus `headroom` (a fraction) more before the first growth. */
  static forCount(events: number, headroom = 0.1): EventIdIndex {
    return new EventIdIndex(Math.max(1 << 16, (events * (1 + headroom)) / MAX_LOAD));
  }

  get size(): number {
    return this.#size;
  }

  /** Slots allocated (6 bytes each). */
  get capacity(): number {
    return this.#capacity;
  }

  /** The first two 32-bit words of a pseudonym. */
  static halves(eventId: string): [number, number] {
    return [hexWord(eventId, 0), hexWord(eventId, 8)];
  }

  mightContain(eventId: string): boolean {
    const [high, low] = EventIdIndex.halves(eventId);
    const [h, l] = slotKey(high, low);
    return this.#find(h, l);
  }

  add(eventId: string): void {
    const [high, low] = EventIdIndex.halves(eventId);
    this.addHalves(high, low);
  }

  /** Adds the prefix whose first two 32-bit words are high and low. */
  addHalves(high: number, low: number): void {
    if (this.#size + 1 > this.#capacity * MAX_LOAD) this.#grow();
    const [h, l] = slotKey(high, low);
    if (insert(this.#highs, this.#lows, this.#capacity, h, l)) this.#size += 1;
  }

  #find(high: number, low: number): boolean {
    const highs = this.#highs;
    const lows = this.#lows;
    const capacity = this.#capacity;
    for (let i = high % capacity; ; i = i + 1 === capacity ? 0 : i + 1) {
      const h = highs[i]!;
      const l = lows[i]!;
      if (h === high && l === low) return true;
      if (h === 0 && l === 0) return false;
    }
  }

  #grow(): void {
    const capacity = Math.ceil(this.#capacity * GROWTH);
    const highs = new Uint32Array(capacity);
    const lows = new Uint16Array(capacity);
    for (let i = 0; i < this.#capacity; i++) {
      const h = this.#highs[i]!;
      const l = this.#lows[i]!;
      if (h !== 0 || l !== 0) insert(highs, lows, capacity, h, l);
    }
    this.#highs = highs;
    this.#lows = lows;
    this.#capacity = capacity;
  }
}

/** What a slot stores of a prefix: its first 32 bits and the next 16; (0, 0), the empty mark, folded onto (0, 1). */
function slotKey(high: number, low: number): [number, number] {
  const low16 = low >>> 16;
  return high === 0 && low16 === 0 ? [0, 1] : [high, low16];
}

function insert(highs: Uint32Array, lows: Uint16Array, capacity: number, high: number, low: number): boolean {
  for (let i = high % capacity; ; i = i + 1 === capacity ? 0 : i + 1) {
    const h = highs[i]!;
    const l = lows[i]!;
    if (h === 0 && l === 0) {
      highs[i] = high;
      lows[i] = low;
      return true;
    }
    if (h === high && l === low) return false;
  }
}
