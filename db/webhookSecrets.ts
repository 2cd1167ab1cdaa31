import { eq, isNotNull, or } from 'drizzle-orm';
import type { RegistryDb, RegistryStore } from './store';
import { businesses } from './schema';
import { isSealed, SecretUnreadableError, type SecretBox } from './secretBox';

// A business's webhook settings, sealed in its two secret columns (db/secretBox.ts):
// app_secret holds the app secret together with the platform accounts it may sign for (JSON),
// verify_token the verify token. Keeping the accounts inside the sealed app secret needs no
// schema change, and they cannot be altered apart from the secret they belong to.

/** Platform account ids per webhook channel (WhatsApp Business Account or phone number ids, page ids, Instagram account ids). */
export type WebhookAccounts = Record<string, string[]>;

export interface WebhookSecrets {
  appSecret: string;
  verifyToken: string;
  accounts: WebhookAccounts;
}

export interface WebhookSecretsInput {
  appSecret: string;
  verifyToken: string;
  /** undefined keeps the accounts already registered. */
  accounts?: WebhookAccounts;
}

interface StoredColumns {
  appSecret: string | null;
  verifyToken: string | null;
}

const context = (business: string, column: 'app_secret' | 'verify_token') => `businesses.${column}:${business}`;

export function sealWebhookSecrets(box: SecretBox, business: string, secrets: WebhookSecrets): { appSecret: string; verifyToken: string } {
  return {
    appSecret: box.seal(JSON.stringify({ app_secret: secrets.appSecret, accounts: secrets.accounts }), context(business, 'app_secret')),
    verifyToken: box.seal(secrets.verifyToken, context(business, 'verify_token')),
  };
}

/** The settings of sealed columns; throws SecretUnreadableError when this key does not open them. */
export function openWebhookSecrets(box: SecretBox, business: string, stored: { appSecret: string; verifyToken: string }): WebhookSecrets {
  const bundle = JSON.parse(box.open(stored.appSecret, context(business, 'app_secret'))) as { app_secret: string; accounts: WebhookAccounts };
  return { appSecret: bundle.app_secret, verifyToken: box.open(stored.verifyToken, context(business, 'verify_token')), accounts: bundle.accounts };
}

/** Settings as stored before they were sealed: the clear app secret, with no accounts. */
function fromClear(stored: { appSecret: string; verifyToken: string }): WebhookSecrets {
  return { appSecret: stored.appSecret, verifyToken: stored.verifyToken, accounts: {} };
}

/** The opened settings of a row, or undefined when it has none or this key cannot open them. */
export function readStoredSecrets(box: SecretBox, business: string, row: StoredColumns | undefined): WebhookSecrets | undefined {
  if (!row?.appSecret || !row.verifyToken) return undefined;
  try {
    return openWebhookSecrets(box, business, { appSecret: row.appSecret, verifyToken: row.verifyToken });
  } catch (error) {
    if (error instanceof SecretUnreadableError || error instanceof SyntaxError) return undefined;
    throw error;
  }
}

/** The sealed column values for new settings; accounts left out are kept from the stored ones. */
export async function sealedColumnsFor(db: RegistryDb, box: SecretBox, business: string, input: WebhookSecretsInput) {
  let accounts = input.accounts;
  if (accounts === undefined) {
    const [row] = await db.select({ appSecret: businesses.appSecret, verifyToken: businesses.verifyToken }).from(businesses).where(eq(businesses.id, business));
    accounts = readStoredSecrets(box, business, row)?.accounts ?? {};
  }
  return sealWebhookSecrets(box, business, { appSecret: input.appSecret, verifyToken: input.verifyToken, accounts });
}

export interface SealingOutcome {
  /** Businesses whose clear secrets (from an earlier version) were sealed now. */
  sealed: string[];
  /** Businesses whose sealed secrets this key cannot open (another key, or altered data). */
  unreadable: string[];
  /** Businesses with webhook secrets but no platform account registered: their payloads are refused. */
  withoutAccounts: string[];
}

const hasAccounts = (secrets: WebhookSecrets) => Object.values(secrets.accounts).some((ids) => ids.length > 0);

/**
 * Run at every start: seals the secrets earlier versions stored in clear, and finds the sealed
 * ones the current key cannot open. Idempotent: sealed values are left as they are.
 */
export async function sealClearWebhookSecrets(store: RegistryStore, box: SecretBox): Promise<SealingOutcome> {
  return store.transaction(async (db) => {
    const rows = await db
      .select({ id: businesses.id, appSecret: businesses.appSecret, verifyToken: businesses.verifyToken })
      .from(businesses)
      .where(or(isNotNull(businesses.appSecret), isNotNull(businesses.verifyToken)));
    const outcome: SealingOutcome = { sealed: [], unreadable: [], withoutAccounts: [] };
    for (const row of rows) {
      if (!row.appSecret || !row.verifyToken) continue;
      const stored = { appSecret: row.appSecret, verifyToken: row.verifyToken };
      if (isSealed(stored.appSecret) && isSealed(stored.verifyToken)) {
        const opened = readStoredSecrets(box, row.id, stored);
        if (!opened) outcome.unreadable.push(row.id);
        else if (!hasAccounts(opened)) outcome.withoutAccounts.push(row.id);
        continue;
      }
      const clear = isSealed(stored.appSecret) || isSealed(stored.verifyToken) ? undefined : fromClear(stored);
      if (!clear) {
        outcome.unreadable.push(row.id);
        continue;
      }
      await db.update(businesses).set(sealWebhookSecrets(box, row.id, clear)).where(eq(businesses.id, row.id));
      outcome.sealed.push(row.id);
      outcome.withoutAccounts.push(row.id);
    }
    return outcome;
  });
}
