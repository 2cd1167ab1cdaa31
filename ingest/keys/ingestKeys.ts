import { createHash, randomBytes } from 'node:crypto';

/** A new ingest key: shown once to the caller, stored only as its SHA-256. */
export function generateIngestKey(): { id: string; key: string; keyHash: string } {
  const id = `key_${randomBytes(8).toString('hex')}`;
  const key = `ik_${randomBytes(32).toString('base64url')}`;
  return { id, key, keyHash: hashIngestKey(key) };
}

// Keys carry 256 random bits, so SHA-256 is enough; a slow KDF would only slow every request.
export function hashIngestKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
