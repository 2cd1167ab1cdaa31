import { randomUUID } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { SerialStore } from './store';

/**
 * One row of the audit log (table audit_log). Who did what, when, with which filters: never a
 * raw identifier of a customer (an erasure request is recorded without the person it named).
 */
export interface AuditEntry {
  /** The user's email, or "admin" for the built-in admin. */
  actor: string;
  action: string;
  target?: string | null;
  filters?: Record<string, unknown> | null;
  rowCount?: number | null;
  sha256?: string | null;
  /** Milliseconds since the epoch. */
  atMs: number;
}

/** Appends an audit row on this connection (inside the caller's transaction, if any). */
export async function appendAuditOn(connection: DuckDBConnection, entry: AuditEntry): Promise<void> {
  await connection.run(
    `INSERT INTO audit_log (id, "at", actor, action, target, filters, row_count, sha256)
     VALUES ($1::UUID, $2::TIMESTAMPTZ, $3, $4, $5, $6::JSON, $7::INTEGER, $8)`,
    [
      randomUUID(),
      new Date(entry.atMs).toISOString(),
      entry.actor.slice(0, 200),
      entry.action.slice(0, 64),
      entry.target == null ? null : entry.target.slice(0, 500),
      entry.filters == null ? null : JSON.stringify(entry.filters),
      entry.rowCount ?? null,
      entry.sha256 ?? null,
    ] as never,
  );
}

/** Appends an audit row through the admin store's connection. */
export async function appendAudit(store: SerialStore, entry: AuditEntry): Promise<void> {
  await store.exclusive(() => appendAuditOn(store.connection, entry));
}
