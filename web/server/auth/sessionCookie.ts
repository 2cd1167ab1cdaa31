import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { transportOf } from './requestTransport';

export const SESSION_COOKIE = 'mpa_session';
/**
 * The name over https: a browser accepts a `__Host-` cookie only when it is Secure, has Path=/
 * and no Domain, so a sibling subdomain or a plain-http page cannot plant or overwrite it.
 */
export const SECURE_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;

/** The session token the browser sent, under either name. */
export const readSessionToken = (c: Context): string | undefined =>
  getCookie(c, SECURE_SESSION_COOKIE) || getCookie(c, SESSION_COOKIE) || undefined;

/** HttpOnly, SameSite=Strict; Secure and `__Host-` when the browser reaches us over https. */
export function setSessionCookie(c: Context, token: string, maxAgeSeconds: number): void {
  const secure = transportOf(c).https;
  setCookie(c, secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Strict',
    path: '/',
    secure,
    maxAge: maxAgeSeconds,
  });
}

/** Deletes the session cookie under whichever name the browser sent. */
export function clearSessionCookies(c: Context): void {
  for (const name of [SECURE_SESSION_COOKIE, SESSION_COOKIE]) {
    if (getCookie(c, name) !== undefined) deleteCookie(c, name, { path: '/', secure: name === SECURE_SESSION_COOKIE });
  }
}
