import { z } from '@hono/zod-openapi';
import { isCountryCode } from '../../db/countries';
import { CATEGORIES, CHANNELS, EVENT_TYPES, PRICING_TYPES, SENDERS, SOURCES } from '../../db/vocabulary';

export { CATEGORIES, CHANNELS, EVENT_TYPES, PRICING_TYPES, SENDERS, SOURCES } from '../../db/vocabulary';
export type { Channel, EventType } from '../../db/vocabulary';
/** At most this many other identifiers of the same person on one event. */
export const MAX_CUSTOMER_ALIASES = 4;


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

/** The reference parser: regular expression, Date.parse and a round trip for impossible dates. */
export function parseRfc3339MicrosSlow(text: string): number | null {
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

/** The value of `count` ASCII digits at `at`, or -1 when one of them is not a digit. */
function digits(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    value = value * 10 + c;
  }
  return value;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeapYear = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/**
 * Microseconds since the epoch, or null when the text is not a real RFC 3339 instant.
 *
 * Every event has one or two timestamps, parsed at validation and again at anonymisation, so
 * the common shape (years 1000-9999, offsets up to 23:59) is read here by hand, without a
 * regular expression, string slices or Date objects. Anything else goes to the reference parser
 * above, so both always agree (the tests compare them on generated timestamps).
 */
export function parseRfc3339Micros(text: string): number | null {
  const length = text.length;
  if (length < 20 || length > 35) return parseRfc3339MicrosSlow(text);
  const t = text.charCodeAt(10);
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || (t !== 84 && t !== 116 && t !== 32) ||
    text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) {
    return parseRfc3339MicrosSlow(text);
  }
  const y = digits(text, 0, 4);
  const mo = digits(text, 5, 2);
  const d = digits(text, 8, 2);
  const h = digits(text, 11, 2);
  const mi = digits(text, 14, 2);
  const s = digits(text, 17, 2);
  if (y < 1000 || mo < 0 || d < 0 || h < 0 || mi < 0 || s < 0) return parseRfc3339MicrosSlow(text);
  let at = 19;
  let micros = 0;
  if (text.charCodeAt(at) === 46) {
    let end = at + 1;
    while (end < length && end - at <= 9) {
      const c = text.charCodeAt(end);
      if (c < 48 || c > 57) break;
      end++;
    }
    if (end === at + 1 || end - at > 9 + 1) return parseRfc3339MicrosSlow(text);
    // Exactly as the reference: through a double, then floored.
    micros = Math.floor(Number(`0${text.slice(at, end)}`) * 1e6);
    at = end;
  }
  let offsetMinutes = 0;
  const sign = text.charCodeAt(at);
  if (sign === 90 || sign === 122) {
    if (at + 1 !== length) return parseRfc3339MicrosSlow(text);
  } else if ((sign === 43 || sign === 45) && at + 6 === length && text.charCodeAt(at + 3) === 58) {
    const oh = digits(text, at + 1, 2);
    const om = digits(text, at + 4, 2);
    if (oh < 0 || om < 0 || oh > 23 || om > 59) return parseRfc3339MicrosSlow(text);
    offsetMinutes = (sign === 43 ? 1 : -1) * (oh * 60 + om);
  } else {
    return parseRfc3339MicrosSlow(text);
  }
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return null;
  const daysInMonth = mo === 2 && isLeapYear(y) ? 29 : DAYS_IN_MONTH[mo - 1]!;
  if (d > daysInMonth) return null;
  const ms = Date.UTC(y, mo - 1, d, h, mi, s) - offsetMinutes * 60_000;
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

/**
 * A template's name, in the platforms' template-name alphabet (WhatsApp's names are lower-case
 * letters, digits and underscores). Nothing else is accepted, so the field cannot carry message
 * text or personal data past the content guard.
 */
export const TEMPLATE_NAME = /^[a-z0-9_]{1,512}$/;
export const TEMPLATE_NAME_ERROR = 'template must be 1 to 512 characters of a-z, 0-9 and _ (the platform\'s template name, e.g. order_confirmation)';

const templateName = () =>
  z.string({ error: 'template must be a string' }).regex(TEMPLATE_NAME, { error: TEMPLATE_NAME_ERROR })
    .openapi({ description: 'The name of the platform template sent (a-z, 0-9 and _, at most 512 characters).', example: 'order_confirmation' });

/**
 * A client's campaign tag: letters, digits, `_`, `-` and `.`, 1 to 128 characters. Like a
 * template name it must not carry message text or personal data past the content guard, so the
 * alphabet has no space (no sentence, no name "Jane Doe"), no `@` (no email address) and no `+`
 * (no E.164 number); and a tag with 7 or more digits in a row, `-`, `.` and `_` between them
 * aside, is refused too, since that is what a phone number or an account number looks like with
 * or without separators. Dates stay usable: an ISO date (2026-11-27) in a tag is not counted as
 * digits. Upper case is allowed: campaign tools name campaigns in it (utm_campaign=Spring_Sale).
 */
export const CAMPAIGN_TAG = /^[A-Za-z0-9_.-]{1,128}$/;
export const CAMPAIGN_TAG_ERROR =
  'campaign must be 1 to 128 characters of A-Z, a-z, 0-9, _, - and . (a campaign tag, e.g. spring_sale-2026-03)';
export const CAMPAIGN_DIGITS_ERROR =
  'campaign must not hold 7 or more digits in a row (separators aside, ISO dates excepted): it looks like a phone or account number, and a campaign tag never carries personal data';
// A calendar date of this or the last century, not part of a longer run of digits.
const ISO_DATE = /(?<!\d)(?:19|20)\d\d-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?!\d)/g;
const DIGIT_SEPARATORS = /[-._]/g;
const LONG_DIGIT_RUN = /\d{7}/;

/** Whether a campaign tag (in the alphabet) has a run of digits that could be a phone number. */
export const hasPhoneLikeDigits = (tag: string): boolean =>
  LONG_DIGIT_RUN.test(tag.replace(ISO_DATE, '_').replace(DIGIT_SEPARATORS, ''));

/** The whole campaign contract in one test (the validator's fast path uses it). */
export const isCampaignTag = (value: string): boolean => CAMPAIGN_TAG.test(value) && !hasPhoneLikeDigits(value);

const campaignTag = () =>
  z.string({ error: 'campaign must be a string' }).regex(CAMPAIGN_TAG, { error: CAMPAIGN_TAG_ERROR })
    .refine((tag) => !hasPhoneLikeDigits(tag), { error: CAMPAIGN_DIGITS_ERROR })
    .openapi({
      description: 'Your campaign tag of the send (A-Z, a-z, 0-9, _, - and ., at most 128 characters; no run of 7 or more digits). ' +
        'Only on message.sent.',
      example: 'spring_sale-2026-03',
    });

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
  customer_aliases: z.array(text(256, 'customer_aliases[]'), { error: 'customer_aliases must be an array of strings' })
    .min(1, { error: 'customer_aliases must not be empty' })
    .max(MAX_CUSTOMER_ALIASES, { error: `customer_aliases must have at most ${MAX_CUSTOMER_ALIASES} entries` })
    .optional().openapi({
      description: "Other identifiers of the same person (e.g. the WhatsApp business-scoped user id `BR.8091...` beside the phone number). " +
        'The person is counted once under all of them, also in later events that carry only one. Stored only as keyed pseudonyms.',
    }),
  customer_country: country('customer_country').optional(),
  conversation: text(256, 'conversation').optional(),
  message: text(256, 'message').optional(),
  at: instant('at'),
  sent_at: instant('sent_at').optional(),
  sender: oneOf(SENDERS, 'sender').optional(),
  category: oneOf(CATEGORIES, 'category').optional(),
  template: templateName().optional(),
  campaign: campaignTag().optional(),
  processed_in: country('processed_in').optional(),
  error_code: z.number({ error: 'error_code must be an integer' }).int({ error: 'error_code must be an integer' }).optional(),
  pricing: oneOf(PRICING_TYPES, 'pricing').optional().openapi({
    description: "The platform's pricing type of the message (WhatsApp pricing.type): regular = charged, free_customer_service and free_entry_point = free.",
  }),
  source: oneOf(SOURCES, 'source').optional().openapi({
    description: 'business_app: a reply typed in the WhatsApp Business app on a number shared with the Cloud API.',
  }),
});

type Fields = z.infer<typeof EventFields>;

// A status may carry the platform's billing category and pricing type: they correct the send's.
const BILLED_TYPES: ReadonlySet<string> = new Set(['message.sent', 'message.delivered', 'message.read']);

/** Rules between fields, each with the field it is about. */
export const CROSS_FIELD_RULES: { field: keyof Fields; applies: (e: Fields) => boolean; error: string }[] = [
  { field: 'conversation', applies: (e) => e.type.startsWith('message.') && !e.conversation, error: 'conversation is required for message.* events' },
  {
    field: 'message',
    applies: (e) => ['message.delivered', 'message.read', 'message.failed'].includes(e.type) && !e.message,
    error: 'message is required for delivered, read and failed events',
  },
  { field: 'sender', applies: (e) => e.type === 'message.sent' && !e.sender, error: 'sender is required for message.sent' },
  { field: 'sender', applies: (e) => e.type !== 'message.sent' && e.sender !== undefined, error: 'sender is only allowed on message.sent' },
  { field: 'category', applies: (e) => e.type === 'message.sent' && !e.category, error: 'category is required for message.sent' },
  {
    field: 'category',
    applies: (e) => e.category !== undefined && !BILLED_TYPES.has(e.type),
    error: 'category is only allowed on message.sent, message.delivered and message.read',
  },
  {
    field: 'pricing',
    applies: (e) => e.pricing !== undefined && !BILLED_TYPES.has(e.type),
    error: 'pricing is only allowed on message.sent, message.delivered and message.read',
  },
  { field: 'source', applies: (e) => e.type !== 'message.sent' && e.source !== undefined, error: 'source is only allowed on message.sent' },
  { field: 'template', applies: (e) => e.type !== 'message.sent' && e.template !== undefined, error: 'template is only allowed on message.sent' },
  { field: 'campaign', applies: (e) => e.type !== 'message.sent' && e.campaign !== undefined, error: 'campaign is only allowed on message.sent' },
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
