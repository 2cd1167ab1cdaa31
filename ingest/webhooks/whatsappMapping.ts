import { isCountryCode } from '../countries';
import type { MappedEvent, MappingResult } from './mappedEvent';
import { emptyResult } from './mappedEvent';
import { asArray, asObject, asText, eventId, unixToIso, type Json } from './payloadValues';

type Category = NonNullable<MappedEvent['category']>;

// pricing.category (PMP, and CBP before July 2025) and conversation.origin.type values.
const CATEGORIES: Record<string, Category> = {
  marketing: 'marketing',
  marketing_lite: 'marketing',
  utility: 'utility',
  authentication: 'authentication',
  authentication_international: 'authentication',
  'authentication-international': 'authentication',
  service: 'service',
  referral_conversion: 'service',
  user_initiated: 'service',
};

/**
 * The category of a sent message: pricing.category in both shapes (CBP: {billable,
 * pricing_model, category}; PMP: {billable, pricing_model, type, category}), else the
 * conversation origin. Meta omits pricing on some sent statuses (e.g. v24.0 webhooks whose
 * pricing came with the delivered status): those are filed as `service`, the category of a
 * free-form reply; a category we do not know is also `service`, never guessed as marketing.
 */
export function sentCategory(status: Json): Category {
  const pricing = asObject(status.pricing);
  const origin = asObject(asObject(status.conversation)?.origin);
  const raw = asText(pricing?.category) ?? asText(origin?.type);
  return (raw && CATEGORIES[raw.toLowerCase()]) || 'service';
}

const STATUS_TYPES = { sent: 'message.sent', delivered: 'message.delivered', read: 'message.read', failed: 'message.failed' } as const;

function mapStatus(status: Json, out: MappingResult): void {
  const kind = asText(status.status);
  // `played` (voice message played) and statuses we do not know are ignored, as are group chats.
  if (kind === undefined || !(kind in STATUS_TYPES)) return;
  if (asText(status.recipient_type) === 'group') return;
  const wamid = asText(status.id);
  const customer = asText(status.recipient_id) ?? asText(status.recipient_user_id);
  const at = unixToIso(status.timestamp, 's');
  if (!wamid || !customer || !at) {
    out.unmappable += 1;
    return;
  }
  const type = STATUS_TYPES[kind as keyof typeof STATUS_TYPES];
  const event: MappedEvent = {
    id: eventId('wa', wamid, kind),
    type,
    channel: 'whatsapp',
    customer,
    message: wamid,
    at,
    thread: kind === 'sent' ? { role: 'message', direction: 'out' } : { role: 'status' },
  };
  if (type === 'message.sent') {
    event.sender = 'agent';
    event.category = sentCategory(status);
  }
  if (type === 'message.failed') {
    const code = asObject(asArray(status.errors)[0])?.code;
    if (typeof code === 'number' && Number.isInteger(code)) event.error_code = code;
  }
  out.events.push(event);
}

/** The country WhatsApp reports for a user (BSUID era), used only when the id is not a number. */
function contactCountry(value: Json, customer: string): string | undefined {
  for (const contact of asArray(value.contacts)) {
    const c = asObject(contact);
    if (!c || (asText(c.wa_id) !== customer && asText(c.user_id) !== customer)) continue;
    const code = asText(asObject(c.profile)?.country_code)?.toUpperCase();
    return code && isCountryCode(code) ? code : undefined;
  }
  return undefined;
}

function mapMessage(message: Json, value: Json, out: MappingResult): void {
  const wamid = asText(message.id);
  // `from` is the phone number (wa_id, without "+"); users with a username may come with only
  // their business-scoped user id (BSUID).
  const customer = asText(message.from) ?? asText(message.from_user_id);
  const at = unixToIso(message.timestamp, 's');
  if (!wamid || !customer || !at) {
    out.unmappable += 1;
    return;
  }
  const country = /^\+?\d[\d\s-]*$/.test(customer) ? undefined : contactCountry(value, customer);
  out.events.push({
    id: eventId('wa', wamid, 'received'),
    type: 'message.received',
    channel: 'whatsapp',
    customer,
    ...(country ? { customer_country: country } : {}),
    message: wamid,
    at,
    thread: { role: 'message', direction: 'in' },
  });
}

function mapPreference(preference: Json, out: MappingResult): void {
  if (asText(preference.category) !== 'marketing_messages') return;
  const value = asText(preference.value)?.toLowerCase();
  if (value !== 'stop' && value !== 'resume') return;
  const customer = asText(preference.wa_id) ?? asText(preference.user_id);
  const at = unixToIso(preference.timestamp, 's');
  if (!customer || !at) {
    out.unmappable += 1;
    return;
  }
  out.events.push({
    id: eventId('wa', 'pref', customer, value, String(Date.parse(at) / 1000)),
    type: value === 'stop' ? 'customer.opted_out' : 'customer.opted_in',
    channel: 'whatsapp',
    customer,
    at,
  });
}

/**
 * WhatsApp Cloud API webhook payload -> events. Pure: no state, no clock. `messages` and
 * `statuses` of field `messages`, and `user_preferences`, are mapped; every other field, and
 * every property the platform adds later, is ignored. Texts, captions, names and profiles are
 * never read.
 */
export function mapWhatsAppPayload(payload: unknown): MappingResult {
  const out = emptyResult();
  const root = asObject(payload);
  if (!root || root.object !== 'whatsapp_business_account' || !Array.isArray(root.entry)) {
    out.unmappable += 1;
    return out;
  }
  for (const entry of root.entry) {
    const changes = asObject(entry)?.changes;
    if (!Array.isArray(changes)) {
      out.unmappable += 1;
      continue;
    }
    for (const change of changes) {
      const c = asObject(change);
      const value = asObject(c?.value);
      if (!c || !value) {
        out.unmappable += 1;
        continue;
      }
      if (c.field === 'messages') {
        for (const message of asArray(value.messages)) {
          const m = asObject(message);
          if (m) mapMessage(m, value, out);
          else out.unmappable += 1;
        }
        for (const status of asArray(value.statuses)) {
          const s = asObject(status);
          if (s) mapStatus(s, out);
          else out.unmappable += 1;
        }
      } else if (c.field === 'user_preferences') {
        for (const preference of asArray(value.user_preferences)) {
          const p = asObject(preference);
          if (p) mapPreference(p, out);
          else out.unmappable += 1;
        }
      }
    }
  }
  return out;
}
