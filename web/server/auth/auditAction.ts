import type { Logger } from 'pino';
import { appendAudit } from '../../../db/auditLog';
import type { RegistryStore } from '../../../db/store';
import { ApiError } from '../http/apiError';

export interface ActionAuditDeps {
  store: RegistryStore;
  now: () => number;
  logger?: Logger;
}

/** A sign-in or an admin action, for the audit log. Filters name changed fields; never a password or secret. */
export interface ActionRecord {
  actor: string;
  /** e.g. `auth.sign_in`, `admin.user.update`, `admin.key.create`. */
  action: string;
  /** The user id or business id(s, comma-separated) acted on. */
  target?: string | null;
  filters?: Record<string, unknown>;
}

/**
 * Appends the record; when it cannot be written the request fails with 503, so that no sign-in
 * is granted and no admin action is answered as done without its trace.
 */
export async function recordAction(deps: ActionAuditDeps, record: ActionRecord): Promise<void> {
  try {
    await appendAudit(deps.store, { ...record, filters: record.filters ?? null, atMs: deps.now() });
  } catch (error) {
    deps.logger?.error({ err: { type: (error as Error).name, message: (error as Error).message.slice(0, 300) }, action: record.action }, 'audit log write failed');
    throw new ApiError(503, 'audit_unavailable', 'the audit log could not be written; try again later');
  }
}
