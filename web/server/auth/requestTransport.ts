import type { Context, MiddlewareHandler } from 'hono';

/** What the operator told us about the way requests reach the server (PUBLIC_URL, TRUST_PROXY). */
export interface ProxyTrust {
  /** The address browsers use, e.g. https://analytics.example.com. */
  publicUrl?: URL;
  /** Addresses of reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed. */
  trustedProxies: readonly string[];
}

/** How this request reached the server, as far as it can be trusted. */
export interface RequestTransport {
  /** The client's address: the socket's peer, or the entry a trusted proxy added to X-Forwarded-For. */
  address: string;
  /** The browser speaks https to us: PUBLIC_URL is https, or the request is, or a trusted proxy says so. */
  https: boolean;
  /** The origins of this server's own pages (for the Origin check of cookie-authenticated writes). */
  origins: readonly string[];
}

declare module 'hono' {
  interface ContextVariableMap {
    transport: RequestTransport;
  }
}

const NO_TRUST: ProxyTrust = { trustedProxies: [] };

/** An IPv4 peer on a dual-stack socket reads "::ffff:10.0.0.1": compare as "10.0.0.1". */
export const normaliseAddress = (address: string) => address.trim().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');

function socketPeer(c: Context): string | undefined {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  const peer = env?.incoming?.socket?.remoteAddress;
  return peer === undefined ? undefined : normaliseAddress(peer);
}

const isTrusted = (trust: ProxyTrust, address: string | undefined) =>
  address !== undefined && trust.trustedProxies.some((p) => normaliseAddress(p) === address);

/**
 * Walks X-Forwarded-For from the right while the hop that handed the request on is a trusted
 * proxy: the first address not vouched for is the client's. A client can put anything in the
 * header, so only entries added by proxies we trust are believed.
 */
function clientAddress(c: Context, trust: ProxyTrust): string {
  let address = socketPeer(c);
  const forwarded = (c.req.header('x-forwarded-for') ?? '').split(',').map(normaliseAddress).filter((a) => a.length > 0);
  while (isTrusted(trust, address) && forwarded.length > 0) address = forwarded.pop();
  return address ?? 'unknown';
}

function isHttps(c: Context, trust: ProxyTrust): boolean {
  if (trust.publicUrl?.protocol === 'https:') return true;
  if (new URL(c.req.url).protocol === 'https:') return true;
  const proto = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
  return proto === 'https' && isTrusted(trust, socketPeer(c));
}

export function describeTransport(c: Context, trust: ProxyTrust): RequestTransport {
  const url = new URL(c.req.url);
  const https = isHttps(c, trust);
  const own = https ? `https://${url.host}` : url.origin;
  return {
    address: clientAddress(c, trust),
    https,
    origins: trust.publicUrl ? [own, trust.publicUrl.origin] : [own],
  };
}

/** Describes every request once, before the routes, for the cookie, HSTS, throttle and Origin check. */
export function requestTransport(trust: ProxyTrust): MiddlewareHandler {
  return async (c, next) => {
    c.set('transport', describeTransport(c, trust));
    await next();
  };
}

/** This request's transport (described without trusting any proxy when the middleware did not run). */
export function transportOf(c: Context): RequestTransport {
  return (c.get('transport') as RequestTransport | undefined) ?? describeTransport(c, NO_TRUST);
}
