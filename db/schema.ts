import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  customType,
  doublePrecision,
  integer,
  json,
  pgTable,
  primaryKey,
  timestamp,
  unique,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';

// DuckDB through drizzle's pg-core: no pgEnum (drizzle-kit qualifies it with "public"), no
// serial/identity, no FOREIGN KEY constraints (see ../shared/STACK.md). Enumerations are
// varchar + CHECK, and the application validates lengths because DuckDB does not.

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'string' });
// DuckDB's unsigned 128-bit integer: the report facts' keys (db/factKey.ts).
const uhugeint = customType<{ data: bigint }>({ dataType: () => 'uhugeint' });

export const businesses = pgTable('businesses', {
  id: varchar('id', { length: 64 }).primaryKey(),
  name: varchar('name', { length: 200 }).notNull(),
  sector: varchar('sector', { length: 100 }).notNull(),
  verified: boolean('verified').notNull(),
  timezone: varchar('timezone', { length: 64 }).notNull(),
  businessHours: json('business_hours').notNull(),
  appSecret: varchar('app_secret', { length: 256 }),
  verifyToken: varchar('verify_token', { length: 256 }),
  createdAt: timestamptz('created_at').notNull(),
  updatedAt: timestamptz('updated_at').notNull(),
});

// A location is a country or an international organisation (exactly one of the two): an
// organisation holds its own adequacy decision and is never matched against events' processed_in.
// No primary key: country may be null, and the API keeps each location once (BusinessPut).
export const processingLocations = pgTable(
  'processing_locations',
  {
    business: varchar('business', { length: 64 }).notNull(),
    country: varchar('country', { length: 2 }),
    organisation: varchar('organisation', { length: 200 }),
    processor: varchar('processor', { length: 200 }).notNull(),
    role: varchar('role', { length: 16 }).notNull(),
    mechanism: varchar('mechanism', { length: 16 }).notNull(),
    isPrimary: boolean('is_primary').notNull(),
    // YYYY-MM-DD, as text: the same on both engines; the API checks the form.
    tiaDate: varchar('tia_date', { length: 10 }),
    nextReview: varchar('next_review', { length: 10 }),
    importerSubjectToGdpr: boolean('importer_subject_to_gdpr').notNull().default(false),
  },
  (t) => [
    check('processing_locations_role', sql`${t.role} IN ('controller', 'processor')`),
    check(
      'processing_locations_mechanism',
      sql`${t.mechanism} IN ('eea', 'adequacy', 'dpf', 'scc', 'bcr', 'derogation', 'none')`,
    ),
    check('processing_locations_place', sql`(${t.country} IS NULL) <> (${t.organisation} IS NULL)`),
  ],
);

export const ingestKeys = pgTable('ingest_keys', {
  id: varchar('id', { length: 32 }).primaryKey(),
  // SHA-256 of the key: keys are 32 random bytes, so a fast hash is enough (nothing to enumerate).
  keyHash: varchar('key_hash', { length: 64 }).notNull().unique(),
  label: varchar('label', { length: 200 }),
  createdAt: timestamptz('created_at').notNull(),
  revokedAt: timestamptz('revoked_at'),
});

export const ingestKeyBusinesses = pgTable(
  'ingest_key_businesses',
  {
    keyId: varchar('key_id', { length: 32 }).notNull(),
    business: varchar('business', { length: 64 }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.keyId, t.business] })],
);

// The raw event table. Every identifier is a keyed pseudonym (64 hex characters); no column can
// hold message content or a contact's name. Written in bulk by db/eventWriter.ts, never through
// drizzle inserts.
export const events = pgTable('events', {
  business: varchar('business', { length: 64 }).notNull(),
  eventId: varchar('event_id', { length: 64 }).notNull(),
  type: varchar('type', { length: 32 }).notNull(),
  channel: varchar('channel', { length: 16 }).notNull(),
  customer: varchar('customer', { length: 64 }).notNull(),
  customerRegion: varchar('customer_region', { length: 2 }).notNull(),
  conversation: varchar('conversation', { length: 64 }),
  message: varchar('message', { length: 64 }),
  occurredAt: timestamptz('occurred_at').notNull(),
  receivedAt: timestamptz('received_at').notNull(),
  sender: varchar('sender', { length: 16 }),
  category: varchar('category', { length: 32 }),
  template: varchar('template', { length: 512 }),
  processedIn: varchar('processed_in', { length: 2 }).notNull(),
  errorCode: integer('error_code'),
  // The platform's pricing type of the message (regular = charged, free_customer_service,
  // free_entry_point), on a send or a status; NULL when the client did not say.
  pricing: varchar('pricing', { length: 32 }),
  // Where a send was made when not through the API: business_app (a WhatsApp Business app reply
  // on a number shared with the Cloud API). NULL otherwise.
  source: varchar('source', { length: 16 }),
  // The client's campaign tag of a send (a tag alphabet, never personal data: ingest/events/
  // eventSchema.ts CAMPAIGN_TAG); NULL otherwise. Last: added after the table existed, and the
  // appender writes columns in order (db/eventStore.ts).
  campaign: varchar('campaign', { length: 128 }),
});

// Per-conversation facts, derived from the events at write time (db/conversationFacts.ts), so a
// report reads one row per conversation instead of every message event of all time. Every column
// is a minimum (or the value at one), so combining partial rows gives the same result in any
// order: late and out-of-order events keep them exact.
const conversationFactColumns = () => ({
  business: varchar('business', { length: 64 }).notNull(),
  // factKey of the conversation's pseudonym (db/factKey.ts); so is `customer`.
  conversation: uhugeint('conversation').notNull(),
  // The earliest message.* event of the conversation.
  firstAt: timestamptz('first_at').notNull(),
  // The earliest message.received, and its customer and channel: the start when it is also
  // the earliest message.* event (a customer-initiated conversation).
  startedAt: timestamptz('started_at'),
  customer: uhugeint('customer'),
  channel: varchar('channel', { length: 16 }),
  // The earliest message.sent by an agent or a bot: the first response.
  repliedAt: timestamptz('replied_at'),
  // The latest message.* event: a conversation that started before a period can only have a
  // message in it if this reaches it. NULL: not known (rows written before it existed).
  lastAt: timestamptz('last_at'),
  // The first response's business-hours seconds, stored so a report need not join every
  // conversation to the opening hours (db/conversationTiming.ts), and the hours it was timed
  // against (hoursKeyOf: of every registered business's hours). NULL until timed; a report times
  // at query time any conversation whose key is not the current one, so a change of hours is
  // exact at once.
  frtBhS: doublePrecision('frt_bh_s'),
  frtBhHoursKey: bigint('frt_bh_hours_key', { mode: 'number' }),
});

export const conversationFacts = pgTable('conversation_facts', conversationFactColumns());

// Per-message facts, derived at write time like conversation_facts: one row per sent message
// (the platform message id, or the event id of a send without one) with what its earliest
// message.sent said, and whether a delivered or read status exists at any time. A status that
// arrives before its message makes a row without a send, completed when the send arrives.
const messageFactColumns = () => ({
  business: varchar('business', { length: 64 }).notNull(),
  // factKey of the message's pseudonym (db/factKey.ts); so is `customer`.
  message: uhugeint('message').notNull(),
  sentAt: timestamptz('sent_at'),
  channel: varchar('channel', { length: 16 }),
  customer: uhugeint('customer'),
  sender: varchar('sender', { length: 16 }),
  category: varchar('category', { length: 32 }),
  template: varchar('template', { length: 512 }),
  // A message.delivered or message.read event exists (read implies delivered).
  delivered: boolean('delivered').notNull(),
  read: boolean('read').notNull(),
  // The category a status reported (the platform's billing category; it corrects the send's).
  statusCategory: varchar('status_category', { length: 32 }),
  // The pricing type a send or a status reported (regular = charged, free_*: free).
  pricing: varchar('pricing', { length: 32 }),
  // The earliest message.failed, and whether a failure was the platform's cap on marketing
  // messages (131049, 130472) rather than an undeliverable message.
  failedAt: timestamptz('failed_at'),
  // Nullable only because DuckDB cannot add a NOT NULL column to a table; always written.
  limited: boolean('limited').default(false),
  // The campaign tag of the earliest send, as `template`. Last: added after the table existed.
  campaign: varchar('campaign', { length: 128 }),
});

export const messageFacts = pgTable('message_facts', messageFactColumns());

// The facts' write-time parts (db/factParts.ts), with the facts' columns and no key: each
// committed batch appends its partial rows here, in the events' transaction, without an index,
// and a compaction folds them into the facts tables in bulk. Readers see facts and parts
// combined, so a report never waits for it.
export const conversationFactParts = pgTable('conversation_fact_parts', conversationFactColumns());

export const messageFactParts = pgTable('message_fact_parts', messageFactColumns());

// One person, several identifiers: a customer's phone number and WhatsApp business-scoped user
// id (BSUID), or an old and a new number, are linked when a payload carries both or a system
// message says one replaced the other. Every identifier of a linked person has a row (the person's
// own included); `person` is the pseudonym its events are stored under. Pseudonyms only.
// Appended, never updated: an identifier's record is its row with the highest `version` (DuckDB's
// INSERT OR REPLACE on a key cost 4-16 ms a commit, most of the intake's time with new links).
export const customerLinks = pgTable('customer_links', {
  business: varchar('business', { length: 64 }).notNull(),
  identity: varchar('identity', { length: 64 }).notNull(),
  person: varchar('person', { length: 64 }).notNull(),
  // phone, bsuid or other: which region source the identifier is (phone beats bsuid beats other).
  kind: varchar('kind', { length: 8 }).notNull(),
  // The identifier's own region (ZZ when unknown), and the earliest time it was seen.
  region: varchar('region', { length: 2 }).notNull(),
  firstAt: timestamptz('first_at').notNull(),
  // Increases with every record written: the latest per identifier is in force.
  version: bigint('version', { mode: 'number' }).notNull(),
});

export const auditLog = pgTable('audit_log', {
  id: uuid('id').defaultRandom().primaryKey(),
  at: timestamptz('at').notNull(),
  actor: varchar('actor', { length: 200 }).notNull(),
  action: varchar('action', { length: 64 }).notNull(),
  target: varchar('target', { length: 500 }),
  filters: json('filters'),
  rowCount: integer('row_count'),
  sha256: varchar('sha256', { length: 64 }),
});

// Webhook intake state (ingest/webhooks). Customer and message columns hold the same keyed
// pseudonyms as `events`; nothing here can hold a phone number, a name or a text.

// One row per platform message seen through a webhook (received, or sent by the business), so
// that a WhatsApp/Messenger conversation (the customer's thread, new after 24 hours without a
// message) can be resolved for later and for out-of-order messages, statuses can be filed under
// their message's conversation, and Messenger read/delivery watermarks can be expanded into the
// earlier sent messages they cover.
export const webhookMessages = pgTable(
  'webhook_messages',
  {
    business: varchar('business', { length: 64 }).notNull(),
    channel: varchar('channel', { length: 16 }).notNull(),
    direction: varchar('direction', { length: 3 }).notNull(),
    message: varchar('message', { length: 64 }).notNull(),
    customer: varchar('customer', { length: 64 }).notNull(),
    at: timestamptz('at').notNull(),
    // The conversation key: when the thread this message belongs to started (as first seen).
    threadStart: timestamptz('thread_start').notNull(),
    delivered: boolean('delivered').notNull(),
    read: boolean('read').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.business, t.channel, t.direction, t.message] }),
    check('webhook_messages_direction', sql`${t.direction} IN ('in', 'out')`),
  ],
);

// The highest delivery/read watermark seen per customer (Messenger), so a sent message whose
// echo arrives after the receipt that covers it is still marked delivered/read.
export const webhookWatermarks = pgTable(
  'webhook_watermarks',
  {
    business: varchar('business', { length: 64 }).notNull(),
    channel: varchar('channel', { length: 16 }).notNull(),
    customer: varchar('customer', { length: 64 }).notNull(),
    deliveredUntil: timestamptz('delivered_until'),
    readUntil: timestamptz('read_until'),
  },
  (t) => [primaryKey({ columns: [t.business, t.channel, t.customer] })],
);

// Business-level platform events (Messenger policy enforcement): no customer identifier, and
// Meta's free-text reason is not kept.
export const webhookPolicyEvents = pgTable(
  'webhook_policy_events',
  {
    business: varchar('business', { length: 64 }).notNull(),
    channel: varchar('channel', { length: 16 }).notNull(),
    action: varchar('action', { length: 32 }).notNull(),
    occurredAt: timestamptz('occurred_at').notNull(),
    receivedAt: timestamptz('received_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.business, t.channel, t.action, t.occurredAt] })],
);

// Per-business counters of webhook payloads (or parts of them) that could not be mapped or were
// rejected; the payloads themselves are never stored.
export const webhookIntakeProblems = pgTable(
  'webhook_intake_problems',
  {
    business: varchar('business', { length: 64 }).notNull(),
    channel: varchar('channel', { length: 16 }).notNull(),
    kind: varchar('kind', { length: 32 }).notNull(),
    count: integer('count').notNull(),
    lastAt: timestamptz('last_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.business, t.channel, t.kind] })],
);

// Dashboard users. Passwords are scrypt hashes; sessions are kept as the SHA-256 of the
// cookie's random token, so a copy of the database cannot be used to log in.
export const users = pgTable(
  'users',
  {
    id: varchar('id', { length: 40 }).primaryKey(),
    email: varchar('email', { length: 254 }).notNull().unique(),
    passwordHash: varchar('password_hash', { length: 200 }).notNull(),
    role: varchar('role', { length: 16 }).notNull(),
    createdAt: timestamptz('created_at').notNull(),
    // The business ids the user may see, as a JSON array; NULL: every business (admins,
    // single-company deployments).
    businesses: json('businesses'),
  },
  (t) => [check('users_role', sql`${t.role} IN ('marketing', 'dpo', 'admin')`)],
);

export const sessions = pgTable('sessions', {
  tokenHash: varchar('token_hash', { length: 64 }).primaryKey(),
  // The built-in admin (ADMIN_TOKEN) has no users row: its sessions have user_id NULL.
  userId: varchar('user_id', { length: 40 }),
  // A user's session re-reads the role and scope from `users` on every request; this column
  // is what the session was created with, kept for the built-in admin's sessions.
  role: varchar('role', { length: 16 }).notNull(),
  createdAt: timestamptz('created_at').notNull(),
  expiresAt: timestamptz('expires_at').notNull(),
  // Built-in admin only: HMAC-SHA256 of the ADMIN_TOKEN keyed with the cookie's token (hex),
  // so a session ends when the token is rotated, and a copy of the database cannot be used to
  // test guesses of the token (the cookie's token is not stored).
  adminTokenProof: varchar('admin_token_proof', { length: 64 }),
});

// What each customer and each conversation did on each UTC day (db/activityDays.ts), appended in
// the events' transaction: the distinct counts of the reports (customers who blocked, who were
// sent a marketing message, ...; conversations with a message) and the residency figures read
// these instead of the period's events. Not unique: a key has one row per batch it appeared in,
// and readers combine them with bit_or over `kinds` (db/activityKinds.ts).
export const customerDays = pgTable('customer_days', {
  business: varchar('business', { length: 64 }).notNull(),
  // UTC days since 1970-01-01 of the events' occurred_at.
  day: integer('day').notNull(),
  channel: varchar('channel', { length: 16 }).notNull(),
  processedIn: varchar('processed_in', { length: 2 }).notNull(),
  customerRegion: varchar('customer_region', { length: 2 }).notNull(),
  // factKey of the customer's pseudonym (db/factKey.ts).
  customer: uhugeint('customer').notNull(),
  kinds: integer('kinds').notNull(),
});

export const conversationDays = pgTable('conversation_days', {
  business: varchar('business', { length: 64 }).notNull(),
  day: integer('day').notNull(),
  channel: varchar('channel', { length: 16 }).notNull(),
  // factKey of the conversation's pseudonym.
  conversation: uhugeint('conversation').notNull(),
  kinds: integer('kinds').notNull(),
});

// How far each report table is clustered (db/clustering.ts): its rows of the UTC days up to
// through_day are stored ordered by business and time, so a report of one business reads its own
// rows only (DuckDB skips row groups by their min/max).
export const clusteredDays = pgTable('clustered_days', {
  tableName: varchar('table_name', { length: 64 }).primaryKey(),
  throughDay: integer('through_day').notNull(),
});

// Rate cards (db/rateCards.ts): the prices an admin uploads, since none are shipped. Every upload
// of a card is a new version, never overwritten, so a cost computed for a past send can always be
// recomputed with the card that was in force then.
export const rateCardVersions = pgTable(
  'rate_card_versions',
  {
    cardId: varchar('card_id', { length: 64 }).notNull(),
    // 1, 2, ... per card, in upload order.
    version: integer('version').notNull(),
    // ISO 4217, e.g. EUR.
    currency: varchar('currency', { length: 3 }).notNull(),
    // The UTC date (YYYY-MM-DD) from which it applies: text, so both engines compare it alike.
    effectiveFrom: varchar('effective_from', { length: 10 }).notNull(),
    uploadedAt: timestamptz('uploaded_at').notNull(),
    // The uploader's email, or "admin" for the built-in admin.
    uploadedBy: varchar('uploaded_by', { length: 200 }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.cardId, t.version] })],
);

export const rateCardPrices = pgTable(
  'rate_card_prices',
  {
    cardId: varchar('card_id', { length: 64 }).notNull(),
    version: integer('version').notNull(),
    // A pricing category of db/vocabulary.ts.
    category: varchar('category', { length: 32 }).notNull(),
    // ISO 3166-1 alpha-2, or `*`: any country without a row of its own.
    country: varchar('country', { length: 2 }).notNull(),
    // Millionths of the currency unit: exact (a double cannot hold 0.1131), the same on both
    // engines, and summed without rounding error.
    priceMicros: bigint('price_micros', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.cardId, t.version, t.category, t.country] })],
);

// The card a business's costs are priced with, when it is not the card `default`.
export const businessRateCards = pgTable('business_rate_cards', {
  business: varchar('business', { length: 64 }).primaryKey(),
  cardId: varchar('card_id', { length: 64 }).notNull(),
});

// Alerts (db/alerts.ts): what fired for a business, and its delivery to the URL the business
// registered. Figures only: nothing here names a customer or holds a message's text.

// Where a business's alerts are posted; the secret (signs each body) is sealed (db/secretBox.ts).
export const alertEndpoints = pgTable('alert_endpoints', {
  business: varchar('business', { length: 64 }).primaryKey(),
  url: varchar('url', { length: 2048 }).notNull(),
  secret: varchar('secret', { length: 512 }).notNull(),
  updatedAt: timestamptz('updated_at').notNull(),
});

// One row per fired alert and its delivery state (the outbox). UNIQUE (business, cause): a cause
// fires once, also when several servers share the registry.
export const alerts = pgTable(
  'alerts',
  {
    id: uuid('id').primaryKey(),
    business: varchar('business', { length: 64 }).notNull(),
    kind: varchar('kind', { length: 64 }).notNull(),
    cause: varchar('cause', { length: 256 }).notNull(),
    firedAt: timestamptz('fired_at').notNull(),
    title: varchar('title', { length: 200 }).notNull(),
    details: json('details').notNull(),
    state: varchar('state', { length: 16 }).notNull(),
    // Attempts started so far; a claim increments it and numbers its attempt.
    attempts: integer('attempts').notNull(),
    nextAttemptAt: timestamptz('next_attempt_at').notNull(),
    // While an attempt is under way: no other worker claims the alert before this time.
    claimedUntil: timestamptz('claimed_until'),
    deliveredAt: timestamptz('delivered_at'),
  },
  (t) => [
    unique('alerts_business_cause').on(t.business, t.cause),
    check('alerts_state', sql`${t.state} IN ('undelivered', 'delivered', 'failed')`),
  ],
);

// Every delivery attempt: the HTTP status, or the class of error when none came back.
export const alertAttempts = pgTable(
  'alert_attempts',
  {
    alert: uuid('alert').notNull(),
    attempt: integer('attempt').notNull(),
    at: timestamptz('at').notNull(),
    status: integer('status'),
    error: varchar('error', { length: 32 }),
    durationMs: integer('duration_ms').notNull(),
  },
  (t) => [primaryKey({ columns: [t.alert, t.attempt] })],
);

// The alert rules a business set (db/alertRules.ts): thresholds and the jump rule, one JSON
// document; a business without a row gets the documented defaults.
export const alertRules = pgTable('alert_rules', {
  business: varchar('business', { length: 64 }).primaryKey(),
  rules: json('rules').notNull(),
  updatedAt: timestamptz('updated_at').notNull(),
});

// The records of processing a business declared (db/processingRecords.ts): controller, DPO,
// purposes with retention, WhatsApp numbers' local storage; one JSON document, like alert_rules.
export const processingRecords = pgTable('processing_records', {
  business: varchar('business', { length: 64 }).primaryKey(),
  records: json('records').notNull(),
  updatedAt: timestamptz('updated_at').notNull(),
});

// What the residency change alerts last recorded per business (db/residencySnapshots.ts): each
// location's status and whether it was declared and seen, and the legal lists' versions; one
// JSON document, like alert_rules. Country codes and statuses only, never an identifier.
export const residencySnapshots = pgTable('residency_snapshots', {
  business: varchar('business', { length: 64 }).primaryKey(),
  snapshot: json('snapshot').notNull(),
  updatedAt: timestamptz('updated_at').notNull(),
});
