import { secretsEqual } from '../../http/bearer';

// Meta sends a number; anything printable and short is accepted, nothing else is echoed back.
const CHALLENGE = /^[\x21-\x7e]{1,256}$/;

/**
 * The subscription handshake (GET ?hub.mode=subscribe&hub.verify_token=...&hub.challenge=...):
 * returns the challenge to echo when the token matches the business's verify token, else
 * undefined (the caller answers 403).
 */
export function acceptSubscription(
  query: { mode?: string; verifyToken?: string; challenge?: string },
  expectedToken: string | undefined,
): string | undefined {
  if (expectedToken === undefined || query.mode !== 'subscribe') return undefined;
  if (query.verifyToken === undefined || query.challenge === undefined) return undefined;
  if (!CHALLENGE.test(query.challenge)) return undefined;
  return secretsEqual(query.verifyToken, expectedToken) ? query.challenge : undefined;
}
