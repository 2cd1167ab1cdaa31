import type { MiddlewareHandler } from 'hono';
import { readSessionToken } from '../auth/sessionCookie';
import { transportOf } from '../auth/requestTransport';
import { ApiError } from './apiError';
import { bearerToken } from './bearer';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Cross-site request forgery, second line after SameSite=Strict: a write authenticated by the
 * session cookie (and the sign-in itself, against signing a browser into another account) is
 * refused with 403 when the browser says it comes from another origin. A request without an
 * Origin header is let through (SameSite=Strict still keeps the cookie off cross-site
 * requests); Bearer-token requests (ingest keys, the admin token) and webhooks carry no cookie
 * a forger could borrow, and are not checked.
 */
export function originCheck(): MiddlewareHandler {
  return async (c, next) => {
    const origin = c.req.header('origin');
    const cookieWrite = readSessionToken(c) !== undefined || c.req.path === '/v1/session';
    if (origin !== undefined && UNSAFE_METHODS.has(c.req.method) && bearerToken(c) === undefined && cookieWrite) {
      const allowed = transportOf(c).origins;
      if (!allowed.includes(origin)) {
        throw new ApiError(403, 'cross_origin_refused', `a signed-in write must come from this server's own pages (${allowed.join(' or ')}); this one came from ${origin.slice(0, 200)}`);
      }
    }
    await next();
  };
}
