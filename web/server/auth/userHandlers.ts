import { randomUUID } from 'node:crypto';
import type { z } from '@hono/zod-openapi';
import { listBusinesses } from '../../../db/registry';
import { deleteUser, findUserById, insertUser, listUsers, updateUser, type Role, type UserSummary } from '../../../db/users';
import { ApiError, notFound } from '../http/apiError';
import { recordAction } from './auditAction';
import type { UserCreate, UserUpdate } from './authSchemas';
import { hashPassword } from './passwords';
import type { AuthDeps } from './principal';

const invalidScope = (message: string) => new ApiError(400, 'validation_failed', message, [{ field: 'businesses', error: message }]);
const noSuchUser = (id: string) => notFound(`no user ${id}`);

/** A scope names registered businesses only, and an admin has none (admins manage every business). */
async function checkScope(deps: AuthDeps, role: Role, businesses: string[] | null): Promise<void> {
  if (businesses === null) return;
  if (role === 'admin') throw invalidScope('an admin sees every business: set businesses to null (or leave it out when creating)');
  const registered = new Set((await listBusinesses(deps.store)).map((b) => b.id));
  const unknown = businesses.filter((b) => !registered.has(b));
  if (unknown.length > 0) throw invalidScope(`not registered: ${unknown.join(', ')}`);
}

const toUserJson = (u: UserSummary) => ({ id: u.id, email: u.email, role: u.role, businesses: u.businesses, created_at: u.createdAt });

export async function createUser(deps: AuthDeps, actor: string, input: z.infer<typeof UserCreate>) {
  const businesses = input.businesses ?? null;
  await checkScope(deps, input.role, businesses);
  const user = {
    id: randomUUID(),
    email: input.email.toLowerCase(),
    passwordHash: await hashPassword(input.password),
    role: input.role,
    businesses,
    createdAt: new Date(deps.now()).toISOString(),
  };
  if (!(await insertUser(deps.store, user))) throw new ApiError(409, 'conflict', 'a user with this email exists');
  await recordAction(deps, { actor, action: 'admin.user.create', target: user.id, filters: { role: user.role, businesses } });
  return toUserJson(user);
}

export async function usersForApi(deps: AuthDeps) {
  return { users: (await listUsers(deps.store)).map(toUserJson) };
}

/** Changes role and/or scope; the user's sessions end (db/users.ts updateUser). */
export async function changeUser(deps: AuthDeps, actor: string, id: string, input: z.infer<typeof UserUpdate>) {
  const existing = await findUserById(deps.store, id);
  if (!existing) throw noSuchUser(id);
  const role = input.role ?? existing.role;
  const businesses = input.businesses === undefined ? existing.businesses : input.businesses;
  await checkScope(deps, role, businesses);
  const changed = await updateUser(deps.store, id, { role, businesses });
  if (!changed) throw noSuchUser(id);
  const fields = Object.keys(input).filter((k) => input[k as keyof typeof input] !== undefined);
  await recordAction(deps, { actor, action: 'admin.user.update', target: id, filters: { changed: fields, role, businesses } });
  return toUserJson(changed);
}

export async function resetPassword(deps: AuthDeps, actor: string, id: string, password: string): Promise<void> {
  if (!(await updateUser(deps.store, id, { passwordHash: await hashPassword(password) }))) throw noSuchUser(id);
  await recordAction(deps, { actor, action: 'admin.user.password_reset', target: id, filters: { changed: ['password'] } });
}

export async function removeUser(deps: AuthDeps, actor: string, id: string): Promise<void> {
  if (!(await deleteUser(deps.store, id))) throw noSuchUser(id);
  await recordAction(deps, { actor, action: 'admin.user.delete', target: id });
}
