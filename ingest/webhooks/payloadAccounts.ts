import type { WebhookChannel } from './mappedEvent';
import { asArray, asObject, asText } from './payloadValues';

// Every Meta payload names the business account each of its parts is for. A business's webhook
// accepts only parts of accounts registered for it: with one app secret shared by two
// businesses, one's events posted to the other's URL would otherwise be stored as its own.

/** Per part of a payload that can be stored: the account ids that name it (any one registered suffices). */
export type PayloadAccounts = string[][];

const idsOf = (...values: unknown[]) => values.map(asText).filter((id): id is string => id !== undefined);

/** WhatsApp: per change, its WhatsApp Business Account (entry[].id) and its phone number (metadata.phone_number_id). */
export function whatsappAccounts(payload: unknown): PayloadAccounts {
  const root = asObject(payload);
  if (root?.object !== 'whatsapp_business_account') return [];
  return asArray(root.entry).flatMap((entry) => {
    const e = asObject(entry);
    return asArray(e?.changes)
      .map((change) => asObject(asObject(change)?.value))
      .filter((value) => value !== undefined)
      .map((value) => idsOf(e?.id, asObject(value.metadata)?.phone_number_id));
  });
}

/** Messenger (object "page") and Instagram (object "instagram"): per entry, its page or Instagram account (entry[].id). */
export function messagingAccounts(payload: unknown, object: 'page' | 'instagram'): PayloadAccounts {
  const root = asObject(payload);
  if (root?.object !== object) return [];
  return asArray(root.entry).map(asObject).filter((e) => e !== undefined).map((e) => idsOf(e.id));
}

/** How many parts name no account of `registered`. */
export function foreignParts(parts: PayloadAccounts, registered: readonly string[]): number {
  const own = new Set(registered);
  return parts.filter((ids) => !ids.some((id) => own.has(id))).length;
}

/** A payload with parts for accounts not registered for the business of its URL: refused whole, nothing stored. */
export class ForeignAccountError extends Error {
  constructor(
    readonly channel: WebhookChannel,
    readonly parts: number,
  ) {
    super(
      `${parts} part(s) of this ${channel} payload name an account (WhatsApp Business Account or phone number id, page id, ` +
        'Instagram account id) not registered for this business; nothing was stored. Register the accounts with PUT /v1/businesses/{id}/webhooks',
    );
    this.name = 'ForeignAccountError';
  }
}
