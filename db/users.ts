import { asc, eq, lt } from 'drizzle-orm';
import { sessions, users } from './schema';
import type { SerialStore } from './store';

export type Role = 'marketing' | 'dpo' | 'admin';

export interface UserRecord {
  id: string;
  email: string;
  passwordHash: string;
  role: Role;
  createdAt: string;
}

export interface SessionRecord {
  tokenHash: string;
  userId: string | null;
  role: Role;
  email: string;
  expiresAt: string;
}

export async function findUserByEmail(store: SerialStore, email: string): Promise<UserRecord | undefined> {
  const [row] = await store.exclusive((db) => db.select().from(users).where(eq(users.email, email)));
  return row && { ...row, role: row.role as Role };
}

export async function listUsers(store: SerialStore): Promise<Omit<UserRecord, 'passwordHash'>[]> {
  const rows = await store.exclusive((db) =>
    db.select({ id: users.id, email: users.email, role: users.role, createdAt: users.createdAt }).from(users).orderBy(asc(users.email)),
  );
  return rows.map((r) => ({ ...r, role: r.role as Role }));
}

/** Returns false when the email is taken. */
export async function insertUser(store: SerialStore, user: UserRecord): Promise<boolean> {
  return store.transaction(async (db) => {
    const taken = await db.select({ id: users.id }).from(users).where(eq(users.email, user.email));
    if (taken.length > 0) return false;
    await db.insert(users).values(user);
    return true;
  });
}

export async function insertSession(store: SerialStore, session: Omit<SessionRecord, 'email'>, now: Date): Promise<void> {
  await store.exclusive(async (db) => {
    await db.delete(sessions).where(lt(sessions.expiresAt, now.toISOString()));
    await db.insert(sessions).values({ ...session, createdAt: now.toISOString() });
  });
}

export async function findSession(store: SerialStore, tokenHash: string): Promise<SessionRecord | undefined> {
  const [row] = await store.exclusive((db) =>
    db
      .select({ tokenHash: sessions.tokenHash, userId: sessions.userId, role: sessions.role, expiresAt: sessions.expiresAt, email: users.email })
      .from(sessions)
      .leftJoin(users, eq(users.id, sessions.userId))
      .where(eq(sessions.tokenHash, tokenHash)),
  );
  if (!row) return undefined;
  return { ...row, role: row.role as Role, email: row.email ?? 'admin' };
}

export async function deleteSession(store: SerialStore, tokenHash: string): Promise<void> {
  await store.exclusive((db) => db.delete(sessions).where(eq(sessions.tokenHash, tokenHash)));
}
