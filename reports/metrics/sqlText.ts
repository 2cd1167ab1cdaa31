import { SAFE_SQL_TEXT } from '../../db/safeSqlText';
import { DAY_MS, type PeriodBounds } from '../period';

/**
 * The only way values reach report SQL text. Everything else is a bound parameter. Inlined
 * literals are whitelisted vocabulary (event types, senders, ...) or codes that were validated
 * by the caller; this re-checks their shape, so a mistake fails loudly instead of injecting.
 */
export function literal(value: string): string {
  if (!SAFE_SQL_TEXT.test(value)) throw new Error(`refusing to inline ${JSON.stringify(value).slice(0, 80)} into SQL`);
  return `'${value}'`;
}

/** The day number (UTC days since the epoch) of a period bound; periods are whole UTC days (../period.ts). */
export function dayLiteral(ms: number): string {
  const day = ms / DAY_MS;
  if (!Number.isInteger(day)) throw new Error(`a period bound must be a UTC midnight: ${new Date(ms).toISOString()}`);
  return String(day);
}

/**
 * The rows of an activity-day table (customer_days, conversation_days: db/activityDays.ts) in a
 * period and the scope's business and channel, as a WHERE condition; the values are bound.
 */
export function daysInScopeSql(scope: PeriodBounds & { business?: string; channel?: string }, params: Params): string {
  return [
    `day >= ${dayLiteral(scope.startMs)} AND day < ${dayLiteral(scope.endMs)}`,
    ...(scope.business === undefined ? [] : [`business = ${params.add(scope.business)}`]),
    ...(scope.channel === undefined ? [] : [`channel = ${params.add(scope.channel)}`]),
  ].join(' AND ');
}

export const literalList = (values: readonly string[]) => values.map(literal).join(', ');

/** A query and its positional parameters ($1, $2, ...). */
export interface SqlQuery {
  sql: string;
  params: (string | number)[];
}

/** Collects positional parameters while SQL text is being built. */
export class Params {
  readonly values: (string | number)[] = [];

  add(value: string | number): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}
