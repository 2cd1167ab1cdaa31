import pino, { type Logger } from 'pino';

/**
 * Structured JSON logs. What goes in is chosen field by field at each call site: never a
 * request body, a query string, a header or an identifier, so nothing raw can reach a log.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, base: { service: 'messaging-analytics' }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}

export type { Logger };
