import { createHash, timingSafeEqual } from 'node:crypto';

// Meta sends a number; anything printable and short is accepted, nothing else is echoed back.
const CHALLENGE = /^[\x21-\x7e]{1,256}$/;

/** Equal strings, compared in constant time (over their digests, so lengths leak nothing either). */
function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * Meta's subscription handshake (GET ?hub.mode=subscribe&hub.verify_token=...&hub.challenge=...),
 * the same for WhatsApp, Messenger and Instagram: returns the challenge to echo when the token
 * matches the business's verify token, else undefined (the caller answers 403).
 */
export function acceptSubscription(
  query: { mode?: string; verifyToken?: string; challenge?: string },
  expectedToken: string | undefined,
): string | undefined {
  if (expectedToken === undefined || query.mode !== 'subscribe') return undefined;
  if (query.verifyToken === undefined || query.challenge === undefined) return undefined;
  if (!CHALLENGE.test(query.challenge)) return undefined;
  return sameSecret(query.verifyToken, expectedToken) ? query.challenge : undefined;
}
