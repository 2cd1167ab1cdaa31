import { parseAccept } from 'hono/utils/accept';

/** The content codings this server sends, best first (brotli is smaller than gzip for text). */
export const CONTENT_CODINGS = ['br', 'gzip'] as const;
export type ContentCoding = (typeof CONTENT_CODINGS)[number];

/**
 * The codings a request's Accept-Encoding allows, best first: by q (an explicit entry, else `*`),
 * br before gzip on a tie; q=0 refuses one. Empty: the body goes as it is (identity).
 */
export function acceptedCodings(acceptEncoding: string | undefined): ContentCoding[] {
  if (!acceptEncoding) return [];
  const accepts = parseAccept(acceptEncoding);
  const wildcard = accepts.find((a) => a.type === '*')?.q ?? 0;
  const qOf = (coding: ContentCoding) => accepts.find((a) => a.type.toLowerCase() === coding)?.q ?? wildcard;
  // Array.prototype.sort is stable, so equal q keeps CONTENT_CODINGS' order.
  return CONTENT_CODINGS.filter((coding) => qOf(coding) > 0).sort((a, b) => qOf(b) - qOf(a));
}

const VARY_ACCEPT_ENCODING = /(?:^|,)\s*accept-encoding\s*(?:,|$)/i;

/** Adds Accept-Encoding to Vary: a cache must not give a brotli body to a client that asked for none. */
export function varyOnAcceptEncoding(headers: Headers): void {
  const vary = headers.get('vary');
  if (vary === '*' || (vary && VARY_ACCEPT_ENCODING.test(vary))) return;
  headers.set('vary', vary ? `${vary}, Accept-Encoding` : 'Accept-Encoding');
}
