import { ReportsBusyError } from '../reportsBusy';

/** How much may wait for a turn: beyond it, a query is refused with ReportsBusyError. */
export interface QueryLineLimits {
  /** Queries waiting (not yet running) beyond which a new one is refused at once. */
  maxWaiting: number;
  /** How long a query may wait for its turn before it is refused (ms). A running query is not cut short by the line. */
  timeoutMs: number;
}

export const UNBOUNDED_LINE: QueryLineLimits = { maxWaiting: Infinity, timeoutMs: Infinity };

/** Seconds a refused caller is told to wait: about one slow report. */
const RETRY_AFTER_SECONDS = 5;

interface Waiting {
  run: (lane: number) => Promise<void>;
  timer: NodeJS.Timeout | undefined;
}

/**
 * One line of report queries in front of a fixed number of lanes (DuckDB read connections, or the
 * queries a ClickHouse reader may have running at once), whatever the engine. Queries wait in one
 * line and each goes to the first lane free (the lowest index), so a query never waits behind a
 * long one on a busy lane while another sits idle.
 *
 * The line is bounded (REPORT_QUEUE_MAX, REPORT_QUEUE_TIMEOUT_MS): a burst of heavy reports gets
 * ReportsBusyError (503) instead of a line that grows without end and answers minutes later.
 */
export class QueryLine {
  /** Free lanes, by their index: the first one is preferred. */
  readonly #free: Set<number>;
  readonly #waiting: Waiting[] = [];
  readonly #onFailed: (error: unknown) => void;
  readonly #limits: QueryLineLimits;

  /** onFailed is told of every failed query (the caller still gets the error); refusals by the line are not failures. */
  constructor(lanes: number, onFailed: (error: unknown) => void = () => undefined, limits: QueryLineLimits = UNBOUNDED_LINE) {
    if (!Number.isInteger(lanes) || lanes < 1) throw new Error(`a query line needs at least one lane (got ${lanes})`);
    this.#free = new Set(Array.from({ length: lanes }, (_, i) => i));
    this.#onFailed = onFailed;
    this.#limits = limits;
  }

  /** Queries waiting for a lane (not the running ones). */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Runs `work` on the first free lane; rejects with ReportsBusyError when the line is full, or when the query waited longer than the timeout. */
  run<T>(work: (lane: number) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.#free.size === 0 && this.#waiting.length >= this.#limits.maxWaiting) {
        reject(new ReportsBusyError(`the report queue is full (${this.#limits.maxWaiting} queries waiting); retry later`, RETRY_AFTER_SECONDS));
        return;
      }
      const waiting: Waiting = {
        run: async (lane) => {
          clearTimeout(waiting.timer);
          try {
            resolve(await work(lane));
          } catch (error) {
            this.#onFailed(error);
            reject(error);
          }
        },
        timer: undefined,
      };
      if (Number.isFinite(this.#limits.timeoutMs)) {
        waiting.timer = setTimeout(() => {
          this.#waiting.splice(this.#waiting.indexOf(waiting), 1);
          reject(new ReportsBusyError(`a report query waited more than ${this.#limits.timeoutMs} ms for a connection; retry later`, RETRY_AFTER_SECONDS));
        }, this.#limits.timeoutMs);
      }
      this.#waiting.push(waiting);
      this.#dispatch();
    });
  }

  #dispatch(): void {
    while (this.#free.size > 0 && this.#waiting.length > 0) {
      const lane = Math.min(...this.#free);
      this.#free.delete(lane);
      const next = this.#waiting.shift()!;
      void next.run(lane).finally(() => {
        this.#free.add(lane);
        this.#dispatch();
      });
    }
  }
}
