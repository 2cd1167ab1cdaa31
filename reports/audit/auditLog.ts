import { and, desc, gte, lt, type SQL } from 'drizzle-orm';
import { auditLog } from '../../db/schema';
import type { SerialStore } from '../../db/store';

/**
 * The audit log (SPEC 9): who read or exported what, when, with which filters, how many rows and
 * the SHA-256 of the exact bytes served. Written through the admin store's serialised connection
 * (the report read connection is for reads only). Never holds a raw identifier: actors are user
 * emails or "admin", filters are report parameters, targets are business ids.
 */

export interface AuditEntry {
  actor: string;
  /** e.g. `export.residency.pdf`, `report.residency`. */
  action: string;
  /** The business of a business export; null otherwise. */
  target: string | null;
  filters: Record<string, unknown>;
  rowCount: number;
  /** Hex SHA-256 of the bytes served. */
  sha256: string;
}

/** A stored row: other writers (erasure requests) may leave rows, filters or the hash empty. */
export interface AuditRecord extends Omit<AuditEntry, 'rowCount' | 'sha256'> {
  id: string;
  /** RFC 3339, UTC. */
  at: string;
  rowCount: number | null;
  sha256: string | null;
}

export async function writeAudit(store: SerialStore, entry: AuditEntry, at: Date): Promise<void> {
  await store.exclusive((db) =>
    db.insert(auditLog).values({
      at: at.toISOString(),
      actor: entry.actor,
      action: entry.action,
      target: entry.target,
      filters: entry.filters,
      rowCount: entry.rowCount,
      sha256: entry.sha256,
    }),
  );
}

export interface AuditQuery {
  /** Instants, inclusive / exclusive. */
  since?: Date;
  until?: Date;
  limit: number;
}

/** Newest first. */
export async function listAudit(store: SerialStore, query: AuditQuery): Promise<AuditRecord[]> {
  const conditions: SQL[] = [];
  if (query.since) conditions.push(gte(auditLog.at, query.since.toISOString()));
  if (query.until) conditions.push(lt(auditLog.at, query.until.toISOString()));
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
