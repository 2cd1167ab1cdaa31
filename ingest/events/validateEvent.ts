import type { z } from '@hono/zod-openapi';
import { isCountryCode } from '../../db/countries';
import {
  CATEGORIES, CHANNELS, CONTENT_FIELD_ERROR, CONTENT_FIELDS, CROSS_FIELD_RULES, EVENT_TYPES, IngestEvent, MAX_CUSTOMER_ALIASES,
  isCampaignTag, parseRfc3339Micros, PRICING_TYPES, SENDERS, SOURCES, TEMPLATE_NAME, type Rejection,
} from './eventSchema';

export type Validated = { ok: true; event: IngestEvent } | { ok: false; rejection: Rejection };

// Only echo a field name that looks like one: a key can itself be a phone number or a text.
const PLAIN_FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

function describeUnknownKey(key: string): Omit<Rejection, 'index'> {
  if (CONTENT_FIELDS.has(key.toLowerCase())) return { field: key, error: CONTENT_FIELD_ERROR };
  if (!PLAIN_FIELD_NAME.test(key)) return { field: null, error: 'unknown field (not part of the event schema)' };
  return { field: key, error: `unknown field "${key}" (not part of the event schema)` };
}

function describeIssues(issues: z.core.$ZodIssue[], event: object): Omit<Rejection, 'index'> {
  const unknownKeys = issues.flatMap((issue) => (issue.code === 'unrecognized_keys' ? issue.keys : []));
  // Content fields first: they are the reason this API is strict.
  const contentKey = unknownKeys.find((key) => CONTENT_FIELDS.has(key.toLowerCase()));
  if (contentKey !== undefined) return describeUnknownKey(contentKey);
  const first = issues.find((issue) => issue.code !== 'unrecognized_keys');
  if (first) {
    const field = typeof first.path[0] === 'string' ? first.path[0] : null;
    const missing = first.code === 'invalid_type' && field !== null && !Object.hasOwn(event, field);
    return { field, error: missing ? `${field} is required` : first.message };
  }
  return describeUnknownKey(unknownKeys[0] ?? '');
}

const FIELDS: ReadonlySet<string> = new Set(Object.keys(IngestEvent.shape));
const TYPES: ReadonlySet<unknown> = new Set(EVENT_TYPES);
const CHANNEL_SET: ReadonlySet<unknown> = new Set(CHANNELS);
const SENDER_SET: ReadonlySet<unknown> = new Set(SENDERS);
const CATEGORY_SET: ReadonlySet<unknown> = new Set(CATEGORIES);
const PRICING_SET: ReadonlySet<unknown> = new Set(PRICING_TYPES);
const SOURCE_SET: ReadonlySet<unknown> = new Set(SOURCES);

const isText = (value: unknown, max: number) => typeof value === 'string' && value.length >= 1 && value.length <= max;
const isOptionalText = (value: unknown, max: number) => value === undefined || isText(value, max);
const isOptionalTemplate = (value: unknown) => value === undefined || (typeof value === 'string' && TEMPLATE_NAME.test(value));
const isOptionalCampaign = (value: unknown) => value === undefined || (typeof value === 'string' && isCampaignTag(value));
const isOptionalCountry = (value: unknown) => value === undefined || (typeof value === 'string' && isCountryCode(value));
const isOptionalOneOf = (value: unknown, set: ReadonlySet<unknown>) => value === undefined || set.has(value);
const isInstant = (value: unknown) => typeof value === 'string' && parseRfc3339Micros(value) !== null;
const isOptionalAliases = (value: unknown) => value === undefined ||
  (Array.isArray(value) && value.length >= 1 && value.length <= MAX_CUSTOMER_ALIASES && value.every((v) => isText(v, 256)));

/**
 * The schema's rules written out by hand, for the events that pass them all (nearly every event
 * of a healthy integration): zod's safeParse costs 10-20 µs an event, this about a tenth. It
 * only ever answers "certainly valid"; anything it does not accept goes to zod, which then finds
 * and words the problem, so rejections are exactly what the schema says. It must never accept
 * what the schema refuses: the tests check it against the schema on generated events.
 */
function certainlyValid(event: Record<string, unknown>): boolean {
  for (const key in event) if (!FIELDS.has(key)) return false;
  if (!isText(event.id, 128) || !isText(event.business, 64) || !TYPES.has(event.type) || !CHANNEL_SET.has(event.channel) ||
    !isText(event.customer, 256) || !isInstant(event.at)) {
    return false;
  }
  if (!isOptionalCountry(event.customer_country) || !isOptionalText(event.conversation, 256) || !isOptionalText(event.message, 256) ||
    (event.sent_at !== undefined && !isInstant(event.sent_at)) || !isOptionalOneOf(event.sender, SENDER_SET) ||
    !isOptionalOneOf(event.category, CATEGORY_SET) || !isOptionalTemplate(event.template) || !isOptionalCampaign(event.campaign) ||
    !isOptionalCountry(event.processed_in) ||
    (event.error_code !== undefined && !Number.isSafeInteger(event.error_code)) || !isOptionalOneOf(event.pricing, PRICING_SET) ||
    !isOptionalOneOf(event.source, SOURCE_SET) || !isOptionalAliases(event.customer_aliases)) {
    return false;
  }
  const fields = event as IngestEvent;
  for (const rule of CROSS_FIELD_RULES) if (rule.applies(fields)) return false;
  return true;
}

/** Checks one event against the contract; the error never contains the event's values. */
export function validateEvent(value: unknown, index: number): Validated {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, rejection: { index, field: null, error: 'an event must be a JSON object' } };
  }
  // Read only, never changed: the event is the caller's object itself.
  if (certainlyValid(value as Record<string, unknown>)) return { ok: true, event: value as IngestEvent };
  return validateWithSchema(value, index);
}

/** validateEvent through the zod schema alone (the reference the fast path is tested against). */
export function validateWithSchema(value: object, index: number): Validated {
  const parsed = IngestEvent.safeParse(value);
  if (parsed.success) return { ok: true, event: parsed.data };
  return { ok: false, rejection: { index, ...describeIssues(parsed.error.issues, value) } };
}
