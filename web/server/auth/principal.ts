import { createHash, createHmac } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import { findSession, type Role, type SessionRecord } from '../../../db/users';
import type { RegistryStore } from '../../../db/store';
import { forbidden, unauthorized } from '../http/apiError';
import { bearerToken, secretsEqual } from '../http/bearer';
import { readSessionToken } from './sessionCookie';

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
  store: RegistryStore;
  adminToken: string;
  now: () => number;
  logger?: Logger;
}

export const BUILT_IN_ADMIN = 'admin';
const BUILT_IN_ADMIN_PRINCIPAL: Principal = { role: 'admin', actor: BUILT_IN_ADMIN, businesses: null };

export const sessionTokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Ties a built-in admin session to the ADMIN_TOKEN it signed in with: keyed with the cookie's
 * token, which the database does not hold, so the stored value cannot be used to test guesses
 * of the admin token.
 */
export const adminTokenProof = (sessionToken: string, adminToken: string) =>
  createHmac('sha256', sessionToken).update(adminToken).digest('hex');

/**
 * A session's principal, from what the database says now: a user's current role and scope (a
 * change applies at once; a deleted user's session has no row to read), and for the built-in
 * admin, whether the ADMIN_TOKEN is still the one it signed in with (rotation ends the session).
 */
function sessionPrincipal(session: SessionRecord, token: string, deps: AuthDeps): Principal | undefined {
  if (Date.parse(session.expiresAt) <= deps.now()) return undefined;
  if (session.user) return { role: session.user.role, actor: session.user.email, businesses: session.user.businesses };
  const proof = session.adminTokenProof;
  return proof !== null && secretsEqual(proof, adminTokenProof(token, deps.adminToken)) ? BUILT_IN_ADMIN_PRINCIPAL : undefined;
}

/** The principal of the request's session cookie, if it names a live session. */
export async function resolveSession(c: Context, deps: AuthDeps): Promise<Principal | undefined> {
  const token = readSessionToken(c);
  if (!token) return undefined;
  const session = await findSession(deps.store, sessionTokenHash(token));
  return session && sessionPrincipal(session, token, deps);
}

/** A Bearer token decides alone when one is sent; else the session cookie. */
export async function resolvePrincipal(c: Context, deps: AuthDeps): Promise<Principal | undefined> {
  const bearer = bearerToken(c);
  if (bearer !== undefined) return secretsEqual(bearer, deps.adminToken) ? BUILT_IN_ADMIN_PRINCIPAL : undefined;
  return resolveSession(c, deps);
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
