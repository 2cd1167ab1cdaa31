import { asc, eq, lt } from 'drizzle-orm';
import { sessions, users } from './schema';
import type { RegistryStore } from './store';

export type Role = 'marketing' | 'dpo' | 'admin';

export interface UserRecord {
  id: string;
  email: string;
  passwordHash: string;
  role: Role;
  /** The business ids the user may see; null: every business. */
  businesses: string[] | null;
  createdAt: string;
}

export type UserSummary = Omit<UserRecord, 'passwordHash'>;

/** What a user's row says now: a session takes its role and scope from here on every request. */
export type SessionUser = Pick<UserRecord, 'email' | 'role' | 'businesses'>;

export interface SessionRecord {
  tokenHash: string;
  /** null for the built-in admin. */
  userId: string | null;
  expiresAt: string;
  /** The built-in admin's proof of the ADMIN_TOKEN it signed in with (see db/schema.ts). */
  adminTokenProof: string | null;
  /** The user's current row; null for the built-in admin. */
  user: SessionUser | null;
}

export interface NewSession {
  tokenHash: string;
  userId: string | null;
  role: Role;
  expiresAt: string;
  adminTokenProof: string | null;
}

export interface UserChange {
  role?: Role;
  businesses?: string[] | null;
  passwordHash?: string;
}

const summaryColumns = { id: users.id, email: users.email, role: users.role, businesses: users.businesses, createdAt: users.createdAt };

const toSummary = (row: { id: string; email: string; role: string; businesses: unknown; createdAt: string }): UserSummary => ({
  ...row,
  role: row.role as Role,
  businesses: (row.businesses as string[] | null) ?? null,
});

export async function findUserByEmail(store: RegistryStore, email: string): Promise<UserRecord | undefined> {
  const [row] = await store.exclusive((db) => db.select().from(users).where(eq(users.email, email)));
  return row && { ...toSummary(row), passwordHash: row.passwordHash };
}

export async function findUserById(store: RegistryStore, id: string): Promise<UserSummary | undefined> {
  const [row] = await store.exclusive((db) => db.select(summaryColumns).from(users).where(eq(users.id, id)));
  return row && toSummary(row);
}

export async function listUsers(store: RegistryStore): Promise<UserSummary[]> {
  const rows = await store.exclusive((db) => db.select(summaryColumns).from(users).orderBy(asc(users.email)));
  return rows.map(toSummary);
}

/** Returns false when the email is taken. */
export async function insertUser(store: RegistryStore, user: UserRecord): Promise<boolean> {
  return store.transaction(async (db) => {
    const taken = await db.select({ id: users.id }).from(users).where(eq(users.email, user.email));
    if (taken.length > 0) return false;
    await db.insert(users).values(user);
    return true;
  });
}

/**
 * Changes a user's role, scope or password and ends all of their sessions in the same
 * transaction, so that no session outlives the change. Returns the user as changed, or
 * undefined when there is no such user.
 */
export async function updateUser(store: RegistryStore, id: string, change: UserChange): Promise<UserSummary | undefined> {
  return store.transaction(async (db) => {
    const [row] = await db.update(users).set(change).where(eq(users.id, id)).returning(summaryColumns);
    if (!row) return undefined;
    await db.delete(sessions).where(eq(sessions.userId, id));
    return toSummary(row);
  });
}

/** Deletes a user and all of their sessions; returns false when there is no such user. */
export async function deleteUser(store: RegistryStore, id: string): Promise<boolean> {
  return store.transaction(async (db) => {
    const deleted = await db.delete(users).where(eq(users.id, id)).returning({ id: users.id });
    await db.delete(sessions).where(eq(sessions.userId, id));
    return deleted.length > 0;
  });
}

export async function insertSession(store: RegistryStore, session: NewSession, now: Date): Promise<void> {
  await store.exclusive(async (db) => {
    await db.delete(sessions).where(lt(sessions.expiresAt, now.toISOString()));
    await db.insert(sessions).values({ ...session, createdAt: now.toISOString() });
  });
}

/**
 * The session with its user's current row. undefined when there is no such session, or when it
 * belongs to a user who no longer exists (never mistaken for the built-in admin's).
 */
export async function findSession(store: RegistryStore, tokenHash: string): Promise<SessionRecord | undefined> {
  const [row] = await store.exclusive((db) =>
    db
      .select({
        tokenHash: sessions.tokenHash,
        userId: sessions.userId,
        expiresAt: sessions.expiresAt,
        adminTokenProof: sessions.adminTokenProof,
        email: users.email,
        role: users.role,
        businesses: users.businesses,
      })
      .from(sessions)
      .leftJoin(users, eq(users.id, sessions.userId))
      .where(eq(sessions.tokenHash, tokenHash)),
  );
  if (!row) return undefined;
  const { email, role, businesses, ...session } = row;
  if (session.userId === null) return { ...session, user: null };
  if (email === null || role === null) return undefined;
  return { ...session, user: { email, role: role as Role, businesses: (businesses as string[] | null) ?? null } };
}

export async function deleteSession(store: RegistryStore, tokenHash: string): Promise<void> {
  await store.exclusive((db) => db.delete(sessions).where(eq(sessions.tokenHash, tokenHash)));
}
