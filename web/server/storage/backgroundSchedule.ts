import { redactedErrorMessage, type Logger } from '../logger';

export interface BackgroundSchedule<A extends unknown[], T> {
  /**
   * Runs the task now, after a run in progress; rejects if it fails (and tells onFailed, whoever
   * started the run: the timer, the demo seed or a test).
   */
  runNow: (...args: A) => Promise<T>;
  /** Clears the timer and waits for a run in progress (the task stops at its next check of `stopped`). */
  stop: () => Promise<void>;
}

export interface BackgroundOptions {
  atStart: boolean;
  intervalMs: number;
  logger: Logger;
  /** Logged (with the error, redacted) when a run the timer started fails; the next one retries. */
  failedMessage: string;
  /** Told of every failed run (the server checks it for an invalidated database). */
  onFailed?: (error: unknown) => void;
}

/**
 * A maintenance task of the server (clustering, business-hours timing): at start if asked (in the
 * background: the server answers meanwhile) and then every intervalMs, one run at a time.
 */
export function scheduleBackground<A extends unknown[], T>(
  task: (stopped: () => boolean, ...args: A) => Promise<T>, options: BackgroundOptions,
): BackgroundSchedule<A, T> {
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  const runNow = (...args: A) => {
    const run = running.then(() => task(() => stopped, ...args)).catch((error: unknown) => {
      options.onFailed?.(error);
      throw error;
    });
    running = run.catch(() => undefined);
    return run;
  };
  const runLogged = () => {
    // The timer's runs take no arguments: a task's arguments are optional (a test's observer).
    (runNow as () => Promise<T>)().catch((error: unknown) => {
      options.logger.error({ error: redactedErrorMessage(error) }, options.failedMessage);
    });
  };
  if (options.atStart) runLogged();
  const timer = setInterval(runLogged, options.intervalMs);
  timer.unref();
  return {
    runNow,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
