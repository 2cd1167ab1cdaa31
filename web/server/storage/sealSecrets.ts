import type { SecretBox } from '../../../db/secretBox';
import type { RegistryStore } from '../../../db/store';
import { sealClearWebhookSecrets } from '../../../db/webhookSecrets';
import type { Logger } from '../logger';

/**
 * At start: seals the webhook secrets an earlier version stored in clear, and says which
 * businesses' sealed secrets the current key cannot open (their webhooks are refused until their
 * secrets are set again). Business ids only, never a secret.
 */
export async function sealStoredSecrets(store: RegistryStore, box: SecretBox, logger: Logger): Promise<void> {
  const { sealed, unreadable, withoutAccounts } = await sealClearWebhookSecrets(store, box);
  if (sealed.length > 0) {
    // DuckDB does not wipe the blocks an update frees, and earlier copies of the file hold them
    // anyway: only new secrets are out of reach.
    logger.warn(
      { businesses: sealed },
      'webhook secrets stored in clear were sealed with the secrets key; rotate them (app secret and verify token): ' +
        'copies of the database made before, and its free space, may still hold the old ones',
    );
  }
  if (withoutAccounts.length > 0) {
    // Said at every start until fixed: these businesses' webhooks are answered 403, and Meta
    // retries a refused delivery only for a limited time.
    logger.warn(
      { businesses: withoutAccounts },
      'these businesses have webhook secrets but no platform account registered, so their webhook payloads are refused (403 foreign_account): ' +
        'register their WhatsApp Business Account / phone number, page or Instagram account ids with PUT /v1/businesses/{id}/webhooks',
    );
  }
  if (unreadable.length > 0) {
    logger.warn(
      { businesses: unreadable },
      'the secrets key cannot open these businesses\' webhook secrets (another SECRETS_KEY or key file?): their webhooks are refused until the secrets are set again',
    );
  }
}
