import { createHmac, timingSafeEqual } from 'node:crypto';

const SIGNATURE = /^sha256=([0-9a-fA-F]{64})$/;

/**
 * A signature checked as the body streams in: each chunk goes into the HMAC as it arrives, so
 * the verdict is known when the last byte is, and a body whose signature does not match is
 * never parsed.
 */
export interface SignatureCheck {
  update(chunk: Uint8Array): void;
  /** Whether the bytes given so far are what was signed; call once, after the last chunk. */
  matches(): boolean;
}

/**
 * The check of `X-Hub-Signature-256: sha256=<hex>` against the HMAC-SHA256 of the raw body bytes
 * with the app secret (Meta signs the bytes it sends, so the body must not be re-serialised
 * first), or undefined when the header is missing or malformed: the request can be refused
 * before its body is read. The comparison is constant-time over equal-length digests.
 */
export function hubSignatureCheck(header: string | undefined, appSecret: string): SignatureCheck | undefined {
  const match = header === undefined ? null : SIGNATURE.exec(header.trim());
  if (!match?.[1]) return undefined;
  const presented = Buffer.from(match[1], 'hex');
  const hmac = createHmac('sha256', appSecret);
  return {
    update: (chunk) => {
      hmac.update(chunk);
    },
    matches: () => {
      const expected = hmac.digest();
      return presented.length === expected.length && timingSafeEqual(presented, expected);
    },
  };
}

/** The same check over a body held whole. */
export function verifyHubSignature(rawBody: Uint8Array, header: string | undefined, appSecret: string): boolean {
  const check = hubSignatureCheck(header, appSecret);
  if (!check) return false;
  check.update(rawBody);
  return check.matches();
}

/** The header value for a body, as Meta computes it (tests and local tools; alerts are signed the same way, web/server/alerts). */
export function hubSignature(rawBody: Uint8Array | string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}
