import type { TestRuntime } from '../testing/testRuntime';

export interface AuditRow {
  actor: string;
  action: string;
  target: string | null;
  filters: Record<string, unknown>;
}

/** A socket peer for app.request, as @hono/node-server hands it to the app. */
export const fromAddress = (remoteAddress: string) => ({ incoming: { socket: { remoteAddress } } });

export interface SignInOptions {
  headers?: Record<string, string>;
  /** The socket's peer address (default: none, as app.request gives). */
  peer?: string;
}

export const signIn = (rt: TestRuntime, email: string, password: string, options: SignInOptions = {}) =>
  Promise.resolve(
    rt.app.request(
      '/v1/session',
      { method: 'POST', headers: { 'content-type': 'application/json', ...options.headers }, body: JSON.stringify({ email, password }) },
      options.peer === undefined ? undefined : fromAddress(options.peer),
    ),
  );

/** "name=value" of the reply's session cookie. */
export const cookieOf = (res: Response) => res.headers.get('set-cookie')!.split(';')[0]!;

export const withCookie = (rt: TestRuntime, cookie: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  Promise.resolve(
    rt.app.request(path, {
      method,
      headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  );

/** The audit log through the API, oldest first. */
export async function auditLog(rt: TestRuntime): Promise<AuditRow[]> {
  const res = await rt.admin('GET', '/v1/audit?limit=1000');
  if (res.status !== 200) throw new Error(`audit: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { entries: AuditRow[] }).entries.reverse();
}

export const actionsOf = (rows: AuditRow[], prefix: string) => rows.filter((r) => r.action.startsWith(prefix));
