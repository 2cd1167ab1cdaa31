import { INSTAGRAM, mapMessagingPayload } from '../messengerMapping';
import { messagingAccounts } from '../payloadAccounts';
import { metaAuthentication, type WebhookSource } from '../webhookSource';

/**
 * Instagram messaging (object "instagram"): the Messenger shape (entry[].messaging[] with sender,
 * recipient, timestamp, message.mid; `is_echo` for the business's own messages, which Instagram
 * sends with the `messages` field), on channel `instagram`, authenticated with the same Meta app
 * secret. Read receipts (`messaging_seen`) name the message read.
 */
export const instagramSource: WebhookSource = {
  channel: 'instagram',
  name: 'Instagram messaging',
  ...metaAuthentication,
  accounts: (payload) => messagingAccounts(payload, 'instagram'),
  map: (payload) => mapMessagingPayload(payload, INSTAGRAM),
  receiptsCoverEarlier: true,
};
