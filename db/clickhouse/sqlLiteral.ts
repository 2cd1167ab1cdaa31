/**
 * Values inlined into ClickHouse SQL text. ClickHouse 18.16 (Debian's server) has no query
 * parameters ("Unknown setting param_p"), so every value a query needs is written into its text,
 * and only through `literal`: strings are quoted with every character that could end or bend the
 * literal escaped, anything else is refused rather than guessed at.
 */
export type SqlValue = string | number | bigint | boolean | Date | null | readonly SqlValue[];

// Lone UTF-16 surrogates cannot be sent as UTF-8: the HTTP body would carry U+FFFD instead, so
// the stored value would silently differ from the one given.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

// Backslash escapes ClickHouse reads in a quoted string (18.16 and 26.x alike). Control
// characters are escaped too, so a literal never spans lines or hides a NUL in a log.
const ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\', "'": "\\'", '\0': '\\0', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f',
};
// eslint-disable-next-line no-control-regex -- control characters are exactly what is escaped here
const NEEDS_ESCAPE = /[\\'\x00-\x1f\x7f]/g;

function stringLiteral(value: string): string {
  if (LONE_SURROGATE.test(value)) throw new Error('refusing to inline a string with a lone UTF-16 surrogate into SQL');
  const escaped = value.replace(NEEDS_ESCAPE, (c) => ESCAPES[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return `'${escaped}'`;
}

function numberLiteral(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`refusing to inline ${value} into SQL`);
  // A negative literal in parentheses: `x -1` next to an operator must not read as `x - 1`... or `--`.
  return value < 0 || Object.is(value, -0) ? `(${String(value)})` : String(value);
}

/** A UTC instant as a DateTime; DateTime holds whole seconds, so a fraction is refused, not rounded. */
function dateLiteral(value: Date): string {
  const ms = value.getTime();
  if (!Number.isFinite(ms)) throw new Error('refusing to inline an invalid Date into SQL');
  if (ms % 1000 !== 0) throw new Error('a DateTime literal holds whole seconds: pass epoch milliseconds as a number instead');
  return `toDateTime('${value.toISOString().slice(0, 19).replace('T', ' ')}', 'UTC')`;
}

/** A value as ClickHouse SQL text: a quoted string, a number, NULL, 1/0, a UTC DateTime or an array. */
export function literal(value: SqlValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'string') return stringLiteral(value);
  if (typeof value === 'number') return numberLiteral(value);
  if (typeof value === 'bigint') return value < 0n ? `(${value.toString()})` : value.toString();
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (value instanceof Date) return dateLiteral(value);
  if (Array.isArray(value)) return `[${value.map((v) => literal(v)).join(', ')}]`;
  throw new Error(`refusing to inline a value of type ${typeof value} into SQL`);
}

/** `(a, b, c)` for `x IN ...`: at least one value (an empty IN list is a syntax error on 18.16). */
export function literalTuple(values: readonly SqlValue[]): string {
  if (values.length === 0) throw new Error('an IN list needs at least one value');
  return `(${values.map((v) => literal(v)).join(', ')})`;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** A database, table or cluster name from configuration: plain identifiers only, never quoted. */
export function identifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`not a plain identifier: ${JSON.stringify(name).slice(0, 80)}`);
  return name;
}
