import { redactedErrorMessage, type Logger } from '../logger';

/**
 * Runs `round` every `intervalMs` after the previous round ended (never two at once), until
 * stopped; a failed round is logged (redacted) and the next one comes as usual. `stop` waits for
 * the round under way. The timer does not keep the process alive.
 */
export function repeatRounds(intervalMs: number, round: () => Promise<unknown>, logger: Logger, what: string): { stop: () => Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = round()
        .catch((error: unknown) => logger.error({ error: redactedErrorMessage(error) }, `${what} round failed (retried at the next one)`))
        .finally(schedule);
    }, intervalMs);
    timer.unref();
  };
  schedule();
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
