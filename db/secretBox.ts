import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** How a sealed value starts: the scheme and its version, so a later scheme can be told apart. */
export const SEALED_PREFIX = 'enc:v1:';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** Raised when a sealed value cannot be opened: another key, or altered bytes. */
export class SecretUnreadableError extends Error {
  constructor() {
    super('a sealed secret could not be opened with this key (another key, or altered data)');
    this.name = 'SecretUnreadableError';
  }
}

export function isSealed(stored: string): boolean {
  return stored.startsWith(SEALED_PREFIX);
}

/**
 * Secrets stored in the database (webhook app secrets, verify tokens), sealed with AES-256-GCM
 * under a key kept outside it: a copy of the database alone cannot recover them. Stored as
 * `enc:v1:` + base64(nonce | ciphertext | tag). `context` (e.g. the row and column) is bound as
 * associated data, so a sealed value copied to another row or column does not open there.
 */
export class SecretBox {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('the secrets key must be exactly 32 bytes');
    this.#key = Buffer.from(key);
  }

  seal(plaintext: string, context: string): string {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, nonce);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return SEALED_PREFIX + Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64');
  }

  /** The plaintext of a sealed value; throws SecretUnreadableError if this key or context does not open it. */
  open(sealed: string, context: string): string {
    if (!isSealed(sealed)) throw new SecretUnreadableError();
    const bytes = Buffer.from(sealed.slice(SEALED_PREFIX.length), 'base64');
    if (bytes.length < NONCE_BYTES + TAG_BYTES) throw new SecretUnreadableError();
    const decipher = createDecipheriv('aes-256-gcm', this.#key, bytes.subarray(0, NONCE_BYTES));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretUnreadableError();
    }
  }
}
