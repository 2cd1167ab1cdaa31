import pino, { type Logger } from 'pino';

/**
 * Structured JSON logs. What goes in is chosen field by field at each call site: never a
 * request body, a query string, a header or an identifier, so nothing raw can reach a log. The
 * `err` and `error` fields are redacted whatever a call site puts in them (redactedErrorMessage).
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'messaging-analytics' },
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: { err: redactedErrorField, error: redactedErrorField },
    },
    destination,
  );
}

export type { Logger };

// DuckDB appends the statement to many messages ("LINE 1: SELECT ..."), and drizzle wraps a
// failed statement as "Failed query: <sql>\nparams: <values>": both carry pseudonyms and keys.
const SQL_STATEMENT = /\b(SELECT|INSERT|UPDATE|DELETE|WITH|CREATE|ALTER|DROP|COPY|MERGE|PRAGMA|ATTACH|EXPORT|CALL)\s[\s\S]*$/;
const QUOTED = /"[^"]*"|'[^']*'|`[^`]*`/g;
const UNCLOSED_QUOTE = /["'`][^"'`]*$/;
const EMAIL = /[^\s@<>,;()"']+@[^\s@<>,;()"']+/g;
const HEX_RUN = /\b[0-9a-f]{8,}\b/gi;
const PHONE_LIKE = /\+?\d[\d ().-]{5,}\d/g;
const DIGIT_RUN = /\d{5,}/g;
// Identifier-like tokens (base64/base64url keys, BSUIDs such as US.1349...): long, with a digit
// and a character that is not a hex digit (pure hex runs are masked as <hex>).
const TOKEN = /(?<![\w<])(?=[\w+/=.-]*\d)(?=[\w+/=.-]*[g-zG-Z_+/=.-])[\w+/=.-]{12,}/g;

/** The error a failed statement wraps (drizzle's DrizzleQueryError holds DuckDB's in `cause`). */
function rootError(error: unknown): unknown {
  if (error instanceof Error && error.message.startsWith('Failed query:') && error.cause !== undefined) return error.cause;
  return error;
}

/** A message with statements, quoted values and anything resembling an identifier masked. */
export function redactedText(text: string): string {
  return (text.split('\n')[0] ?? '')
    .replace(/^(.*?Failed query:).*$/, '$1 <sql>')
    .replace(SQL_STATEMENT, '<sql>')
    .replace(QUOTED, '<value>')
    .replace(UNCLOSED_QUOTE, '<value>')
    .replace(EMAIL, '<email>')
    .replace(TOKEN, '<id>')
    .replace(HEX_RUN, '<hex>')
    .replace(PHONE_LIKE, '<number>')
    .replace(DIGIT_RUN, '<number>')
    .slice(0, 300);
}

/**
 * An error's message fit for the log: a database error can quote the statement and the values
 * it failed on (pseudonyms, fact keys, numbers). Only its first line is kept, with statements,
 * quoted values and identifier-like runs masked; the kind of failure ("Out of Memory",
 * "Constraint Error", "could not write") stays readable.
 */
export function redactedErrorMessage(error: unknown): string {
  const root = rootError(error);
  return redactedText(root instanceof Error ? `${root.name}: ${root.message}` : String(root));
}

/** The `err` / `error` field of a log line, redacted whatever its shape. */
function redactedErrorField(value: unknown): unknown {
  if (value instanceof Error) return redactedErrorMessage(value);
  if (typeof value === 'string') return redactedText(value);
  if (typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string') {
    return { ...value, message: redactedText((value as { message: string }).message) };
  }
  return value;
}
