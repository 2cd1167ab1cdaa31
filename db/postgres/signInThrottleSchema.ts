import { bigint, index, pgTable, text } from 'drizzle-orm/pg-core';

// The sign-in throttle's state when several app servers share PostgreSQL (STORE=clickhouse; the
// embedded mode keeps it in memory). Keys are SHA-256 hashes (base64url) of the account, the
// address, or both: never an email or an address. Times are the app servers' clocks, in ms.
// Rows expire: attempts outside the window and addresses not signed in from for knownAddressMs
// are deleted when their key is touched and by a periodic sweep (web/server/auth/postgresLoginThrottle.ts).

/** One counted attempt on a key (an account, an account from one address, or an address). */
export const signInAttempts = pgTable('sign_in_attempts', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  key: text('key').notNull(),
  atMs: bigint('at_ms', { mode: 'number' }).notNull(),
}, (table) => [index('sign_in_attempts_key_at').on(table.key, table.atMs), index('sign_in_attempts_at').on(table.atMs)]);

/** A key refused since it last admitted an attempt: the audit log records one refusal per run. */
export const signInRefusals = pgTable('sign_in_refusals', {
  key: text('key').primaryKey(),
  atMs: bigint('at_ms', { mode: 'number' }).notNull(),
}, (table) => [index('sign_in_refusals_at').on(table.atMs)]);

/** An account and an address it was signed in to from, with when: that address keeps its own allowance. */
export const signInKnownAddresses = pgTable('sign_in_known_addresses', {
  key: text('key').primaryKey(),
  atMs: bigint('at_ms', { mode: 'number' }).notNull(),
}, (table) => [index('sign_in_known_addresses_at').on(table.atMs)]);
