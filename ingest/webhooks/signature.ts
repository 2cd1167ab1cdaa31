import { createHmac, timingSafeEqual } from 'node:crypto';

const SIGNATURE = /^sha256=([0-9a-fA-F]{64})$/;

/**
 * Checks `X-Hub-Signature-256: sha256=<hex>` against the HMAC-SHA256 of the raw body bytes with
 * the app secret (Meta signs the bytes it sends, so the body must not be re-serialised first).
 * The comparison is constant-time over equal-length digests; a malformed header is a mismatch.
 */
export function verifyHubSignature(rawBody: Uint8Array, header: string | undefined, appSecret: string): boolean {
  const match = header === undefined ? null : SIGNATURE.exec(header.trim());
  if (!match?.[1]) return false;
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  const presented = Buffer.from(match[1], 'hex');
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

/** The header value for a body, as Meta computes it (used by tests and local tools). */
export function hubSignature(rawBody: Uint8Array | string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}
