/** What one ingest key may use of the intake, so that one caller cannot starve the others. */
export interface IngestQuotaLimits {
  /** Events a key may send per second, on average; 0: no rate limit. */
  eventsPerSecond: number;
  /** Events a key may send at once above its rate (the size of its bucket). */
  burstEvents: number;
  /** The share of the write queue (its maxQueuedRows) that one key's waiting events may hold, in (0, 1]. */
  queueShare: number;
}

export type QuotaExceeded = 'rate' | 'queue_share';

export class KeyQuotaExceededError extends Error {
  constructor(
    readonly exceeded: QuotaExceeded,
    readonly retryAfterSeconds: number,
    readonly limit: number,
  ) {
    super(`the ingest key exceeded its ${exceeded === 'rate' ? 'rate' : 'share of the write queue'}`);
    this.name = 'KeyQuotaExceededError';
  }
}

interface Bucket {
  tokens: number;
  /** When the tokens were last topped up (clock ms). */
  at: number;
}

/**
 * Per-key quotas of the intake: a token bucket of events per second, and a cap on the events of
 * one key waiting for the writer (a share of its queue). The global limit (the writer's queue
 * full: 429 overloaded) still applies on top; the share only keeps one key from filling the
 * whole queue, so another key's requests find room.
 *
 * A request is checked twice: `admit` after authentication, before its body is read (a key over
 * its quota costs no read and no parse), and `charge` / `hold` once its events are counted.
 * The bucket may go below zero by the request that drained it: the key's next requests then
 * wait until it is repaid, so a key cannot win by sending larger requests.
 */
export class IngestKeyQuotas {
  readonly #limits: IngestQuotaLimits;
  readonly #maxHeldRows: number;
  readonly #clock: () => number;
  readonly #buckets = new Map<string, Bucket>();
  readonly #held = new Map<string, number>();

  /** maxQueuedRows: the writer's queue size; clock: monotonic ms (tests may fix it). */
  constructor(limits: IngestQuotaLimits, maxQueuedRows: number, clock: () => number = () => performance.now()) {
    this.#limits = limits;
    this.#maxHeldRows = Math.max(1, Math.floor(maxQueuedRows * limits.queueShare));
    this.#clock = clock;
  }

  /** The events one key may have waiting for the writer. */
  get maxHeldRows(): number {
    return this.#maxHeldRows;
  }

  /** Throws KeyQuotaExceededError when the key may send nothing now: its bucket is empty or its share of the queue full. */
  admit(keyId: string): void {
    this.#checkRate(keyId);
    if ((this.#held.get(keyId) ?? 0) >= this.#maxHeldRows) throw this.#queueShareExceeded();
  }

  /** Takes a request's events from the key's bucket; throws when another request emptied it meanwhile. */
  charge(keyId: string, events: number): void {
    const bucket = this.#checkRate(keyId);
    if (bucket) bucket.tokens -= events;
  }

  /**
   * Counts a request's rows as the key's until the returned release is called (once they are
   * committed or refused). A key with nothing waiting may always send one request, whatever its
   * size, as an empty writer queue always takes one.
   */
  hold(keyId: string, rows: number): () => void {
    const held = this.#held.get(keyId) ?? 0;
    if (held > 0 && held + rows > this.#maxHeldRows) throw this.#queueShareExceeded();
    this.#held.set(keyId, held + rows);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#held.get(keyId) ?? rows) - rows;
      if (left > 0) this.#held.set(keyId, left);
      else this.#held.delete(keyId);
    };
  }

  /** The key's bucket topped up to now, or undefined without a rate limit; throws when it is empty. */
  #checkRate(keyId: string): Bucket | undefined {
    const { eventsPerSecond, burstEvents } = this.#limits;
    if (eventsPerSecond <= 0) return undefined;
    const now = this.#clock();
    const bucket = this.#buckets.get(keyId) ?? { tokens: burstEvents, at: now };
    bucket.tokens = Math.min(burstEvents, bucket.tokens + ((now - bucket.at) / 1000) * eventsPerSecond);
    bucket.at = now;
    this.#buckets.set(keyId, bucket);
    if (bucket.tokens >= 1) return bucket;
    // Seconds until the bucket holds an event again.
    const retryAfter = Math.max(1, Math.ceil((1 - bucket.tokens) / eventsPerSecond));
    throw new KeyQuotaExceededError('rate', retryAfter, eventsPerSecond);
  }

  #queueShareExceeded(): KeyQuotaExceededError {
    return new KeyQuotaExceededError('queue_share', 1, this.#maxHeldRows);
  }
}
