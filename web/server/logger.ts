import pino, { type Logger } from 'pino';

/**
 * Structured JSON logs. What goes in is chosen field by field at each call site: never a
 * request body, a query string, a header or an identifier, so nothing raw can reach a log.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, base: { service: 'messaging-analytics' }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}

export type { Logger };

/**
 * An error's message fit for the log: a database error can quote the values it failed on
 * (pseudonyms, fact keys, numbers), so runs of hex digits and of digits are masked; the kind of
 * failure ("Out of Memory", "Constraint Error", "could not write") stays readable.
 */
export function redactedErrorMessage(error: unknown): string {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return message.replace(/\b[0-9a-f]{8,}\b/gi, '<hex>').replace(/\d{5,}/g, '<number>').slice(0, 500);
}
