/**
 * The idempotency index: the first 64 bits of every stored event pseudonym, in an
 * open-addressing hash table of 32-bit halves (8 bytes a slot, at most 0.8 full: 10-12 bytes an
 * event, so 50 million events fit in about 0.55 GB instead of several GB of strings).
 *
 * The capacity is any number of slots, not a power of two, and grows by half: doubling took a
 * 47M-event table from 0.5 to 1 GiB at once, and held both while it copied. `forCount` sizes
 * it for the stored events at start, so the rebuild itself never grows it.
 *
 * A miss proves an event is new. A hit only says "maybe stored": the writer confirms hits
 * against the database, so a 64-bit collision can never drop an event.
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
  #slots: Uint32Array;
  #capacity: number;
  #size = 0;

  constructor(initialCapacity = 1 << 16) {
    this.#capacity = Math.max(16, Math.ceil(initialCapacity));
    this.#slots = new Uint32Array(this.#capacity * 2);
  }

  /** Room for `events` ids plus `headroom` (a fraction) more before the first growth. */
  static forCount(events: number, headroom = 0.1): EventIdIndex {
    return new EventIdIndex(Math.max(1 << 16, (events * (1 + headroom)) / MAX_LOAD));
  }

  get size(): number {
    return this.#size;
  }

  /** Slots allocated (8 bytes each). */
  get capacity(): number {
    return this.#capacity;
  }

  static halves(eventId: string): [number, number] {
    const high = hexWord(eventId, 0);
    const low = hexWord(eventId, 8);
    // (0, 0) marks an empty slot; fold it onto (0, 1), which only costs a rare extra check.
    return high === 0 && low === 0 ? [0, 1] : [high, low];
  }

  mightContain(eventId: string): boolean {
    const [high, low] = EventIdIndex.halves(eventId);
    return this.#find(high, low) >= 0;
  }

  add(eventId: string): void {
    const [high, low] = EventIdIndex.halves(eventId);
    this.addHalves(high, low);
  }

  addHalves(high: number, low: number): void {
    if (high === 0 && low === 0) low = 1;
    if (this.#size + 1 > this.#capacity * MAX_LOAD) this.#grow();
    if (this.#insert(this.#slots, this.#capacity, high, low)) this.#size += 1;
  }

  #find(high: number, low: number): number {
    const slots = this.#slots;
    const capacity = this.#capacity;
    for (let i = low % capacity; ; i = i + 1 === capacity ? 0 : i + 1) {
      const h = slots[2 * i]!;
      const l = slots[2 * i + 1]!;
      if (h === 0 && l === 0) return -1;
      if (h === high && l === low) return i;
    }
  }

  #insert(slots: Uint32Array, capacity: number, high: number, low: number): boolean {
    for (let i = low % capacity; ; i = i + 1 === capacity ? 0 : i + 1) {
      const h = slots[2 * i]!;
      const l = slots[2 * i + 1]!;
      if (h === 0 && l === 0) {
        slots[2 * i] = high;
        slots[2 * i + 1] = low;
        return true;
      }
      if (h === high && l === low) return false;
    }
  }

  #grow(): void {
    const old = this.#slots;
    const capacity = Math.ceil(this.#capacity * GROWTH);
    const slots = new Uint32Array(capacity * 2);
    for (let i = 0; i < old.length; i += 2) {
      const h = old[i]!;
      const l = old[i + 1]!;
      if (h !== 0 || l !== 0) this.#insert(slots, capacity, h, l);
    }
    this.#slots = slots;
    this.#capacity = capacity;
  }
}
