import { randomUUID } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { and, desc, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import { auditLog } from './schema';
import type { RegistryDb, RegistryStore } from './store';

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

/** The stored row of an entry; text cut to the columns' lengths. */
function auditRow(entry: AuditEntry) {
  return {
    id: randomUUID(),
    at: new Date(entry.atMs).toISOString(),
    actor: entry.actor.slice(0, 200),
    action: entry.action.slice(0, 64),
    target: entry.target == null ? null : entry.target.slice(0, 500),
    filters: entry.filters ?? null,
    rowCount: entry.rowCount ?? null,
    sha256: entry.sha256 ?? null,
  };
}

/**
 * Appends an audit row on this DuckDB connection, inside the caller's transaction if there is
 * one (erasure records itself in the transaction that deletes).
 */
export async function appendAuditOn(connection: DuckDBConnection, entry: AuditEntry): Promise<void> {
  const row = auditRow(entry);
  await connection.run(
    `INSERT INTO audit_log (id, "at", actor, action, target, filters, row_count, sha256)
     VALUES ($1::UUID, $2::TIMESTAMPTZ, $3, $4, $5, $6::JSON, $7::INTEGER, $8)`,
    [row.id, row.at, row.actor, row.action, row.target, row.filters === null ? null : JSON.stringify(row.filters), row.rowCount, row.sha256] as never,
  );
}

/** Appends an audit row through the registry store (DuckDB or PostgreSQL). */
export async function appendAudit(store: RegistryStore, entry: AuditEntry): Promise<void> {
  await store.exclusive((db) => appendAuditTo(db, entry));
}

/**
 * Appends an audit row on a registry handle, inside the caller's RegistryStore.transaction when
 * it is one's (ClickHouse mode: an erasure's entry commits with its webhook-state deletion).
 */
export async function appendAuditTo(db: RegistryDb, entry: AuditEntry): Promise<void> {
  await db.insert(auditLog).values(auditRow(entry));
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
export async function listAudit(store: RegistryStore, query: AuditQuery): Promise<AuditRecord[]> {
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

// DuckDB hands a JSON column back as its text; PostgreSQL as the parsed value.
function parseFilters(value: unknown): Record<string, unknown> {
  const parsed = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
}
