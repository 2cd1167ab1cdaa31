import type { AcrossProcesses } from '../resolutionHold';

/** A lock one holder at a time, first come first served, as PostgreSQL's advisory lock. */
export function inMemoryLock(): AcrossProcesses {
  let tail: Promise<unknown> = Promise.resolve();
  return (fn) => {
    const run = tail.then(fn);
    tail = run.catch(() => undefined);
    return run;
  };
}
