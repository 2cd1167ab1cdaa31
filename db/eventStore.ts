import { DuckDBListType, listValue, VARCHAR, type DuckDBConnection } from '@duckdb/node-api';
import { appendActivityDays } from './activityDays';
import { inTransaction } from './transaction';
import { appendConversationFactParts, compactConversationFacts } from './conversationFacts';
import { saveLinks, type LinkWrite } from './customerLinks';
import { appendMessageFactParts, compactMessageFacts } from './messageFacts';
import { runPrepared } from './preparedStatements';
import { clearStaged, createStagingTables, STAGED, stageEvents } from './stagedEvents';
import { forEachPseudonymPrefix } from './pseudonymPrefixes';

/** One row of the `events` table, as the writer appends it. Identifiers are pseudonyms. */
export interface EventRow {
  business: string;
  eventId: string;
  type: string;
  channel: string;
  customer: string;
  customerRegion: string;
  conversation: string | null;
  message: string | null;
  /** Microseconds since the epoch (UTC). */
  occurredAtMicros: number;
  receivedAtMicros: number;
  sender: string | null;
  category: string | null;
  template: string | null;
  processedIn: string;
  errorCode: number | null;
  /** regular (charged), free_customer_service or free_entry_point; null when not reported. */
  pricing: string | null;
  /** business_app for a reply typed in the WhatsApp Business app; null otherwise. */
  source: string | null;
  /**
   * The client's campaign tag of a send (ingest/events/eventSchema.ts CAMPAIGN_TAG); null or
   * absent otherwise. Optional so that rows made where there is none (webhook intake, fixtures)
   * need not name it.
   */
  campaign?: string | null;
  /**
   * Not stored: which kind of identifier `customer` is (phone, bsuid, other), and the other
   * identifiers of the same person the event named (pseudonyms, with their kind and region). The
   * intake resolves them to one person (ingest/identity) before the row is written.
   */
  customerKind?: 'phone' | 'bsuid' | 'other';
  aliases?: readonly { identity: string; kind: 'phone' | 'bsuid' | 'other'; region: string }[];
  /**
   * Not stored: the event id's pseudonym under the previous pseudonym key, set only during a
   * key rotation's overlap, so the writer can recognise a resend of an event stored before it.
   */
  previousEventId?: string;
}

/**
 * Appends rows (and the identity links they rest on) and the facts' parts and activity days
 * derived from them, and commits all in one transaction: either all are durable (in the WAL)
 * when this resolves, or none are. The rows cross from JavaScript once (db/stagedEvents.ts: as
 * coded columns, or a small batch row by row) into STAGED; the events and the four derived
 * tables are then written from there by set-based SQL (the derivations the retention and erasure
 * rebuilds use), on DuckDB's threads, instead of being reduced and appended row by row on this
 * one. Appends only: the parts are folded into the facts later, in bulk (compactFacts).
 */
export async function commitEvents(connection: DuckDBConnection, rows: readonly EventRow[], links: readonly LinkWrite[] = []): Promise<void> {
  await createStagingTables(connection);
  await inTransaction(connection, async () => {
    // The identity links the rows' persons rest on: durable exactly when the rows are.
    await saveLinks(connection, links);
    if (rows.length === 0) return;
    await stageEvents(connection, rows);
    await runPrepared(connection, `INSERT INTO events SELECT * FROM ${STAGED}`);
    await appendConversationFactParts(connection, STAGED);
    await appendMessageFactParts(connection, STAGED);
    await appendActivityDays(connection, STAGED);
    await clearStaged(connection);
  });
}

/**
 * Folds the facts' parts into conversation_facts and message_facts in one transaction: readers
 * see the facts before or after it, never half of it. One bulk merge per table instead of one per
 * commit: its fixed cost is paid once per many batches.
 */
export async function compactFacts(connection: DuckDBConnection): Promise<void> {
  await inTransaction(connection, async () => {
    await compactConversationFacts(connection);
    await compactMessageFacts(connection);
  });
}

const ID_LIST = new DuckDBListType(VARCHAR);

/**
 * Which of these event pseudonyms are already stored: one query, whatever their number. Each
 * query scans the events' ids (pseudonyms are random, so no min/max skips a row group): 0.2 s at
 * 8M events for 500 ids or 5000, 0.64 s for 50,000, where queries of 5000 took 2.3 s. While the
 * writer's index loads after a start, every id of a group is checked here.
 */
export async function findStoredEventIds(connection: DuckDBConnection, eventIds: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  if (eventIds.length === 0) return found;
  const reader = await connection.runAndReadAll('SELECT DISTINCT event_id FROM events WHERE event_id IN (SELECT unnest($1))', [listValue([...eventIds])], [ID_LIST]);
  for (const [id] of reader.getRowsJson()) found.add(String(id));
  return found;
}

/**
 * Reads the first 64 bits of every stored event pseudonym, as two unsigned 32-bit halves, so
 * the idempotency index can be rebuilt at start (./pseudonymPrefixes.ts: streamed by pages of
 * rowids in one snapshot while commits go on elsewhere).
 */
export function forEachEventIdPrefix(
  connection: DuckDBConnection,
  onChunk: (high: readonly number[], low: readonly number[]) => void,
  pageRows?: number,
): Promise<void> {
  return forEachPseudonymPrefix(connection, { table: 'events', column: 'event_id' }, onChunk, pageRows === undefined ? {} : { pageRows });
}

export async function countEvents(connection: DuckDBConnection, business?: string): Promise<number> {
  const reader = business === undefined
    ? await connection.runAndReadAll('SELECT count(*)::BIGINT::DOUBLE AS n FROM events')
    : await connection.runAndReadAll('SELECT count(*)::DOUBLE AS n FROM events WHERE business = $1', [business]);
  return Number(reader.getRowsJson()[0]?.[0] ?? 0);
}
