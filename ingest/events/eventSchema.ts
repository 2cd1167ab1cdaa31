import { z } from '@hono/zod-openapi';
import { isCountryCode } from '../countries';

export const EVENT_TYPES = [
  'message.received',
  'message.sent',
  'message.delivered',
  'message.read',
  'message.failed',
  'customer.blocked',
  'customer.unblocked',
  'customer.muted',
  'customer.unmuted',
  'customer.opted_out',
  'customer.opted_in',
  'customer.reported',
] as const;
export const CHANNELS = ['whatsapp', 'messenger', 'instagram', 'sms', 'rcs', 'webchat'] as const;
export const SENDERS = ['agent', 'bot', 'automation'] as const;
export const CATEGORIES = ['service', 'marketing', 'utility', 'authentication'] as const;

export type EventType = (typeof EVENT_TYPES)[number];
export type Channel = (typeof CHANNELS)[number];

/**
 * Field names that would carry message content or contact details. They get their own error so
 * that an integrator learns why, instead of a bare "unknown field".
 */
export const CONTENT_FIELDS: ReadonlySet<string> = new Set([
  'text', 'body', 'caption', 'name', 'email', 'profile', 'content', 'message_text', 'first_name',
  'last_name', 'display_name', 'contact', 'contacts', 'phone', 'address', 'location',
]);
export const CONTENT_FIELD_ERROR =
  'message content and contact details are never accepted: send identifiers and metadata only';

// RFC 3339 date-time: a full date, a time and an explicit offset.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/** Microseconds since the epoch, or null when the text is not a real RFC 3339 instant. */
export function parseRfc3339Micros(text: string): number | null {
  const m = RFC3339.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, fraction = '', offset = 'Z'] = m;
  const ms = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}${offset.toUpperCase()}`);
  if (Number.isNaN(ms)) return null;
  // Date.parse rolls 2026-02-30 over to March: reject dates that do not exist.
  const day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (day.getUTCMonth() !== Number(mo) - 1 || day.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
    return null;
  }
  const micros = fraction ? Math.floor(Number(`0${fraction}`) * 1e6) : 0;
  return ms * 1000 + micros;
}

const text = (max: number, what: string) =>
  z.string({ error: `${what} must be a string` }).min(1, { error: `${what} must not be empty` })
    .max(max, { error: `${what} must be at most ${max} characters` });

const instant = (what: string) =>
  z.string({ error: `${what} must be an RFC 3339 timestamp string` }).refine((v) => parseRfc3339Micros(v) !== null, {
    error: `${what} must be an RFC 3339 timestamp with a time zone, e.g. 2026-11-02T09:15:00Z`,
  }).openapi({ format: 'date-time', example: '2026-11-02T09:15:00Z' });

const country = (what: string) =>
  z.string({ error: `${what} must be a string` }).refine(isCountryCode, {
    error: `${what} must be an ISO 3166-1 alpha-2 country code in capitals, e.g. DE`,
  }).openapi({ example: 'DE' });

const oneOf = <T extends readonly [string, ...string[]]>(values: T, what: string) =>
  z.enum(values, { error: `${what} must be one of: ${values.join(', ')}` });

const EventFields = z.strictObject({
  id: text(128, 'id').openapi({ description: 'Idempotency key, unique per business.' }),
  business: text(64, 'business').openapi({ description: 'A registered business id.' }),
  type: oneOf(EVENT_TYPES, 'type'),
  channel: oneOf(CHANNELS, 'channel'),
  customer: text(256, 'customer').openapi({
    description: "The platform's customer identifier (E.164 phone number, wa_id, page-scoped id). Stored only as a keyed pseudonym.",
  }),
  customer_country: country('customer_country').optional(),
  conversation: text(256, 'conversation').optional(),
  message: text(256, 'message').optional(),
  at: instant('at'),
  sent_at: instant('sent_at').optional(),
  sender: oneOf(SENDERS, 'sender').optional(),
  category: oneOf(CATEGORIES, 'category').optional(),
  template: text(512, 'template').optional(),
  processed_in: country('processed_in').optional(),
  error_code: z.number({ error: 'error_code must be an integer' }).int({ error: 'error_code must be an integer' }).optional(),
});

type Fields = z.infer<typeof EventFields>;

/** Rules between fields (SPEC 3), each with the field it is about. */
const CROSS_FIELD_RULES: { field: keyof Fields; applies: (e: Fields) => boolean; error: string }[] = [
  { field: 'conversation', applies: (e) => e.type.startsWith('message.') && !e.conversation, error: 'conversation is required for message.* events' },
  {
    field: 'message',
    applies: (e) => ['message.delivered', 'message.read', 'message.failed'].includes(e.type) && !e.message,
    error: 'message is required for delivered, read and failed events',
  },
  { field: 'sender', applies: (e) => e.type === 'message.sent' && !e.sender, error: 'sender is required for message.sent' },
  { field: 'sender', applies: (e) => e.type !== 'message.sent' && e.sender !== undefined, error: 'sender is only allowed on message.sent' },
  { field: 'category', applies: (e) => e.type === 'message.sent' && !e.category, error: 'category is required for message.sent' },
  { field: 'category', applies: (e) => e.type !== 'message.sent' && e.category !== undefined, error: 'category is only allowed on message.sent' },
  { field: 'template', applies: (e) => e.type !== 'message.sent' && e.template !== undefined, error: 'template is only allowed on message.sent' },
  { field: 'error_code', applies: (e) => e.type !== 'message.failed' && e.error_code !== undefined, error: 'error_code is only allowed on message.failed' },
];

export const IngestEvent = EventFields.superRefine((event, ctx) => {
  for (const rule of CROSS_FIELD_RULES) {
    if (rule.applies(event)) ctx.addIssue({ code: 'custom', path: [rule.field], message: rule.error });
  }
}).openapi('IngestEvent');

export type IngestEvent = z.infer<typeof IngestEvent>;

export const EventBatch = z.object({ events: z.array(IngestEvent).max(10_000) }).openapi('EventBatch');

export const Rejection = z.object({
  index: z.number().int().openapi({ description: 'Position of the event in the request (0-based).' }),
  field: z.string().nullable(),
  error: z.string(),
}).openapi('Rejection');
export type Rejection = z.infer<typeof Rejection>;

export const IngestReply = z.object({
  accepted: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.array(Rejection),
}).openapi('IngestReply');
export type IngestReply = z.infer<typeof IngestReply>;
