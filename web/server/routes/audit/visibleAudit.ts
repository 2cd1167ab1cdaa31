import { listAudit, type AuditQuery, type AuditRecord } from '../../../../db/auditLog';
import type { RegistryStore } from '../../../../db/store';
import { canSee } from '../../auth/businessScope';
import type { Principal } from '../../auth/principal';

/**
 * The businesses an entry is about: its target (an export's business, an erasure's businesses
 * joined by commas), else the scope a scoped reader's report was limited to (../../http/
 * servedFile.ts). Null when it covers every business (an unscoped reader's overview or residency
 * report) or none (a user or key managed by an admin).
 */
function businessesOf(entry: AuditRecord): string[] | null {
  if (entry.target !== null) return entry.target.split(',');
  const scope = entry.filters.scope;
  return Array.isArray(scope) && scope.length > 0 ? scope.map(String) : null;
}

/**
 * A scoped user sees the entries about their businesses only: every business an entry names is
 * in their scope. Entries about all businesses or about other businesses would name ids outside
 * the scope, or tell what other tenants' staff read.
 */
export function entryVisibleTo(principal: Principal, entry: AuditRecord): boolean {
  if (principal.businesses === null) return true;
  const businesses = businessesOf(entry);
  return businesses !== null && businesses.every((b) => canSee(principal, b));
}

const PAGE = 1000;

/**
 * Newest first, at most query.limit entries the principal may see. For a scoped principal the
 * log is read a page at a time from the newest until enough are found. The log is ordered by
 * time, then id, and can only be cut by time: so after each page the rest of its last
 * millisecond is read whole, and the next page starts before it; no entry is skipped or repeated.
 */
export async function listVisibleAudit(store: RegistryStore, principal: Principal, query: AuditQuery): Promise<AuditRecord[]> {
  if (principal.businesses === null) return listAudit(store, query);
  const visible: AuditRecord[] = [];
  let until = query.until;
  for (;;) {
    const page = await listAudit(store, { ...query, until, limit: PAGE });
    const full = page.length === PAGE;
    const last = full ? new Date(page.at(-1)!.at) : undefined;
    const rest = last ? await restOfMillisecond(store, query, last, page) : [];
    visible.push(...[...page, ...rest].filter((e) => entryVisibleTo(principal, e)));
    if (!last || visible.length >= query.limit) return visible.slice(0, query.limit);
    until = last;
  }
}

/** The entries of this millisecond that come after the page (lower ids), in the log's order. */
async function restOfMillisecond(store: RegistryStore, query: AuditQuery, at: Date, page: readonly AuditRecord[]): Promise<AuditRecord[]> {
  const onPage = new Set(page.map((e) => e.id));
  const all = await listAudit(store, { ...query, since: at, until: new Date(at.getTime() + 1), limit: Number.MAX_SAFE_INTEGER });
  return all.filter((e) => !onPage.has(e.id));
}
