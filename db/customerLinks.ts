import type { DuckDBConnection } from '@duckdb/node-api';
import { daySql, rebuildActivityDays } from './activityDays';
import { appendRows, appendTimestamp } from './appenderValues';
import { rebuildConversationFacts } from './conversationFacts';
import { queryRows } from './duckdb';
import { rebuildMessageFacts } from './messageFacts';
import { forEachPseudonymPrefix } from './pseudonymPrefixes';
import { inTransaction } from './transaction';

// customer_links (db/schema.ts): the identifiers of one person at a business. Every value is a
// keyed pseudonym (64 hex characters); nothing here can hold a phone number or a BSUID.

export type IdentityKind = 'phone' | 'bsuid' | 'other';

export interface IdentityRecord {
  identity: string;
  /** The pseudonym the person's events are stored under. */
  person: string;
  kind: IdentityKind;
  /** The identifier's own region (ZZ when unknown). */
  region: string;
  /** When the identifier was first seen (microseconds since the epoch). */
  firstAtMicros: number;
}

/** Link records of one business to save. */
export interface LinkWrite {
  business: string;
  records: readonly IdentityRecord[];
}

const HEX_ID = /^[0-9a-f]{64}$/;

// Our own HMAC hex digests, checked here, so they can be inlined safely.
const inlineList = (values: Iterable<string>) => [...new Set(values)].filter((v) => HEX_ID.test(v)).map((v) => `'${v}'`).join(',');

// An identifier's record in force: its row with the highest version.
const LATEST = `SELECT business, identity, arg_max(person, version) AS person, arg_max(kind, version) AS kind,
       arg_max(region, version) AS region, arg_max(first_at, version) AS first_at
FROM customer_links`;

/**
 * The records of these identifiers and of every other identifier of their persons, by business.
 * One query for every business of a batch: identifiers are pseudonyms keyed by their business, so
 * one never matches another business's.
 */
export async function loadPersons(connection: DuckDBConnection, identities: readonly string[]): Promise<Map<string, IdentityRecord[]>> {
  const byBusiness = new Map<string, IdentityRecord[]>();
  const list = inlineList(identities);
  if (!list) return byBusiness;
  // Candidates: these identifiers and every identifier that any version of theirs shares a person
  // with; of each, the latest record; kept where its person is still one of these identifiers'.
  const rows = await queryRows<IdentityRecord & { business: string }>(
    connection,
    `WITH ids AS (
  SELECT DISTINCT business, identity FROM customer_links
  WHERE identity IN (${list}) OR person IN (SELECT person FROM customer_links WHERE identity IN (${list}))
), candidates AS (
  ${LATEST} SEMI JOIN ids USING (business, identity) GROUP BY business, identity
)
SELECT business, identity, person, kind, region, epoch_us(first_at)::DOUBLE AS "firstAtMicros" FROM candidates
WHERE person IN (SELECT person FROM candidates WHERE identity IN (${list}))`,
  );
  for (const { business, ...record } of rows) {
    if (!byBusiness.has(business)) byBusiness.set(business, []);
    byBusiness.get(business)!.push(record);
  }
  return byBusiness;
}

/**
 * The first 64 bits of every stored record's identifier (records of one identifier repeat it),
 * streamed as two 32-bit halves after `onCount` hears how many records there are: the resolver's
 * filter of which identifiers may be stored (ingest/identity/personResolver.ts).
 */
export function forEachIdentityPrefix(
  connection: DuckDBConnection,
  onCount: (records: number) => void,
  onChunk: (high: readonly number[], low: readonly number[]) => void,
): Promise<void> {
  return forEachPseudonymPrefix(connection, { table: 'customer_links', column: 'identity' }, onChunk, { onCount });
}

/** The businesses that have any linked identifier (the intake skips the lookup for the others). */
export async function businessesWithLinks(connection: DuckDBConnection): Promise<string[]> {
  return (await queryRows<{ business: string }>(connection, 'SELECT DISTINCT business FROM customer_links')).map((r) => r.business);
}

// Versions increase within the process and across restarts (a start is later than any version
// written before it, a microsecond clock being ahead of the records' count).
let lastVersion = 0;
const nextVersion = () => (lastVersion = Math.max(lastVersion + 1, Date.now() * 1000));

/**
 * Saves link records (new or changed) of any businesses by appending them, each with a new
 * version: no key lookup at write time, so a commit pays an append, not a merge.
 */
export async function saveLinks(connection: DuckDBConnection, links: readonly LinkWrite[]): Promise<void> {
  const rows = links.flatMap(({ business, records }) => records.map((record) => ({ business, record })));
  await appendRows(connection, 'customer_links', rows, (appender, { business, record: r }) => {
    appender.appendVarchar(business);
    appender.appendVarchar(r.identity);
    appender.appendVarchar(r.person);
    appender.appendVarchar(r.kind);
    appender.appendVarchar(r.region);
    appendTimestamp(appender, Math.round(r.firstAtMicros));
    appender.appendBigInt(BigInt(nextVersion()));
  });
}

/** What one resolution changes in stored data besides the link records. */
export interface PersonRewrite {
  /** Events (and webhook state) stored under `from` now belong to the person `to`. */
  moves: readonly { from: string; to: string }[];
  /** The person's events all get this region (a person has one region in every report). */
  regions: readonly { person: string; region: string }[];
  /** Conversation pseudonyms replaced after two persons' threads were joined (webhook intake). */
  conversations: readonly { from: string; to: string }[];
  /** New thread starts of webhook messages (webhook intake), by channel, direction and message pseudonym. */
  threads: readonly { channel: string; direction: string; message: string; threadStartMs: number }[];
}

export const NO_REWRITE: PersonRewrite = { moves: [], regions: [], conversations: [], threads: [] };

const isEmpty = (r: PersonRewrite) => r.moves.length + r.regions.length + r.conversations.length + r.threads.length === 0;

async function tempPairs(connection: DuckDBConnection, table: string, columns: [string, string], rows: readonly (readonly [string, string])[]): Promise<void> {
  await connection.run(`CREATE OR REPLACE TEMP TABLE ${table} (${columns[0]} VARCHAR, ${columns[1]} VARCHAR)`);
  for (const [a, b] of rows) await connection.run(`INSERT INTO ${table} VALUES ($1, $2)`, [a, b]);
}

const DAYS = 'days_of_moved_events';
const CONVERSATIONS = 'conversations_of_moved_events';
const MESSAGES = 'messages_of_moved_events';

/**
 * Saves the link records and applies the rewrite in one transaction: the events of merged
 * identities are moved to their person, the person's region set, joined threads renamed, and the
 * facts and activity days of every touched customer, conversation and message recomputed from
 * the events (as after an erasure). Run on the event writer's connection, alone.
 */
export async function applyPersons(
  connection: DuckDBConnection, business: string, records: readonly IdentityRecord[], rewrite: PersonRewrite,
): Promise<void> {
  await inTransaction(connection, async () => {
    await saveLinks(connection, [{ business, records }]);
    if (isEmpty(rewrite)) return;
    await tempPairs(connection, 'moved_customers', ['from_customer', 'to_customer'], rewrite.moves.map((m) => [m.from, m.to]));
    await tempPairs(connection, 'person_regions', ['person', 'region'], rewrite.regions.map((r) => [r.person, r.region]));
    await tempPairs(connection, 'moved_conversations', ['from_conversation', 'to_conversation'], rewrite.conversations.map((c) => [c.from, c.to]));
    const customers = inlineList([...rewrite.moves.flatMap((m) => [m.from, m.to]), ...rewrite.regions.map((r) => r.person)]) || "''";
    const conversations = inlineList(rewrite.conversations.flatMap((c) => [c.from, c.to])) || "''";
    const touched = `business = $1 AND (customer IN (${customers}) OR conversation IN (${conversations}))`;
    const daysOf = `SELECT DISTINCT business, ${daySql('occurred_at')} AS day, customer, conversation FROM events WHERE ${touched}`;
    await connection.run(`CREATE OR REPLACE TEMP TABLE ${DAYS} AS ${daysOf}`, [business]);
    await connection.run(`CREATE OR REPLACE TEMP TABLE ${MESSAGES} AS
SELECT DISTINCT business, coalesce(message, event_id) AS message FROM events
WHERE (type = 'message.sent' OR (type IN ('message.delivered', 'message.read', 'message.failed') AND message IS NOT NULL)) AND ${touched}`, [business]);
    await connection.run(`UPDATE events SET customer = m.to_customer FROM moved_customers m
WHERE events.business = $1 AND events.customer = m.from_customer`, [business]);
    await connection.run(`UPDATE events SET customer_region = r.region FROM person_regions r
WHERE events.business = $1 AND events.customer = r.person AND events.customer_region <> r.region`, [business]);
    await connection.run(`UPDATE events SET conversation = c.to_conversation FROM moved_conversations c
WHERE events.business = $1 AND events.conversation = c.from_conversation`, [business]);
    // The same events under their new customer and conversation values.
    await connection.run(`INSERT INTO ${DAYS} ${daysOf}`, [business]);
    await connection.run(`CREATE OR REPLACE TEMP TABLE ${CONVERSATIONS} AS
SELECT DISTINCT business, conversation FROM ${DAYS} WHERE conversation IS NOT NULL`);
    await rebuildConversationFacts(connection, CONVERSATIONS);
    await rebuildMessageFacts(connection, MESSAGES);
    await rebuildActivityDays(connection, DAYS);
    await moveWebhookState(connection, business, rewrite);
    await connection.run(`DROP TABLE ${DAYS}; DROP TABLE ${CONVERSATIONS}; DROP TABLE ${MESSAGES};
DROP TABLE moved_customers; DROP TABLE person_regions; DROP TABLE moved_conversations`);
  });
}

/** The webhook intake's thread records and receipt watermarks follow the person. */
async function moveWebhookState(connection: DuckDBConnection, business: string, rewrite: PersonRewrite): Promise<void> {
  await connection.run(`UPDATE webhook_messages SET customer = m.to_customer FROM moved_customers m
WHERE webhook_messages.business = $1 AND webhook_messages.customer = m.from_customer`, [business]);
  for (const t of rewrite.threads) {
    await connection.run(
      `UPDATE webhook_messages SET thread_start = make_timestamptz($5::BIGINT * 1000)
       WHERE business = $1 AND channel = $2 AND direction = $3 AND message = $4`,
      [business, t.channel, t.direction, t.message, Math.round(t.threadStartMs)],
    );
  }
  // A watermark moves only where the person has none of its own on that channel (receipts are
  // re-sent by the platform; the next one raises it).
  await connection.run(`UPDATE webhook_watermarks SET customer = m.to_customer FROM moved_customers m
WHERE webhook_watermarks.business = $1 AND webhook_watermarks.customer = m.from_customer
  AND NOT EXISTS (SELECT 1 FROM webhook_watermarks w WHERE w.business = $1 AND w.channel = webhook_watermarks.channel AND w.customer = m.to_customer)`, [business]);
  await connection.run(`DELETE FROM webhook_watermarks WHERE business = $1 AND customer IN (SELECT from_customer FROM moved_customers)`, [business]);
}

/**
 * Erasure: every record of these identifiers' persons (`records`, their persons' records as
 * loadPersons read them); the count of identifiers forgotten.
 */
export async function deleteLinks(
  connection: DuckDBConnection, business: string, identities: readonly string[], records: readonly IdentityRecord[],
): Promise<number> {
  const persons = inlineList(records.map((r) => r.person));
  const list = inlineList([...records.map((r) => r.identity), ...identities]);
  if (!list) return 0;
  await connection.run(
    `DELETE FROM customer_links WHERE business = $1 AND (identity IN (${list})${persons ? ` OR person IN (${persons})` : ''})`,
    [business],
  );
  return records.length;
}
