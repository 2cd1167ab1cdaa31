import type { MappingResult, WebhookChannel } from './mappedEvent';
import { emptyResult } from './mappedEvent';

/**
 * Messenger and Instagram messaging share one payload shape (entry[].messaging[] with sender,
 * recipient, timestamp and message.mid / is_echo); they differ in the payload's `object`, the
 * channel and the prefix of the event ids made from message ids.
 */
export interface MessagingPlatform {
  object: 'page' | 'instagram';
  channel: Extract<WebhookChannel, 'messenger' | 'instagram'>;
  idPrefix: 'fb' | 'ig';
}

export const MESSENGER: MessagingPlatform = { object: 'page', channel: 'messenger', idPrefix: 'fb' };
export const INSTAGRAM: MessagingPlatform = { object: 'instagram', channel: 'instagram', idPrefix: 'ig' };
import { asArray, asObject, asText, eventId, unixToIso, unixToMs, type Json } from './payloadValues';

// Reference values are "STOP NOTIFICATIONS" / "RESUME NOTIFICATIONS"; payloads in the wild also
// carry underscores, so both spellings (and a bare STOP/RESUME) are accepted.
function optinChange(status: string | undefined): 'customer.opted_out' | 'customer.opted_in' | undefined {
  const normal = status?.trim().toUpperCase().replace(/[\s_]+/g, ' ');
  if (normal === 'STOP NOTIFICATIONS' || normal === 'STOP') return 'customer.opted_out';
  if (normal === 'RESUME NOTIFICATIONS' || normal === 'RESUME') return 'customer.opted_in';
  return undefined;
}

function mapMessaging(item: Json, entryTime: unknown, platform: MessagingPlatform, out: MappingResult): void {
  const { channel, idPrefix } = platform;
  const sender = asText(asObject(item.sender)?.id);
  const recipient = asText(asObject(item.recipient)?.id);
  const at = unixToIso(item.timestamp, 'ms') ?? unixToIso(entryTime, 'ms');

  const message = asObject(item.message);
  if (message) {
    const mid = asText(message.mid);
    const echo = message.is_echo === true;
    // An echo is a message the Page sent: its customer is the recipient.
    const customer = echo ? recipient : sender;
    if (!mid || !customer || !at) {
      out.unmappable += 1;
      return;
    }
    out.events.push(
      echo
        ? {
            id: eventId(idPrefix, mid, 'sent'), type: 'message.sent', channel, customer, message: mid, at,
            // Messenger and Instagram have no pricing categories: a business's message is `service`.
            sender: 'agent', category: 'service', thread: { role: 'message', direction: 'out' },
          }
        : {
            id: eventId(idPrefix, mid, 'received'), type: 'message.received', channel, customer, message: mid, at,
            thread: { role: 'message', direction: 'in' },
          },
    );
    return;
  }

  for (const kind of ['delivery', 'read'] as const) {
    const receipt = asObject(item[kind]);
    if (!receipt) continue;
    // Messenger's receipts carry a watermark (and maybe mids); Instagram's messaging_seen names
    // the one message read (`read.mid`), which covers nothing by time.
    const mids = [...asArray(receipt.mids), receipt.mid].map(asText).filter((m): m is string => m !== undefined);
    const watermarkMs = unixToMs(receipt.watermark, 'ms') ?? (mids.length > 0 ? 0 : undefined);
    const when = at ?? (watermarkMs ? new Date(watermarkMs).toISOString() : undefined);
    if (!sender || watermarkMs === undefined || !when) {
      out.unmappable += 1;
      return;
    }
    out.receipts.push({ kind: kind === 'delivery' ? 'delivered' : 'read', channel, customer: sender, watermarkMs, at: when, mids });
    return;
  }

  const optin = asObject(item.optin);
  if (optin) {
    const type = optinChange(asText(optin.notification_messages_status));
    if (!type) return; // a first opt-in or a plugin opt-in: not a change of preference
    if (!sender || !at) {
      out.unmappable += 1;
      return;
    }
    out.events.push({
      id: eventId(idPrefix, 'optin', sender, type, String(Date.parse(at))),
      type,
      channel,
      customer: sender,
      at,
    });
    return;
  }

  const enforcement = asObject(item.policy_enforcement);
  if (enforcement) {
    const action = asText(enforcement.action)?.toLowerCase();
    if (!action || !/^[a-z_]{1,32}$/.test(action) || !at) {
      out.unmappable += 1;
      return;
    }
    // A business-level record: the Page, not a customer; Meta's free-text reason is dropped.
    out.policies.push({ channel, action, at });
  }
  // Postbacks, reactions, referrals, handovers and fields added later are ignored.
}

/**
 * Messenger Platform (object "page") or Instagram messaging (object "instagram") webhook payload
 * -> events, receipts and policy records. Pure: no state, no clock. `messaging[]` and `standby[]`
 * (the same events while another app owns the thread) are read; texts, attachments and profiles
 * never are.
 */
export function mapMessagingPayload(payload: unknown, platform: MessagingPlatform): MappingResult {
  const out = emptyResult();
  const root = asObject(payload);
  if (!root || root.object !== platform.object || !Array.isArray(root.entry)) {
    out.unmappable += 1;
    return out;
  }
  for (const entry of root.entry) {
    const e = asObject(entry);
    if (!e) {
      out.unmappable += 1;
      continue;
    }
    for (const item of [...asArray(e.messaging), ...asArray(e.standby)]) {
      const m = asObject(item);
      if (m) mapMessaging(m, e.time, platform, out);
      else out.unmappable += 1;
    }
  }
  return out;
}

export const mapMessengerPayload = (payload: unknown) => mapMessagingPayload(payload, MESSENGER);
