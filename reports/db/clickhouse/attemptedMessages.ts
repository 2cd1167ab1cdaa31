import { messageFactsSql } from '../../../db/clickhouse/factsSql';
import { literal } from '../../../db/clickhouse/sqlLiteral';
import { ATTEMPT_TYPES, type EventFilter } from '../../metrics/definitions';

/**
 * The attempted messages of a period on ClickHouse, as reports/metrics/compileSql.ts
 * attemptedMessagesSql defines them over DuckDB's message_facts: messages with their earliest
 * send in the period, and those with no send and their earliest failure in it, each with
 * `attempted_us` (the instant its bucket is taken from) and `effective_category` (a status's
 * category corrects the send's). With a channel filter, only sends (a failure alone does not say
 * the channel); a message that only failed has the channel '?', which is no channel's group.
 */
export interface AttemptedScope {
  startMs: number;
  endMs: number;
  business?: string;
  channel?: string;
  /** Only messages with a send (the template breakdown: a failure alone has no template). */
  sentOnly?: boolean;
}

const NO_CHANNEL = "'?'";

export function attemptedMessagesSql(scope: AttemptedScope): string {
  const inRange = (column: string) => `${column} >= ${scope.startMs * 1000} AND ${column} < ${scope.endMs * 1000}`;
  const sent = [`has_send = 1`, inRange('sent_us'), ...(scope.channel === undefined ? [] : [`channel = ${literal(scope.channel)}`])].join(' AND ');
  const failedOnly = `has_send = 0 AND has_failure = 1 AND ${inRange('failed_us')}`;
  const attempted = scope.channel !== undefined || scope.sentOnly ? sent : `(${sent}) OR (${failedOnly})`;
  return `SELECT business, message, if(has_send = 1, assumeNotNull(channel), ${NO_CHANNEL}) AS attempt_channel,
    if(has_send = 1, sent_us, failed_us) AS attempted_us, has_send, has_failure, customer, sender, template,
    coalesce(status_category, send_category) AS effective_category, delivered, was_read, pricing, limited
  FROM (${messageFactsSql({ business: scope.business, period: { startMs: scope.startMs, endMs: scope.endMs } })}) AS message_facts
  WHERE ${attempted}`;
}

/** Which column of attemptedMessagesSql's rows says a message had an attempt of each type. */
const ATTEMPT_COLUMNS: Readonly<Record<(typeof ATTEMPT_TYPES)[number], string>> = { 'message.sent': 'has_send', 'message.failed': 'has_failure' };

/**
 * A message count's filter over attemptedMessagesSql's rows, as 0/1 (never NULL): what
 * compileSql.ts compileMessageFilter says over DuckDB's columns.
 */
export function messageFilterSql(where: EventFilter): string {
  const columns = where.types.map((type) => {
    const column = (ATTEMPT_COLUMNS as Record<string, string>)[type];
    if (column === undefined) throw new Error(`message counts are of attempted messages: types among ${ATTEMPT_TYPES.join(', ')}`);
    return column;
  });
  const parts: string[] = [];
  if (new Set(columns).size === 1) parts.push(`${columns[0]} = 1`);
  if (where.senders) parts.push(`sender IN (${where.senders.map((s) => literal(s)).join(', ')})`);
  if (where.categories) parts.push(`effective_category IN (${where.categories.map((c) => literal(c)).join(', ')})`);
  if (where.status === 'delivered') parts.push('delivered = 1');
  if (where.status === 'read') parts.push('was_read = 1');
  if (where.limited === true) parts.push('limited = 1');
  if (where.limited === false) parts.push('limited = 0');
  // if() reads a NULL condition (a NULL sender IN ...) as false, as DuckDB's count_if does.
  return parts.length === 0 ? 'toUInt8(1)' : `toUInt8(if(${parts.join(' AND ')}, 1, 0))`;
}
