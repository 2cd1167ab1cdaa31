import { randomUUID } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { and, desc, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import { auditLog } from './schema';
import type { SerialStore } from './store';

/**
 * The audit log: who read, exported or erased what, when, with which filters, how
 * many rows and the SHA-256 of the exact bytes served. Never a raw identifier of a customer:
 * actors are user emails or "admin", filters are report parameters, targets are business ids,
 * and an erasure request is recorded without the person it named.
 */
export interface AuditEntry {
  /** The user's email, or "admin" for the built-in admin. */
  actor: string;
  /** e.g. `export.residency.pdf`, `report.residency`, `privacy.erasure`. */
  action: string;
  target?: string | null;
  filters?: Record<string, unknown> | null;
  rowCount?: number | null;
  /** Hex SHA-256 of the bytes served. */
  sha256?: string | null;
  /** Milliseconds since the epoch. */
  atMs: number;
}

/** A stored row. */
export interface AuditRecord {
  id: string;
  /** RFC 3339, UTC. */
  at: string;
  actor: string;
  action: string;
  target: string | null;
  filters: Record<string, unknown>;
  rowCount: number | null;
  sha256: string | null;
}

/**
 * Appends an audit row on this connection, inside the caller's transaction if there is one
 * (erasure records itself in the transaction that deletes).
 */
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

/** Appends an audit row through the admin store's serialised connection. */
export async function appendAudit(store: SerialStore, entry: AuditEntry): Promise<void> {
  await store.exclusive(() => appendAuditOn(store.connection, entry));
}

export interface AuditQuery {
  /** Instants, inclusive / exclusive. */
  since?: Date;
  until?: Date;
  /** Only this actor's entries (exact). */
  actor?: string;
  /** Only actions starting with this (e.g. `report.`, `export.business.`). */
  actionPrefix?: string;
  limit: number;
}

/** Newest first. */
export async function listAudit(store: SerialStore, query: AuditQuery): Promise<AuditRecord[]> {
  const conditions: SQL[] = [];
  if (query.since) conditions.push(gte(auditLog.at, query.since.toISOString()));
  if (query.until) conditions.push(lt(auditLog.at, query.until.toISOString()));
  if (query.actor !== undefined) conditions.push(eq(auditLog.actor, query.actor));
  if (query.actionPrefix !== undefined) conditions.push(sql`starts_with(${auditLog.action}, ${query.actionPrefix})`);
  const rows = await store.exclusive((db) =>
    db.select().from(auditLog).where(and(...conditions)).orderBy(desc(auditLog.at), desc(auditLog.id)).limit(query.limit),
  );
  return rows.map((row) => ({
    id: row.id,
    at: new Date(row.at).toISOString(),
    actor: row.actor,
    action: row.action,
    target: row.target,
    filters: parseFilters(row.filters),
    rowCount: row.rowCount,
    sha256: row.sha256,
  }));
}

// DuckDB hands a JSON column back as its text.
function parseFilters(value: unknown): Record<string, unknown> {
  const parsed = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
}
