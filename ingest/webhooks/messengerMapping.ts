import type { MappingResult } from './mappedEvent';
import { emptyResult } from './mappedEvent';
import { asArray, asObject, asText, eventId, unixToIso, unixToMs, type Json } from './payloadValues';

// Reference values are "STOP NOTIFICATIONS" / "RESUME NOTIFICATIONS"; payloads in the wild also
// carry underscores, so both spellings (and a bare STOP/RESUME) are accepted.
function optinChange(status: string | undefined): 'customer.opted_out' | 'customer.opted_in' | undefined {
  const normal = status?.trim().toUpperCase().replace(/[\s_]+/g, ' ');
  if (normal === 'STOP NOTIFICATIONS' || normal === 'STOP') return 'customer.opted_out';
  if (normal === 'RESUME NOTIFICATIONS' || normal === 'RESUME') return 'customer.opted_in';
  return undefined;
}

function mapMessaging(item: Json, entryTime: unknown, out: MappingResult): void {
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
            id: eventId('fb', mid, 'sent'), type: 'message.sent', channel: 'messenger', customer, message: mid, at,
            // Messenger has no pricing categories: a Page's message is filed as `service`.
            sender: 'agent', category: 'service', thread: { role: 'message', direction: 'out' },
          }
        : {
            id: eventId('fb', mid, 'received'), type: 'message.received', channel: 'messenger', customer, message: mid, at,
            thread: { role: 'message', direction: 'in' },
          },
    );
    return;
  }

  for (const kind of ['delivery', 'read'] as const) {
    const receipt = asObject(item[kind]);
    if (!receipt) continue;
    const watermarkMs = unixToMs(receipt.watermark, 'ms');
    const when = at ?? (watermarkMs === undefined ? undefined : new Date(watermarkMs).toISOString());
    if (!sender || watermarkMs === undefined || !when) {
      out.unmappable += 1;
      return;
    }
    out.receipts.push({
      kind: kind === 'delivery' ? 'delivered' : 'read',
      channel: 'messenger',
      customer: sender,
      watermarkMs,
      at: when,
      mids: asArray(receipt.mids).map(asText).filter((m): m is string => m !== undefined),
    });
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
      id: eventId('fb', 'optin', sender, type, String(Date.parse(at))),
      type,
      channel: 'messenger',
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
    out.policies.push({ channel: 'messenger', action, at });
  }
  // Postbacks, reactions, referrals, handovers and fields added later are ignored.
}

/**
 * Messenger Platform webhook payload (object "page") -> events, watermark receipts and policy
 * records. Pure: no state, no clock. `messaging[]` and `standby[]` (the same events while
 * another app owns the thread) are read; texts, attachments and profiles never are.
 */
export function mapMessengerPayload(payload: unknown): MappingResult {
  const out = emptyResult();
  const root = asObject(payload);
  if (!root || root.object !== 'page' || !Array.isArray(root.entry)) {
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
      if (m) mapMessaging(m, e.time, out);
      else out.unmappable += 1;
    }
  }
  return out;
}
