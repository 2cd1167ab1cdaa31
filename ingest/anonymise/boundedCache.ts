/**
 * A small in-memory cache with a hard size bound, for values that are pure functions of their
 * key (a pseudonym of an identifier, the parsed form of a phone number): a hit can never give a
 * different answer than computing it again, only a faster one.
 *
 * Two generations instead of a linked-list LRU: lookups go to the current map, then to the
 * previous one (and a hit there is moved up); when the current map is full, it becomes the
 * previous one and the old previous one is dropped whole. So entries used within the last
 * `generationSize` insertions stay, the rest go, and there are never more than
 * 2 * generationSize entries. Cheaper per hit than moving an entry to the front of a list.
 *
 * It lives in process memory only: never written to disk or logged. Keys may hold raw
 * identifiers (a phone number as sent) for as long as they are in the cache, like the request
 * that brought them.
 */
export class BoundedCache<V> {
  readonly #generationSize: number;
  #current = new Map<string, V>();
  #previous = new Map<string, V>();

  constructor(generationSize: number) {
    if (!Number.isInteger(generationSize) || generationSize < 1) throw new Error('generationSize must be a positive integer');
    this.#generationSize = generationSize;
  }

  /** Most entries ever held at once. */
  get maxSize(): number {
    return 2 * this.#generationSize;
  }

  get size(): number {
    return this.#current.size + this.#previous.size;
  }

  get(key: string): V | undefined {
    const value = this.#current.get(key);
    if (value !== undefined) return value;
    const old = this.#previous.get(key);
    if (old !== undefined) this.set(key, old);
    return old;
  }

  set(key: string, value: V): void {
    if (this.#current.size >= this.#generationSize) {
      this.#previous = this.#current;
      this.#current = new Map();
    }
    this.#current.set(key, value);
  }

  /** The cached value, or compute(), cached. */
  getOrCompute(key: string, compute: (key: string) => V): V {
    const cached = this.get(key);
    if (cached !== undefined) return cached;
    const value = compute(key);
    this.set(key, value);
    return value;
  }

  clear(): void {
    this.#current = new Map();
    this.#previous = new Map();
  }
}

/**
 * The same two-generation cache for keys that come in two parts (a scope such as the business,
 * and a value): looked up as they are, without building a combined key string for every
 * look-up. At most 2 * generationSize values over all scopes.
 */
export class ScopedBoundedCache<V> {
  readonly #generationSize: number;
  #current = new Map<string, Map<string, V>>();
  #previous = new Map<string, Map<string, V>>();
  #currentSize = 0;
  #previousSize = 0;

  constructor(generationSize: number) {
    if (!Number.isInteger(generationSize) || generationSize < 1) throw new Error('generationSize must be a positive integer');
    this.#generationSize = generationSize;
  }

  get maxSize(): number {
    return 2 * this.#generationSize;
  }

  get size(): number {
    return this.#currentSize + this.#previousSize;
  }

  clear(): void {
    this.#current = new Map();
    this.#previous = new Map();
    this.#currentSize = 0;
    this.#previousSize = 0;
  }

  get(scope: string, key: string): V | undefined {
    const value = this.#current.get(scope)?.get(key);
    if (value !== undefined) return value;
    const old = this.#previous.get(scope)?.get(key);
    if (old !== undefined) this.set(scope, key, old);
    return old;
  }

  set(scope: string, key: string, value: V): void {
    if (this.#currentSize >= this.#generationSize) {
      this.#previous = this.#current;
      this.#previousSize = this.#currentSize;
      this.#current = new Map();
      this.#currentSize = 0;
    }
    let values = this.#current.get(scope);
    if (values === undefined) {
      values = new Map();
      this.#current.set(scope, values);
    }
    const before = values.size;
    values.set(key, value);
    this.#currentSize += values.size - before;
  }
}
