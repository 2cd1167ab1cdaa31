import { randomBytes, randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { deleteSession, findUserByEmail, insertSession, insertUser, listUsers, type Role } from '../../../db/users';
import { ApiError, unauthorized } from '../http/apiError';
import { secretsEqual } from '../http/bearer';
import { hashPassword, verifyPassword } from './passwords';
import { resolvePrincipal, SESSION_COOKIE, sessionTokenHash, type AuthDeps } from './principal';

export const SESSION_HOURS = 12;
export const BUILT_IN_ADMIN = 'admin';

// Verifying against a real hash when the email is unknown keeps the timing the same.
const DUMMY_HASH = hashPassword(randomBytes(16).toString('hex'));

async function checkCredentials(deps: AuthDeps, email: string, password: string): Promise<{ userId: string | null; role: Role; email: string } | undefined> {
  if (email === BUILT_IN_ADMIN) return secretsEqual(password, deps.adminToken) ? { userId: null, role: 'admin', email } : undefined;
  const user = await findUserByEmail(deps.store, email.toLowerCase());
  const ok = await verifyPassword(password, user?.passwordHash ?? (await DUMMY_HASH));
  return user && ok ? { userId: user.id, role: user.role, email: user.email } : undefined;
}

export async function login(c: Context, deps: AuthDeps, email: string, password: string) {
  const who = await checkCredentials(deps, email.trim(), password);
  if (!who) throw unauthorized('wrong email or password');
  const token = randomBytes(32).toString('base64url');
  const now = new Date(deps.now());
  const expiresAt = new Date(now.getTime() + SESSION_HOURS * 3600_000);
  await insertSession(deps.store, { tokenHash: sessionTokenHash(token), userId: who.userId, role: who.role, expiresAt: expiresAt.toISOString() }, now);
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Strict',
    path: '/',
    secure: new URL(c.req.url).protocol === 'https:',
    maxAge: SESSION_HOURS * 3600,
  });
  return { email: who.email, role: who.role, expires_at: expiresAt.toISOString() };
}

export async function currentSession(c: Context, deps: AuthDeps) {
  const principal = await resolvePrincipal(c, deps);
  if (!principal) throw unauthorized('not signed in');
  return { email: principal.actor, role: principal.role };
}

export async function logout(c: Context, deps: AuthDeps) {
  const token = getCookie(c, SESSION_COOKIE);
  if (token) await deleteSession(deps.store, sessionTokenHash(token));
  deleteCookie(c, SESSION_COOKIE, { path: '/' });
}

export async function createUser(deps: AuthDeps, input: { email: string; password: string; role: Role }) {
  const user = {
    id: randomUUID(),
    email: input.email.toLowerCase(),
    passwordHash: await hashPassword(input.password),
    role: input.role,
    createdAt: new Date(deps.now()).toISOString(),
  };
  if (!(await insertUser(deps.store, user))) throw new ApiError(409, 'conflict', 'a user with this email exists');
  return { id: user.id, email: user.email, role: user.role, created_at: user.createdAt };
}

export async function usersForApi(deps: AuthDeps) {
  return { users: (await listUsers(deps.store)).map((u) => ({ id: u.id, email: u.email, role: u.role, created_at: u.createdAt })) };
}
