import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { transportOf } from '../auth/requestTransport';

/** The API's replies are data, never documents: nothing may load, run or frame them. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const INLINE_SCRIPT = /<script(?![^>]*\bsrc\s*=)[^>]*>([\s\S]*?)<\/script>/gi;

/** 'sha256-…' sources for the inline scripts of a page (SvelteKit's bootstrap script). */
export function inlineScriptHashes(html: string): string[] {
  return [...html.matchAll(INLINE_SCRIPT)].map((m) => `'sha256-${createHash('sha256').update(m[1]!, 'utf8').digest('base64')}'`);
}

/**
 * The policy of an HTML page (dashboard, /docs): scripts only from this origin, plus the page's
 * own inline scripts by hash (no 'unsafe-inline' for scripts); styles may be inline (Svelte and
 * Swagger UI set style attributes); no framing by anyone (clickjacking).
 */
export function pageCsp(html = ''): string {
  return [
    "default-src 'self'",
    `script-src ${["'self'", ...inlineScriptHashes(html)].join(' ')}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * Security headers on every reply. A route that serves a page with inline scripts sets its own
 * Content-Security-Policy (pageCsp(html)); any other HTML reply gets pageCsp() and everything
 * else API_CSP.
 */
export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const headers = c.res.headers;
    if (!headers.has('content-security-policy')) {
      const html = (headers.get('content-type') ?? '').toLowerCase().startsWith('text/html');
      headers.set('content-security-policy', html ? pageCsp() : API_CSP);
    }
    headers.set('x-content-type-options', 'nosniff');
    headers.set('x-frame-options', 'DENY');
    headers.set('referrer-policy', 'no-referrer');
    headers.set('cross-origin-opener-policy', 'same-origin');
    headers.set('cross-origin-resource-policy', 'same-origin');
    headers.set('permissions-policy', 'camera=(), microphone=(), geolocation=(), payment=()');
    // Only over https (PUBLIC_URL, or a trusted proxy's X-Forwarded-Proto): the browser then
    // refuses plain http to this host for a year, so the Secure cookie is never asked for over it.
    if (transportOf(c).https) headers.set('strict-transport-security', HSTS);
  };
}
