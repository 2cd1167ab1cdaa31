/**
 * A filter of pseudonyms (our 64-hex-digit HMACs): which may have been seen, which certainly
 * were not. Two uses: the writer's idempotency index of every stored event id
 * (ingest/buffer/eventWriter.ts), and the person resolver's filter of identifiers with stored
 * link records (ingest/identity/personResolver.ts). Figures below are the event index's.
 *
 * A 24-bit fingerprint of each pseudonym in cuckoo-filter tables (3 bytes a slot, buckets of 4, at most 0.93 full: 3.2 bytes an event, so 50 million
 * events take ~170 MB instead of several GB of strings; the 32-bit linear-probing tables of
 * before took 5 bytes an event, 273 MB at 52M, a sixth of the server's peak memory).
 *
 * A fingerprint comes from the pseudonym's first 32 bits (folded to 24), its home bucket from
 * the next 32. It may sit in its home bucket or in one other, found from the fingerprint and
 * either bucket (so an entry can be moved to make room without knowing its home). A lookup compares only the 8
 * slots of those two buckets: a new event is taken for a stored one with probability
 * 8 / 2^24 per table (5e-7), whatever the number of events; each such false hit costs one
 * database check of the group, a full scan of the ids (about a second at 50M events), so
 * fewer fingerprint bits would cost more time than they save memory. Adding is slower than the
 * linear tables' (19 s for 52M ids against 7.6 s, on the background load's page callbacks: up
 * to two buckets, and displacements near the limit), looking up as fast.
 * A table cannot be rehomed (the home bits are not stored), so it never grows: when the newest
 * table is full, a new one for a quarter of the ids in all before it is added, and lookups probe
 * each (a handful after years of ingest; a restart rebuilds one table from the database). A
 * quarter, not a half: at 54M events a half would allocate about 90 MB at the first growth, for
 * ids that a long run may never bring.
 *
 * A miss proves a pseudonym was never added. A hit only says "maybe": the writer confirms hits
 * against the database, so a collision can never drop an event, and the resolver reads the
 * links of hits.
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

const SLOTS_PER_BUCKET = 4;
/** Cuckoo filters with buckets of 4 fill to about 0.95 before insertions start failing. */
const MAX_LOAD = 0.93;
/** Relocations tried for one insertion before its last displaced fingerprint goes to the stash. */
const MAX_KICKS = 500;
/** A new table holds this share of the ids stored in all tables before it. */
const NEXT_TABLE_SHARE = 0.25;
const MIN_CAPACITY = 1 << 16;
/** What #find returns for a bucket holding the fingerprint, and for a full bucket without it. */
const FOUND = -1;
const NONE = -2;

/**
 * One fixed-size cuckoo filter: 24-bit fingerprints, 3 bytes each, a bucket's 4 side by side (so
 * reading a bucket is one trip to memory, the cost that dominates at 50M ids); 0 marks an empty slot.
 */
class FingerprintTable {
  readonly #bytes: Uint8Array;
  readonly #buckets: number;
  /** Fingerprints that found no slot after MAX_KICKS moves (none expected below MAX_LOAD), with one of their two buckets. */
  readonly #stash: { fingerprint: number; bucket: number }[] = [];
  /** xorshift32 state: which slot of a full bucket to displace. */
  #random = 0x2545f491;
  size = 0;

  constructor(capacity: number) {
    this.#buckets = Math.max(2, Math.ceil(capacity / SLOTS_PER_BUCKET));
    this.#bytes = new Uint8Array(this.#buckets * SLOTS_PER_BUCKET * 3);
  }

  get capacity(): number {
    return this.#buckets * SLOTS_PER_BUCKET;
  }

  get full(): boolean {
    return this.size + 1 > this.capacity * MAX_LOAD;
  }

  has(fingerprint: number, homeBits: number): boolean {
    const home = homeBits % this.#buckets;
    if (this.#find(home, fingerprint) === FOUND) return true;
    const other = this.#otherBucket(home, fingerprint);
    if (this.#find(other, fingerprint) === FOUND) return true;
    if (this.#stash.length === 0) return false;
    return this.#stash.some((entry) => entry.fingerprint === fingerprint && (entry.bucket === home || entry.bucket === other));
  }

  /**
   * Stores the fingerprint unless one of its buckets is seen to hold it already. A free slot in
   * the home bucket is taken without reading the other bucket (one memory trip instead of two),
   * so an id added twice may take two slots: harmless, and rare (a resend after an erasure).
   */
  insert(fingerprint: number, homeBits: number): void {
    let bucket = homeBits % this.#buckets;
    let slot = this.#find(bucket, fingerprint);
    if (slot === NONE) {
      bucket = this.#otherBucket(bucket, fingerprint);
      slot = this.#find(bucket, fingerprint);
    }
    if (slot === FOUND) return;
    this.size += 1;
    if (slot !== NONE) return this.#write(slot, fingerprint);
    let moving = fingerprint;
    for (let kick = 0; kick < MAX_KICKS; kick++) {
      // Both buckets full: displace a resident, which then moves to its own other bucket.
      const victim = bucket * SLOTS_PER_BUCKET + (this.#nextRandom() & (SLOTS_PER_BUCKET - 1));
      const displaced = this.#read(victim);
      this.#write(victim, moving);
      moving = displaced;
      bucket = this.#otherBucket(bucket, moving);
      const free = this.#find(bucket, -1); // -1 matches no fingerprint: only a free slot is sought
      if (free !== NONE) return this.#write(free, moving);
    }
    this.#stash.push({ fingerprint: moving, bucket });
  }

  /** (h - b) mod n: its own inverse, so an entry's other bucket is found from either of its two. */
  #otherBucket(bucket: number, fingerprint: number): number {
    const h = (Math.imul(fingerprint, 0x5bd1e995) >>> 0) % this.#buckets;
    const other = h - bucket;
    return other < 0 ? other + this.#buckets : other;
  }

  /**
   * FOUND when the bucket holds the fingerprint, else its first empty slot, else NONE. A bucket's
   * taken slots are always its first ones (slots are filled in order, and a displacement only
   * swaps one fingerprint for another), so the first empty slot ends the search.
   */
  #find(bucket: number, fingerprint: number): number {
    const first = bucket * SLOTS_PER_BUCKET;
    for (let slot = first; slot < first + SLOTS_PER_BUCKET; slot++) {
      const held = this.#read(slot);
      if (held === fingerprint) return FOUND;
      if (held === 0) return slot;
    }
    return NONE;
  }

  #read(slot: number): number {
    const at = slot * 3;
    return this.#bytes[at]! | (this.#bytes[at + 1]! << 8) | (this.#bytes[at + 2]! << 16);
  }

  #write(slot: number, fingerprint: number): void {
    const at = slot * 3;
    this.#bytes[at] = fingerprint & 0xff;
    this.#bytes[at + 1] = (fingerprint >>> 8) & 0xff;
    this.#bytes[at + 2] = fingerprint >>> 16;
  }

  #nextRandom(): number {
    let x = this.#random;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#random = x;
    return x >>> 0;
  }
}

export class PseudonymFilter {
  readonly #tables: FingerprintTable[];

  constructor(initialCapacity = MIN_CAPACITY) {
    this.#tables = [new FingerprintTable(Math.max(16, Math.ceil(initialCapacity)))];
  }

  /** Room for `count` pseudonyms plus `headroom` (a fraction) more before a second table is added. */
  static forCount(count: number, headroom = 0.05): PseudonymFilter {
    return new PseudonymFilter(Math.max(MIN_CAPACITY, (count * (1 + headroom)) / MAX_LOAD));
  }

  /** Fingerprints held (an id added twice, or sharing a fingerprint in its run, counts once). */
  get size(): number {
    return this.#tables.reduce((sum, table) => sum + table.size, 0);
  }

  /** Slots allocated over all tables (3 bytes each). */
  get capacity(): number {
    return this.#tables.reduce((sum, table) => sum + table.capacity, 0);
  }

  get tables(): number {
    return this.#tables.length;
  }

  /** The first two 32-bit words of a pseudonym. */
  static halves(pseudonym: string): [number, number] {
    return [hexWord(pseudonym, 0), hexWord(pseudonym, 8)];
  }

  mightContain(pseudonym: string): boolean {
    const [first, second] = PseudonymFilter.halves(pseudonym);
    const fingerprint = fingerprintOf(first);
    for (const table of this.#tables) if (table.has(fingerprint, second)) return true;
    return false;
  }

  add(pseudonym: string): void {
    const [first, second] = PseudonymFilter.halves(pseudonym);
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

/** The first 32 bits folded to 24 (every bit counts); 0, the empty mark, is folded onto 1. */
function fingerprintOf(first: number): number {
  const folded = (first ^ (first >>> 24)) & 0xffffff;
  return folded === 0 ? 1 : folded;
}
