import type { MiddlewareHandler } from 'hono';
import { recordServed, type AuditDeps } from './servedFile';

export interface ReplyAudit {
  action: string;
  /** The report parameters as the client sent them. */
  filters: (query: Record<string, string>) => Record<string, unknown>;
  /** Rows of the reply's JSON body. */
  rowCount: (body: unknown) => number;
  /** The business the reply is about, when it is about one (from the request path). */
  target?: (path: string) => string | null;
}

/**
 * Audits a JSON report reply (every report read: overview, business, residency): after the handler, hashes the
 * exact body bytes and records them; the reply goes out only once that record is written (503
 * otherwise). Error replies are not report reads and are not recorded.
 */
export function auditReply(deps: AuditDeps, audit: ReplyAudit): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (c.res.status !== 200) return;
    const bytes = new Uint8Array(await c.res.arrayBuffer());
    const body: unknown = JSON.parse(new TextDecoder().decode(bytes));
    await recordServed(c, deps, { action: audit.action, target: audit.target?.(c.req.path) ?? null, filters: audit.filters(c.req.query()), rowCount: audit.rowCount(body) }, bytes);
    c.res = new Response(bytes, { status: 200, headers: c.res.headers });
  };
}
