import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import type { Logger } from 'pino';
import type { RegistryStore } from '../../../db/store';
import { principalOf } from '../auth/principal';
import { ApiError } from './apiError';
import { appendAudit } from '../../../db/auditLog';

export interface AuditDeps {
  store: RegistryStore;
  now: () => number;
  logger?: Logger;
}

export const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** What an export or report read records, besides who and the hash of what was served. */
export interface ServedRecord {
  action: string;
  target: string | null;
  filters: Record<string, unknown>;
  rowCount: number;
}

/**
 * Records that these exact bytes are about to be served. The record is written before the
 * reply: when it cannot be written, nothing is served and the caller gets 503, so no export or
 * residency read ever goes unrecorded.
 */
export async function recordServed(c: Context, deps: AuditDeps, what: ServedRecord, bytes: Uint8Array): Promise<void> {
  const { actor, businesses } = principalOf(c);
  // A scoped reader's report held only their businesses: the record says which (the audit view
  // shows a scoped user the entries about their businesses only, ../routes/audit/).
  const filters = businesses === null ? what.filters : { ...what.filters, scope: [...businesses] };
  const entry = { ...what, filters, actor, sha256: sha256Hex(bytes), atMs: deps.now() };
  try {
    await appendAudit(deps.store, entry);
  } catch (error) {
    deps.logger?.error({ err: { type: (error as Error).name, message: (error as Error).message.slice(0, 300) }, action: entry.action }, 'audit log write failed');
    throw new ApiError(503, 'audit_unavailable', 'the audit log could not be written, so nothing was served; try again later');
  }
}

export interface ServedFile {
  bytes: Uint8Array;
  contentType: string;
  fileName: string;
}

/** Records, then serves the file as an attachment. */
export async function serveAuditedFile(c: Context, deps: AuditDeps, what: ServedRecord, file: ServedFile): Promise<Response> {
  await recordServed(c, deps, what, file.bytes);
  return c.body(file.bytes as Uint8Array<ArrayBuffer>, 200, {
    'content-type': file.contentType,
    'content-disposition': `attachment; filename="${file.fileName}"`,
    // Reports of people's data: not for shared caches, and not to be kept by the browser either.
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
}
