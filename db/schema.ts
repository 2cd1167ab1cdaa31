import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  integer,
  json,
  pgTable,
  primaryKey,
  timestamp,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';

// DuckDB through drizzle's pg-core: no pgEnum (drizzle-kit qualifies it with "public"), no
// serial/identity, no FOREIGN KEY constraints (see ../shared/STACK.md). Enumerations are
// varchar + CHECK, and the application validates lengths because DuckDB does not.

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'string' });

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

export const processingLocations = pgTable(
  'processing_locations',
  {
    business: varchar('business', { length: 64 }).notNull(),
    country: varchar('country', { length: 2 }).notNull(),
    processor: varchar('processor', { length: 200 }).notNull(),
    role: varchar('role', { length: 16 }).notNull(),
    mechanism: varchar('mechanism', { length: 16 }).notNull(),
    isPrimary: boolean('is_primary').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.business, t.country, t.processor] }),
    check('processing_locations_role', sql`${t.role} IN ('controller', 'processor')`),
    check(
      'processing_locations_mechanism',
      sql`${t.mechanism} IN ('eea', 'adequacy', 'dpf', 'scc', 'bcr', 'derogation', 'none')`,
    ),
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
  category: varchar('category', { length: 16 }),
  template: varchar('template', { length: 512 }),
  processedIn: varchar('processed_in', { length: 2 }).notNull(),
  errorCode: integer('error_code'),
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
