import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface Secret {
  value: Buffer;
  /** Where it came from, for the start-up message (never the value itself). */
  source: 'environment' | 'file' | 'generated' | 'memory';
  path?: string;
}

function keyBytes(text: string): Buffer {
  const trimmed = text.trim();
  return /^[0-9a-fA-F]+$/.test(trimmed) && trimmed.length % 2 === 0 ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
}

/** Decodes a key given as hex or base64; it must hold 32+ random bytes. */
export function decodeKey(text: string): Buffer {
  const bytes = keyBytes(text);
  if (bytes.length < 32) throw new Error('PSEUDONYM_KEY must hold at least 32 random bytes (hex or base64)');
  return bytes;
}

/** The secrets key is an AES-256 key: exactly 32 bytes, as hex or base64. */
function decodeSecretsKey(text: string, where: string): Buffer {
  const bytes = keyBytes(text);
  if (bytes.length !== 32) throw new Error(`${where} must hold exactly 32 random bytes (64 hex characters or 44 base64 characters)`);
  return bytes;
}

function readOrCreate(path: string, create: () => string): { text: string; created: boolean } {
  if (existsSync(path)) return { text: readFileSync(path, 'utf8').trim(), created: false };
  // A folder made here is the owner's alone (0700), like the files in it (0600).
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const text = create();
  writeFileSync(path, `${text}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return { text, created: true };
}

/**
 * The pseudonym key lives beside the database, not inside it: a copy of the database alone
 * cannot be re-identified by enumerating phone numbers.
 */
export function pseudonymKeyPath(databasePath: string): string {
  return join(dirname(databasePath), `${basename(databasePath)}.pseudonym-key`);
}

export function loadPseudonymKey(databasePath: string, fromEnv: string | undefined): Secret {
  if (fromEnv) return { value: decodeKey(fromEnv), source: 'environment' };
  if (databasePath === ':memory:') return { value: randomBytes(32), source: 'memory' };
  const path = pseudonymKeyPath(databasePath);
  const { text, created } = readOrCreate(path, () => randomBytes(32).toString('hex'));
  return { value: decodeKey(text), source: created ? 'generated' : 'file', path };
}

/**
 * The key that seals the webhook secrets stored in the database (db/secretBox.ts), kept beside
 * it like the pseudonym key: a copy of the database alone cannot recover them or forge webhooks.
 */
export function secretsKeyPath(databasePath: string): string {
  return join(dirname(databasePath), `${basename(databasePath)}.secrets-key`);
}

export function loadSecretsKey(databasePath: string, fromEnv: string | undefined): Secret {
  if (fromEnv) return { value: decodeSecretsKey(fromEnv, 'SECRETS_KEY'), source: 'environment' };
  if (databasePath === ':memory:') return { value: randomBytes(32), source: 'memory' };
  const path = secretsKeyPath(databasePath);
  const { text, created } = readOrCreate(path, () => randomBytes(32).toString('hex'));
  return { value: decodeSecretsKey(text, path), source: created ? 'generated' : 'file', path };
}

export function adminTokenPath(databasePath: string): string {
  return join(dirname(databasePath), 'admin-token');
}

export function loadAdminToken(databasePath: string, fromEnv: string | undefined): { token: string; source: Secret['source']; path?: string } {
  if (fromEnv) return { token: fromEnv, source: 'environment' };
  if (databasePath === ':memory:') return { token: randomBytes(24).toString('base64url'), source: 'memory' };
  const path = adminTokenPath(databasePath);
  const { text, created } = readOrCreate(path, () => randomBytes(24).toString('base64url'));
  return { token: text, source: created ? 'generated' : 'file', path };
}
