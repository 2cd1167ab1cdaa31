import type { MiddlewareHandler } from 'hono';
import { forbidden, unauthorized } from './apiError';
import { bearerToken, secretsEqual } from './bearer';

/** Admin API guard: the bearer ADMIN_TOKEN (SPEC 5). User sessions with roles come later. */
export function requireAdmin(adminToken: string): MiddlewareHandler {
  return async (_c, next) => {
    const token = bearerToken(_c);
    if (token === undefined) throw unauthorized('admin credentials required: Authorization: Bearer <ADMIN_TOKEN>');
    if (!secretsEqual(token, adminToken)) throw forbidden('these credentials may not use the admin API');
    await next();
  };
}
