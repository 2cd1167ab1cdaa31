/** A mistake in how a command was called: answered with the usage text and exit status 2. */
export class UsageError extends Error {}

/**
 * Runs a command-line tool's main function and turns its outcome into an exit status: its own
 * code, 2 with the usage text for a UsageError, 1 with the message for anything else (never a
 * stack trace: it could hold a value from the input).
 */
export function runCli(main: () => Promise<number>, usage: string): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(error instanceof UsageError ? `error: ${message}\n\n${usage}\n` : `error: ${message}\n`);
      process.exitCode = error instanceof UsageError ? 2 : 1;
    },
  );
}
