import { instagramSource } from './instagram/instagramSource';
import type { WebhookChannel } from './mappedEvent';
import { mapMessengerPayload } from './messengerMapping';
import { messagingAccounts, whatsappAccounts } from './payloadAccounts';
import { metaAuthentication, type WebhookSource } from './webhookSource';
import { mapWhatsAppPayload } from './whatsappMapping';

export const whatsappSource: WebhookSource = {
  channel: 'whatsapp', name: 'WhatsApp Cloud API', ...metaAuthentication,
  accounts: whatsappAccounts, map: mapWhatsAppPayload, receiptsCoverEarlier: false,
};

export const messengerSource: WebhookSource = {
  channel: 'messenger', name: 'Messenger Platform', ...metaAuthentication,
  accounts: (payload) => messagingAccounts(payload, 'page'), map: mapMessengerPayload, receiptsCoverEarlier: true,
};

/** Every webhook source the server mounts; a new platform is one more entry (and its folder). */
export const WEBHOOK_SOURCES: readonly WebhookSource[] = [whatsappSource, messengerSource, instagramSource];

export function sourceOf(channel: WebhookChannel): WebhookSource {
  const source = WEBHOOK_SOURCES.find((s) => s.channel === channel);
  if (!source) throw new Error(`no webhook source for ${channel}`);
  return source;
}
