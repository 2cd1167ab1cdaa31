export interface ProgressOptions {
  stream?: NodeJS.WriteStream;
  label?: string;
  /** Redraws at most this often on a terminal. */
  intervalMs?: number;
  now?: () => number;
}

const WIDTH = 30;

/**
 * A progress bar on stderr: redrawn in place on a terminal, at most a few times a second; as a
 * plain line every tenth of the way when stderr is a file or a pipe (CI logs, server logs).
 */
export class ProgressBar {
  readonly #stream: NodeJS.WriteStream;
  readonly #label: string;
  readonly #intervalMs: number;
  readonly #now: () => number;
  readonly #startedAt: number;
  #lastDrawAt = -Infinity;
  #lastTenth = 0;
  #drawn = false;

  constructor(
    readonly total: number,
    options: ProgressOptions = {},
  ) {
    this.#stream = options.stream ?? process.stderr;
    this.#label = options.label ?? 'events';
    this.#intervalMs = options.intervalMs ?? 250;
    this.#now = options.now ?? (() => performance.now());
    this.#startedAt = this.#now();
  }

  update(done: number): void {
    const now = this.#now();
    if (this.#stream.isTTY) {
      if (now - this.#lastDrawAt < this.#intervalMs && done < this.total) return;
      this.#lastDrawAt = now;
      this.#stream.write(`\r${this.line(done, now)}\u001b[K`);
      this.#drawn = true;
      return;
    }
    const tenth = Math.floor((done / this.total) * 10);
    if (tenth > this.#lastTenth) {
      this.#lastTenth = tenth;
      this.#stream.write(`${this.line(done, now)}\n`);
    }
  }

  /** Ends the bar's line on a terminal. */
  finish(): void {
    if (this.#drawn) this.#stream.write('\n');
    this.#drawn = false;
  }

  line(done: number, now = this.#now()): string {
    const filled = Math.round((Math.min(done, this.total) / this.total) * WIDTH);
    const seconds = (now - this.#startedAt) / 1000;
    const rate = seconds > 0 ? formatRate(done / seconds) : '-';
    return `[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${done}/${this.total} ${this.#label}  ${rate}/s`;
  }
}

export function formatRate(perSecond: number): string {
  if (perSecond >= 10_000) return `${Math.round(perSecond / 1000)}k`;
  if (perSecond >= 1000) return `${(perSecond / 1000).toFixed(1)}k`;
  // Slow things (report requests of a few seconds each) would otherwise show "0/s".
  if (perSecond < 10) return perSecond.toFixed(1);
  return String(Math.round(perSecond));
}
