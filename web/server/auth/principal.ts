import { createHash } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { findSession, type Role } from '../../../db/users';
import type { SerialStore } from '../../../db/store';
import { forbidden, unauthorized } from '../http/apiError';
import { bearerToken, secretsEqual } from '../http/bearer';

export const SESSION_COOKIE = 'mpa_session';
const RANK: Record<Role, number> = { marketing: 1, dpo: 2, admin: 3 };

/** Who is asking: the built-in admin (ADMIN_TOKEN) or a dashboard user's session. */
export interface Principal {
  role: Role;
  /** For the audit log: the user's email, or "admin" for the built-in admin. */
  actor: string;
  /**
   * The businesses this principal may see: null for every business (admins, single-company
   * deployments), else the registered ids a user is scoped to.
   */
  businesses: readonly string[] | null;
}

declare module 'hono' {
  interface ContextVariableMap {
    principal: Principal;
  }
}

export interface AuthDeps {
  store: SerialStore;
  adminToken: string;
  now: () => number;
}

export const sessionTokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

export async function resolvePrincipal(c: Context, deps: AuthDeps): Promise<Principal | undefined> {
  const bearer = bearerToken(c);
  if (bearer !== undefined) return secretsEqual(bearer, deps.adminToken) ? { role: 'admin', actor: 'admin', businesses: null } : undefined;
  const token = getCookie(c, SESSION_COOKIE);
  if (!token) return undefined;
  const session = await findSession(deps.store, sessionTokenHash(token));
  if (!session || Date.parse(session.expiresAt) <= deps.now()) return undefined;
  return { role: session.role, actor: session.email, businesses: null };
}

export const hasRole = (principal: Principal, least: Role) => RANK[principal.role] >= RANK[least];

/**
 * The API's access rule: marketing reads engagement reports; dpo also residency and the
 * audit log; admin also the registry, keys and users. Enforced here, not only in the pages.
 */
export function requireRole(least: Role, deps: AuthDeps): MiddlewareHandler {
  return async (c, next) => {
    const principal = await resolvePrincipal(c, deps);
    if (!principal) throw unauthorized('sign in, or send Authorization: Bearer <token>');
    if (!hasRole(principal, least)) throw forbidden(`this needs the ${least} role or higher`);
    c.set('principal', principal);
    await next();
  };
}

export function principalOf(c: Context): Principal {
  return c.get('principal');
}
