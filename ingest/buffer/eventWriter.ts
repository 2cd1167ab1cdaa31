import type { LinkWrite } from '../../db/customerLinks';
import type { EventRow } from '../../db/eventStore';
import type { EventStore } from '../../db/eventStorePort';
import { PseudonymFilter } from '../anonymise/pseudonymFilter';

export class WriteQueueFullError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('the write queue is full');
    this.name = 'WriteQueueFullError';
  }
}

export interface EventWriterOptions {
  /** Rows waiting to be committed beyond which a new request is refused (429). */
  maxQueuedRows: number;
  /** Rows committed in one transaction (group commit). */
  maxBatchRows: number;
  /**
   * Testing knob: wait this long before each commit, to simulate a slow disk (overload and
   * shutdown tests). 0 in production.
   */
  commitDelayMs: number;
  /** Told of every failed commit (the requests get 503); the server logs it. */
  onCommitFailed?: (error: unknown, rows: number) => void;
  /**
   * Fold the facts' parts into the facts (db/eventStore.ts compactFacts) once this many rows, or
   * this share of the stored events if more, were committed since the last time, and whenever
   * the queue has been empty for compactWhenIdleMs. Readers combine facts and parts, so this
   * only bounds how many parts they combine. A fold scans the facts (db/factParts.ts), so its
   * cost grows with them; a share keeps the writer's time spent on it flat as they grow.
   */
  compactAfterRows: number;
  compactAfterShare: number;
  compactWhenIdleMs: number;
  /**
   * The share of the time idle compactions may take: after one that took t ms, the next waits
   * until t / share ms have passed, however idle the queue. A trickle of events would otherwise
   * start a fold, a scan of all the facts, after every one of them.
   */
  idleCompactionShare: number;
  /** Told of a failed compaction; the parts stay and the next compaction folds them. */
  onCompactionFailed?: (error: unknown) => void;
  /**
   * Testing knob: the duplicate index starts loading only once this resolves, so a test can
   * send events while it loads. Undefined in production: it loads at once.
   */
  holdIndexLoad?: Promise<void>;
  /** Told when the duplicate index has loaded: the events stored then, and how long it took. */
  onIndexLoaded?: (loaded: { events: number; ms: number }) => void;
  /** Told when it could not load: every id is then confirmed against the database until a restart. */
  onIndexLoadFailed?: (error: unknown) => void;
}

/** Thrown into the index's load to end it early (the writer is closing). */
class IndexLoadAbandoned extends Error {}

interface Submission {
  kind: 'rows';
  rows: readonly EventRow[];
  /** Identity links the rows' persons rest on, committed with them (ingest/identity). */
  links: readonly LinkWrite[];
  resolve: (stored: boolean[]) => void;
  reject: (error: unknown) => void;
}

/** Work that needs the events table to itself (erasure, retention purge), in queue order. */
interface Operation {
  kind: 'operation';
  run: (store: EventStore) => Promise<void>;
}

/** setTimeout's longest delay: a longer one fires at once. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

const DEFAULTS: EventWriterOptions = {
  maxQueuedRows: 200_000, maxBatchRows: 50_000, commitDelayMs: 0, compactAfterRows: 50_000, compactAfterShare: 0.01, compactWhenIdleMs: 1_000, idleCompactionShare: 0.05,
};

/**
 * The one writer of the events table. Requests hand it their rows and wait; it commits what is
 * waiting in a single transaction (group commit) and only then answers each request with which
 * of its rows were stored and which were duplicates. One writer means no two copies of an
 * event can race: a copy in the same group is a duplicate of the first, a later copy is found
 * in the index.
 *
 * The index is rebuilt from the stored events at every start, in the background, so that the
 * server answers at once whatever the data's size (40 s at 50M events). Until it is complete,
 * every id of a group counts as "maybe stored" and is confirmed against the database, as a hit
 * is: slower, never wrong.
 */
export class EventWriter {
  readonly #store: EventStore;
  /** Replaced once, by the load's first step, before any commit. */
  #index = new PseudonymFilter();
  /** True once every event stored before this writer opened is in the index. */
  #indexLoaded = false;
  #abandonIndexLoad = false;
  /** Resolved by close(): ends a held load's wait (holdIndexLoad). */
  #endHold: () => void = () => undefined;
  readonly #holdEnded = new Promise<void>((resolve) => (this.#endHold = resolve));
  #indexLoad: Promise<void> = Promise.resolve();
  readonly #options: EventWriterOptions;
  readonly #queue: (Submission | Operation)[] = [];
  #queuedRows = 0;
  #running: Promise<void> | undefined;
  #pauses = 0;
  /** Rows committed since the last compaction of the facts' parts, and in all. */
  #uncompactedRows = 0;
  #storedRows = 0;
  #idleCompaction: NodeJS.Timeout | undefined;
  /** When the last compaction ended, and how long it took (performance.now() ms). */
  #lastCompaction = { endedAt: -Infinity, ms: 0 };

  private constructor(store: EventStore, options: EventWriterOptions) {
    this.#store = store;
    this.#options = options;
  }

  /**
   * Opens the writer at once: it takes rows now. In its queue, first, it counts the stored
   * events and folds the parts left by the last run (a stop does not wait for the idle
   * compaction); the idempotency index loads in the background (indexLoaded).
   */
  static async open(store: EventStore, options: Partial<EventWriterOptions> = {}): Promise<EventWriter> {
    const writer = new EventWriter(store, { ...DEFAULTS, ...options });
    writer.#indexLoad = writer.#loadIndex();
    void writer.compactFacts();
    return writer;
  }

  /** Events stored: counted first in the writer's queue, plus those this writer committed since (0 until counted). */
  get storedRows(): number {
    return this.#storedRows;
  }

  /** False while the idempotency index loads: each id is then confirmed against the database. */
  get indexLoaded(): boolean {
    return this.#indexLoaded;
  }

  /** Resolves once the index has loaded, failed to, or was abandoned (tests, the bench). */
  whenIndexLoaded(): Promise<void> {
    return this.#indexLoad;
  }

  /**
   * Counts the stored events and sizes the index for them, first in the queue (so no commit of
   * this writer comes before, and each later one adds to both), then reads every stored id's
   * prefix outside the queue, while commits go on. An event stored before the read began is in
   * it; one stored after was committed by this writer, which adds its id itself.
   */
  async #loadIndex(): Promise<void> {
    const started = performance.now();
    try {
      await this.exclusive(async (store) => {
        const stored = await store.countEvents();
        this.#storedRows += stored;
        // One table sized for what is stored plus a twentieth; ingest beyond that adds a table.
        this.#index = PseudonymFilter.forCount(Math.max(stored, 800_000));
      });
      await Promise.race([this.#options.holdIndexLoad, this.#holdEnded]);
      const index = this.#index;
      await this.#store.forEachEventIdPrefix((high, low) => {
        if (this.#abandonIndexLoad) throw new IndexLoadAbandoned('the writer closed while its index loaded');
        for (let i = 0; i < high.length; i++) index.addHalves(high[i]!, low[i]!);
      });
      this.#indexLoaded = true;
      this.#options.onIndexLoaded?.({ events: this.#storedRows, ms: performance.now() - started });
    } catch (error) {
      if (!(error instanceof IndexLoadAbandoned)) this.#options.onIndexLoadFailed?.(error);
    }
  }

  get queuedRows(): number {
    return this.#queuedRows;
  }

  /** Rows waiting beyond which a request is refused (the queue's size). */
  get maxQueuedRows(): number {
    return this.#options.maxQueuedRows;
  }

  /** True when any request with rows would be refused now (checked before a body is read). */
  get isFull(): boolean {
    return this.#queuedRows >= this.#options.maxQueuedRows;
  }

  /**
   * Resolves once the rows are committed: true for each row stored, false for a duplicate.
   * Throws WriteQueueFullError at once, storing nothing, when the queue is full; an empty
   * queue always takes a request, so no request can be too large to ever fit.
   */
  submit(rows: readonly EventRow[], links: readonly LinkWrite[] = []): Promise<boolean[]> {
    if (rows.length === 0 && links.length === 0) return Promise.resolve([]);
    if (this.#queuedRows > 0 && this.#queuedRows + rows.length > this.#options.maxQueuedRows) {
      throw new WriteQueueFullError(1);
    }
    this.#queuedRows += rows.length;
    const promise = new Promise<boolean[]>((resolve, reject) => this.#queue.push({ kind: 'rows', rows, links, resolve, reject }));
    this.#kick();
    return promise;
  }

  /**
   * Runs fn on the writer's own store, alone: after every submission queued before it is
   * committed and before any queued after it. Deletions of events (erasure, retention) go
   * through here, so they can never race an insert or the idempotency check of a group.
   * Never refused for a full queue. The index keeps the prefixes of deleted events; that only
   * costs a database check when such an id is sent again (which then stores it anew).
   */
  exclusive<T>(fn: (store: EventStore) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({
        kind: 'operation',
        run: async (store) => {
          try {
            resolve(await fn(store));
          } catch (error) {
            reject(error);
          }
        },
      });
      this.#kick();
    });
  }

  /** Holds commits until the returned function is called (overload tests, maintenance). */
  pause(): () => void {
    this.#pauses += 1;
    let resumed = false;
    return () => {
      if (resumed) return;
      resumed = true;
      this.#pauses -= 1;
      this.#kick();
    };
  }

  /**
   * Resolves when everything submitted so far is committed (graceful shutdown). A pending idle
   * compaction is dropped: the parts are durable and readers combine them.
   */
  async drain(): Promise<void> {
    while (this.#running) await this.#running;
    clearTimeout(this.#idleCompaction);
    this.#idleCompaction = undefined;
  }

  /** Ends an index load in progress, then drains: before the store's connections close. */
  async close(): Promise<void> {
    this.#abandonIndexLoad = true;
    this.#endHold();
    await this.#indexLoad;
    await this.drain();
  }

  /** Folds the facts' parts into the facts now, in queue order (tests, maintenance). */
  compactFacts(): Promise<void> {
    return this.exclusive(() => this.#compact());
  }

  /**
   * Counts rows committed through exclusive() (the bench's bulk load) and folds the parts when
   * a compaction is due, as after a commit of submitted rows.
   */
  async committedElsewhere(rows: number): Promise<void> {
    this.#noteCommitted(rows);
    if (this.#compactionDue()) await this.compactFacts();
  }

  #noteCommitted(rows: number): void {
    this.#uncompactedRows += rows;
    this.#storedRows += rows;
  }

  #compactionDue(): boolean {
    const { compactAfterRows, compactAfterShare } = this.#options;
    return this.#uncompactedRows >= Math.max(compactAfterRows, compactAfterShare * this.#storedRows);
  }

  #kick(): void {
    if (this.#running || this.#pauses > 0 || this.#queue.length === 0) return;
    clearTimeout(this.#idleCompaction);
    this.#idleCompaction = undefined;
    this.#running = this.#run().finally(() => {
      this.#running = undefined;
      this.#kick();
      this.#scheduleIdleCompaction();
    });
  }

  #scheduleIdleCompaction(): void {
    if (this.#running || this.#idleCompaction || this.#uncompactedRows === 0) return;
    const { compactWhenIdleMs, idleCompactionShare } = this.#options;
    const spaced = this.#lastCompaction.endedAt + this.#lastCompaction.ms / idleCompactionShare - performance.now();
    this.#idleCompaction = setTimeout(() => {
      this.#idleCompaction = undefined;
      if (this.#uncompactedRows > 0) void this.compactFacts();
    }, Math.min(Math.max(compactWhenIdleMs, spaced), MAX_TIMEOUT_MS));
    this.#idleCompaction.unref();
  }

  async #compact(): Promise<void> {
    const rows = this.#uncompactedRows;
    const started = performance.now();
    try {
      await this.#store.compactFacts();
      this.#uncompactedRows -= rows;
    } catch (error) {
      this.#options.onCompactionFailed?.(error);
    } finally {
      const endedAt = performance.now();
      this.#lastCompaction = { endedAt, ms: endedAt - started };
    }
  }

  async #run(): Promise<void> {
    while (this.#queue.length > 0 && this.#pauses === 0) {
      const head = this.#queue[0]!;
      if (head.kind === 'operation') {
        this.#queue.shift();
        await head.run(this.#store);
        continue;
      }
      const group = this.#takeGroup();
      try {
        const outcomes = await this.#commitGroup(group);
        group.forEach((submission, i) => submission.resolve(outcomes[i]!));
      } catch (error) {
        this.#options.onCommitFailed?.(error, group.reduce((n, s) => n + s.rows.length, 0));
        for (const submission of group) submission.reject(error);
      }
      if (this.#compactionDue()) await this.#compact();
    }
  }

  #takeGroup(): Submission[] {
    const group: Submission[] = [];
    let rows = 0;
    while (this.#queue.length > 0) {
      const next = this.#queue[0]!;
      if (next.kind !== 'rows') break;
      if (group.length > 0 && rows + next.rows.length > this.#options.maxBatchRows) break;
      group.push(next);
      this.#queue.shift();
      rows += next.rows.length;
    }
    this.#queuedRows -= rows;
    return group;
  }

  async #commitGroup(group: Submission[]): Promise<boolean[][]> {
    if (this.#options.commitDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.#options.commitDelayMs));
    // Plain loops, no per-row arrays or closures: this runs for every event on the main thread.
    const firstCopies = new Set<string>();
    const candidates: EventRow[] = [];
    // During a pseudonym-key rotation a row also names its id under the previous key, so a
    // resend of an event first stored under the old key is still a duplicate.
    const maybeStored: string[] = [];
    const outcomes: boolean[][] = [];
    // While the index loads, a miss proves nothing: every id is confirmed (one query per group).
    const checkAll = !this.#indexLoaded;
    for (const submission of group) {
      const rows = submission.rows;
      const first = new Array<boolean>(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i]!;
        if (firstCopies.has(row.eventId)) {
          first[i] = false;
          continue;
        }
        firstCopies.add(row.eventId);
        candidates.push(row);
        first[i] = true;
        if (checkAll || this.#index.mightContain(row.eventId)) maybeStored.push(row.eventId);
        if (row.previousEventId !== undefined && (checkAll || this.#index.mightContain(row.previousEventId))) maybeStored.push(row.previousEventId);
      }
      outcomes.push(first);
    }
    const stored = maybeStored.length > 0 ? await this.#store.storedEventIds(maybeStored) : undefined;
    const isStored = (row: EventRow) =>
      stored !== undefined && (stored.has(row.eventId) || (row.previousEventId !== undefined && stored.has(row.previousEventId)));
    const fresh = stored === undefined ? candidates : candidates.filter((row) => !isStored(row));
    const links = group.flatMap((submission) => submission.links);
    if (fresh.length > 0 || links.length > 0) await this.#store.commit(fresh, links);
    this.#noteCommitted(fresh.length);
    for (const row of fresh) this.#index.add(row.eventId);
    if (stored !== undefined) {
      group.forEach((submission, g) => {
        const first = outcomes[g]!;
        submission.rows.forEach((row, i) => {
          if (first[i] && isStored(row)) first[i] = false;
        });
      });
    }
    return outcomes;
  }
}
