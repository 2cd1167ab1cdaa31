import { apiGet } from './api';

export type Role = 'marketing' | 'dpo' | 'admin';
export interface SessionInfo {
  email: string;
  role: Role;
  /** The businesses this account may see; null: every business. */
  businesses: string[] | null;
}

const RANK: Record<Role, number> = { marketing: 1, dpo: 2, admin: 3 };

/** Who is signed in, shared by the layout and the pages. */
export const session = $state<{ current: SessionInfo | null; checked: boolean }>({ current: null, checked: false });

export async function refreshSession(): Promise<SessionInfo | null> {
  try {
    session.current = await apiGet<SessionInfo>('/v1/session');
  } catch {
    session.current = null;
  }
  session.checked = true;
  return session.current;
}

export const canSee = (least: Role) => session.current !== null && RANK[session.current.role] >= RANK[least];
