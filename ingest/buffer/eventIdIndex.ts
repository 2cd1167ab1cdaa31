/**
 * The idempotency index: the first 64 bits of every stored event pseudonym, in an
 * open-addressing hash table of 32-bit halves (8 bytes a slot; about 11 bytes an event at the
 * 0.7 load limit, so 50 million events fit in about 0.6 GB instead of several GB of strings).
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

export class EventIdIndex {
  #slots: Uint32Array;
  #mask: number;
  #size = 0;

  constructor(initialCapacity = 1 << 16) {
    let capacity = 1 << 4;
    while (capacity < initialCapacity) capacity <<= 1;
    this.#slots = new Uint32Array(capacity * 2);
    this.#mask = capacity - 1;
  }

  get size(): number {
    return this.#size;
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
    if ((this.#size + 1) / (this.#mask + 1) > 0.7) this.#grow();
    if (this.#insert(this.#slots, this.#mask, high, low)) this.#size += 1;
  }

  #find(high: number, low: number): number {
    const slots = this.#slots;
    for (let i = low & this.#mask; ; i = (i + 1) & this.#mask) {
      const h = slots[2 * i]!;
      const l = slots[2 * i + 1]!;
      if (h === 0 && l === 0) return -1;
      if (h === high && l === low) return i;
    }
  }

  #insert(slots: Uint32Array, mask: number, high: number, low: number): boolean {
    for (let i = low & mask; ; i = (i + 1) & mask) {
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
    const capacity = (this.#mask + 1) * 2;
    const slots = new Uint32Array(capacity * 2);
    const mask = capacity - 1;
    for (let i = 0; i < old.length; i += 2) {
      const h = old[i]!;
      const l = old[i + 1]!;
      if (h !== 0 || l !== 0) this.#insert(slots, mask, h, l);
    }
    this.#slots = slots;
    this.#mask = mask;
  }
}
