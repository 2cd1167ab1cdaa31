import { isCountryCode } from '../../db/countries';
import type { MappedEvent, MappingResult } from './mappedEvent';
import { emptyResult } from './mappedEvent';
import { asArray, asObject, asText, eventId, unixToIso, type Json } from './payloadValues';

type Category = NonNullable<MappedEvent['category']>;
type Pricing = NonNullable<MappedEvent['pricing']>;

// pricing.category (PMP, and CBP before July 2025) and conversation.origin.type values, as
// Meta spells them; every category Meta bills is kept apart.
const CATEGORIES: Record<string, Category> = {
  marketing: 'marketing',
  marketing_lite: 'marketing_lite',
  utility: 'utility',
  authentication: 'authentication',
  authentication_international: 'authentication_international',
  'authentication-international': 'authentication_international',
  service: 'service',
  referral_conversion: 'referral_conversion',
  user_initiated: 'service',
};

const PRICING_TYPES: ReadonlySet<string> = new Set<Pricing>(['regular', 'free_customer_service', 'free_entry_point']);

/** The category a status reports: pricing.category in both shapes, else the conversation origin. */
function reportedCategory(status: Json): Category | undefined {
  const pricing = asObject(status.pricing);
  const origin = asObject(asObject(status.conversation)?.origin);
  const raw = asText(pricing?.category) ?? asText(origin?.type);
  return raw ? CATEGORIES[raw.toLowerCase()] : undefined;
}

/**
 * The category of a sent message: what its status reports (CBP: {billable, pricing_model,
 * category}; PMP: {billable, pricing_model, type, category}). Meta omits pricing on some sent
 * statuses (e.g. v24.0 webhooks whose pricing comes with the delivered status): those are filed
 * as `service`, the category of a free-form reply, and the later status's category corrects it;
 * a category we do not know is also `service`, never guessed as marketing.
 */
export function sentCategory(status: Json): Category {
  return reportedCategory(status) ?? 'service';
}

/** pricing.type (PMP): charged (regular) or which free window; undefined when absent or unknown. */
function pricingType(status: Json): Pricing | undefined {
  const raw = asText(asObject(status.pricing)?.type)?.toLowerCase();
  return raw && PRICING_TYPES.has(raw) ? (raw as Pricing) : undefined;
}

/**
 * The customer of a payload entry: the phone number when there is one, and the business-scoped
 * user id (BSUID) beside it as the same person's alias; a user with a username may come with the
 * BSUID only. Empty strings are absent (Meta sends `"from": ""` for such users).
 */
function customerOf(phone: unknown, bsuid: unknown, value?: Json): { customer: string; customer_aliases?: string[] } | undefined {
  let number = asText(phone);
  let user = asText(bsuid);
  // The payload's contacts[] pair a user's wa_id with their user_id: the other half of the person.
  const contact = value && (number ?? user) ? contactOf(value, (number ?? user)!) : undefined;
  number ??= asText(contact?.wa_id);
  user ??= asText(contact?.user_id);
  if (number && user && number !== user) return { customer: number, customer_aliases: [user] };
  const customer = number ?? user;
  return customer ? { customer } : undefined;
}

/** The contacts[] entry of a user, by their wa_id or user_id. */
function contactOf(value: Json, customer: string): Json | undefined {
  for (const contact of asArray(value.contacts)) {
    const c = asObject(contact);
    if (c && (asText(c.wa_id) === customer || asText(c.user_id) === customer)) return c;
  }
  return undefined;
}

const STATUS_TYPES = { sent: 'message.sent', delivered: 'message.delivered', read: 'message.read', failed: 'message.failed' } as const;

function mapStatus(status: Json, value: Json, out: MappingResult): void {
  const kind = asText(status.status);
  // `played` (voice message played) and statuses we do not know are ignored, as are group chats.
  if (kind === undefined || !(kind in STATUS_TYPES)) return;
  if (asText(status.recipient_type) === 'group') return;
  const wamid = asText(status.id);
  const who = customerOf(status.recipient_id, status.recipient_user_id, value);
  const at = unixToIso(status.timestamp, 's');
  if (!wamid || !who || !at) {
    out.unmappable += 1;
    return;
  }
  const type = STATUS_TYPES[kind as keyof typeof STATUS_TYPES];
  const event: MappedEvent = {
    id: eventId('wa', wamid, kind),
    type,
    channel: 'whatsapp',
    ...who,
    message: wamid,
    at,
    thread: kind === 'sent' ? { role: 'message', direction: 'out' } : { role: 'status' },
  };
  const pricing = pricingType(status);
  if (type === 'message.sent') {
    event.sender = 'agent';
    event.category = sentCategory(status);
  } else if (type !== 'message.failed') {
    const category = reportedCategory(status);
    if (category) event.category = category;
  }
  if (pricing && type !== 'message.failed') event.pricing = pricing;
  if (type === 'message.failed') {
    const code = asObject(asArray(status.errors)[0])?.code;
    if (typeof code === 'number' && Number.isInteger(code)) event.error_code = code;
  }
  out.events.push(event);
}

/** The country WhatsApp reports for a user (BSUID era), used only when the id is not a number. */
function contactCountry(value: Json, customer: string): string | undefined {
  const code = asText(asObject(contactOf(value, customer)?.profile)?.country_code)?.toUpperCase();
  return code && isCountryCode(code) ? code : undefined;
}

/**
 * A system message says an identifier of the user changed: user_changed_number (the new phone
 * number in system.wa_id) or user_changed_user_id (the new BSUID in system.user_id). It is a
 * notice that the old and the new identifier are one person, never a message of the customer.
 */
function mapSystemMessage(message: Json, out: MappingResult): void {
  const system = asObject(message.system);
  const at = unixToIso(message.timestamp, 's');
  const old = [asText(message.from), asText(message.from_user_id)].filter((v): v is string => v !== undefined);
  const renamed = [asText(system?.wa_id), asText(system?.user_id), asText(system?.new_wa_id), asText(system?.new_user_id)]
    .filter((v): v is string => v !== undefined);
  const identities = [...new Set([...old, ...renamed])];
  if (!at || old.length === 0 || renamed.length === 0 || identities.length < 2) {
    out.unmappable += 1;
    return;
  }
  out.identities.push({ channel: 'whatsapp', identities, at });
}

function mapMessage(message: Json, value: Json, out: MappingResult): void {
  if (asText(message.type) === 'system') {
    mapSystemMessage(message, out);
    return;
  }
  const wamid = asText(message.id);
  const who = customerOf(message.from, message.from_user_id, value);
  const at = unixToIso(message.timestamp, 's');
  if (!wamid || !who || !at) {
    out.unmappable += 1;
    return;
  }
  const country = /^\+?\d[\d\s-]*$/.test(who.customer) ? undefined : contactCountry(value, who.customer);
  out.events.push({
    id: eventId('wa', wamid, 'received'),
    type: 'message.received',
    channel: 'whatsapp',
    ...who,
    ...(country ? { customer_country: country } : {}),
    message: wamid,
    at,
    thread: { role: 'message', direction: 'in' },
  });
}

// Echoes of an edit or a revocation name a message sent earlier: no new message.
const NOT_A_NEW_MESSAGE: ReadonlySet<string> = new Set(['edit', 'revoke', 'unsupported']);

/**
 * smb_message_echoes: a reply typed in the WhatsApp Business app on a number shared with the
 * Cloud API (coexistence). It is the business's reply like any other: message.sent by an agent,
 * from the business app. Its id is the one a `sent` status of the same message would have, so
 * the two are never counted twice.
 */
function mapEcho(echo: Json, out: MappingResult): void {
  if (NOT_A_NEW_MESSAGE.has(asText(echo.type) ?? '')) return;
  const wamid = asText(echo.id);
  const who = customerOf(echo.to, echo.to_user_id);
  const at = unixToIso(echo.timestamp, 's');
  if (!wamid || !who || !at) {
    out.unmappable += 1;
    return;
  }
  out.events.push({
    id: eventId('wa', wamid, 'sent'),
    type: 'message.sent',
    channel: 'whatsapp',
    ...who,
    message: wamid,
    at,
    sender: 'agent',
    category: 'service',
    source: 'business_app',
    thread: { role: 'message', direction: 'out' },
  });
}

function mapPreference(preference: Json, out: MappingResult): void {
  if (asText(preference.category) !== 'marketing_messages') return;
  const value = asText(preference.value)?.toLowerCase();
  if (value !== 'stop' && value !== 'resume') return;
  const who = customerOf(preference.wa_id, preference.user_id);
  const at = unixToIso(preference.timestamp, 's');
  if (!who || !at) {
    out.unmappable += 1;
    return;
  }
  out.events.push({
    id: eventId('wa', 'pref', who.customer, value, String(Date.parse(at) / 1000)),
    type: value === 'stop' ? 'customer.opted_out' : 'customer.opted_in',
    channel: 'whatsapp',
    ...who,
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
          if (s) mapStatus(s, value, out);
          else out.unmappable += 1;
        }
      } else if (c.field === 'smb_message_echoes') {
        for (const echo of asArray(value.message_echoes)) {
          const e = asObject(echo);
          if (e) mapEcho(e, out);
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
