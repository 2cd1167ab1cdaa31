import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { deleteSession, findUserByEmail, insertSession, type Role } from '../../../db/users';
import { ApiError, unauthorized } from '../http/apiError';
import { secretsEqual } from '../http/bearer';
import { recordAction } from './auditAction';
import { accountOf, type SignInThrottle } from './throttleRules';
import { hashPassword, verifyPassword } from './passwords';
import { adminTokenProof, BUILT_IN_ADMIN, resolvePrincipal, resolveSession, sessionTokenHash, type AuthDeps } from './principal';
import { transportOf } from './requestTransport';
import { clearSessionCookies, readSessionToken, setSessionCookie } from './sessionCookie';

export const SESSION_HOURS = 12;
export { BUILT_IN_ADMIN };

// Verifying against a real hash when the email is unknown keeps the timing the same.
const DUMMY_HASH = hashPassword(randomBytes(16).toString('hex'));

interface SignedIn {
  userId: string | null;
  email: string;
  role: Role;
  businesses: string[] | null;
}

/**
 * What a sign-in's audit record names: the account, when there is one. What was typed for an
 * email that is no account could be anything (a phone number, a password typed in the wrong
 * field), so it is never stored.
 */
export const UNKNOWN_ACCOUNT = 'unknown account';

interface Checked {
  signedIn: SignedIn | undefined;
  /** The account for the audit log: its email, "admin", or UNKNOWN_ACCOUNT. */
  actor: string;
}

async function checkCredentials(deps: AuthDeps, account: string, password: string): Promise<Checked> {
  if (account === BUILT_IN_ADMIN) {
    const ok = secretsEqual(password, deps.adminToken);
    return { signedIn: ok ? { userId: null, email: BUILT_IN_ADMIN, role: 'admin', businesses: null } : undefined, actor: BUILT_IN_ADMIN };
  }
  const user = await findUserByEmail(deps.store, account);
  const ok = await verifyPassword(password, user?.passwordHash ?? (await DUMMY_HASH));
  return {
    signedIn: user && ok ? { userId: user.id, email: user.email, role: user.role, businesses: user.businesses } : undefined,
    actor: user ? user.email : UNKNOWN_ACCOUNT,
  };
}

async function actorOf(deps: AuthDeps, account: string): Promise<string> {
  if (account === BUILT_IN_ADMIN) return BUILT_IN_ADMIN;
  return (await findUserByEmail(deps.store, account)) ? account : UNKNOWN_ACCOUNT;
}

async function startSession(c: Context, deps: AuthDeps, who: SignedIn) {
  const token = randomBytes(32).toString('base64url');
  const now = new Date(deps.now());
  const expiresAt = new Date(now.getTime() + SESSION_HOURS * 3600_000);
  await insertSession(deps.store, {
    tokenHash: sessionTokenHash(token),
    userId: who.userId,
    role: who.role,
    expiresAt: expiresAt.toISOString(),
    adminTokenProof: who.userId === null ? adminTokenProof(token, deps.adminToken) : null,
  }, now);
  setSessionCookie(c, token, SESSION_HOURS * 3600);
  return { email: who.email, role: who.role, businesses: who.businesses, expires_at: expiresAt.toISOString() };
}

/**
 * Sign-in: the throttle counts the attempt before the password is hashed (./throttleRules.ts: in
 * memory, or in PostgreSQL when several servers share it);
 * every outcome goes to the audit log under the account's email (as typed, trimmed and
 * lower-cased, when it names an account), never the password.
 */
export async function login(c: Context, deps: AuthDeps, throttle: SignInThrottle, email: string, password: string) {
  const account = accountOf(email);
  const attempt = await throttle.admit(account, transportOf(c).address);
  if (!attempt.admitted) {
    // One record per run of refusals, so a flood of requests cannot flood the log.
    if (attempt.first) {
      await recordAction(deps, { actor: await actorOf(deps, account), action: 'auth.sign_in_throttled', filters: { limit: attempt.limit } });
    }
    throw new ApiError(429, 'too_many_attempts', 'too many sign-in attempts; wait before trying again', undefined, {
      'Retry-After': String(Math.max(1, Math.ceil(attempt.retryAfterMs / 1000))),
    });
  }
  let checked: Checked;
  try {
    checked = await checkCredentials(deps, account, password);
  } catch (error) {
    // The check's own error is the one to report; an uncount that fails too leaves the attempt counted.
    await attempt.released().catch(() => undefined);
    throw error;
  }
  const who = checked.signedIn;
  if (!who) {
    await attempt.failed();
    await recordAction(deps, { actor: checked.actor, action: 'auth.sign_in_failed' });
    throw unauthorized('wrong email or password');
  }
  await attempt.succeeded();
  await recordAction(deps, { actor: who.email, action: 'auth.sign_in', target: who.userId });
  return startSession(c, deps, who);
}

export async function currentSession(c: Context, deps: AuthDeps) {
  const principal = await resolvePrincipal(c, deps);
  if (!principal) throw unauthorized('not signed in');
  return { email: principal.actor, role: principal.role, businesses: principal.businesses === null ? null : [...principal.businesses] };
}

export async function logout(c: Context, deps: AuthDeps) {
  const token = readSessionToken(c);
  if (!token) return;
  const principal = await resolveSession(c, deps);
  await deleteSession(deps.store, sessionTokenHash(token));
  clearSessionCookies(c);
  if (principal) await recordAction(deps, { actor: principal.actor, action: 'auth.sign_out' });
}
