import { z } from '@hono/zod-openapi';
import { isCountryCode } from '../../../db/countries';

export const BusinessId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, {
  error: 'a business id is 1-64 characters: lower-case letters, digits, "-" and "_"',
}).openapi({ example: 'acme-air' });

const Time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, { error: 'a time is HH:MM (00:00-24:00)' });
const Interval = z.tuple([Time, Time]).refine(([from, to]) => from < to, { error: 'an opening interval must end after it starts' });
const Day = z.array(Interval).max(8);

export const BusinessHours = z.strictObject({
  mon: Day.optional(), tue: Day.optional(), wed: Day.optional(), thu: Day.optional(),
  fri: Day.optional(), sat: Day.optional(), sun: Day.optional(),
}).openapi('BusinessHours', { example: { mon: [['09:00', '17:30']], tue: [['09:00', '17:30']] } });

const Country = z.string().refine(isCountryCode, { error: 'an ISO 3166-1 alpha-2 country code in capitals, e.g. IE' });

export const ProcessingLocation = z.strictObject({
  country: Country,
  processor: z.string().min(1).max(200),
  role: z.enum(['controller', 'processor']),
  mechanism: z.enum(['eea', 'adequacy', 'dpf', 'scc', 'bcr', 'derogation', 'none']),
  primary: z.boolean(),
}).openapi('ProcessingLocation');

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export const BusinessPut = z.strictObject({
  name: z.string().min(1).max(200),
  sector: z.string().min(1).max(100),
  verified: z.boolean(),
  timezone: z.string().refine(isTimeZone, { error: 'an IANA time zone, e.g. Europe/Dublin' }),
  business_hours: BusinessHours,
  processing_locations: z.array(ProcessingLocation).max(50)
    .refine((ls) => ls.filter((l) => l.primary).length <= 1, { error: 'at most one processing location is primary' })
    .refine((ls) => new Set(ls.map((l) => `${l.country}/${l.processor}`)).size === ls.length, {
      error: 'each (country, processor) pair may appear once',
    }),
  webhooks: z.strictObject({
    app_secret: z.string().min(1).max(256),
    verify_token: z.string().min(1).max(256),
  }).nullable().optional(),
}).openapi('BusinessPut');

export const Business = z.object({
  id: z.string(),
  name: z.string(),
  sector: z.string(),
  verified: z.boolean(),
  timezone: z.string(),
  business_hours: BusinessHours,
  processing_locations: z.array(ProcessingLocation),
  webhooks_configured: z.boolean().openapi({ description: 'Whether an app secret and verify token are set (they are never returned).' }),
  created_at: z.string(),
  updated_at: z.string(),
}).openapi('Business');

export const KeyCreate = z.strictObject({
  label: z.string().min(1).max(200).optional(),
  also_businesses: z.array(BusinessId).max(100).optional().openapi({ description: 'Further businesses the key may write for.' }),
}).openapi('IngestKeyCreate');

export const KeyCreated = z.object({
  id: z.string(),
  key: z.string().openapi({ description: 'Shown once: only its hash is kept.' }),
  label: z.string().nullable(),
  businesses: z.array(z.string()),
  created_at: z.string(),
}).openapi('IngestKeyCreated');

export const KeySummary = z.object({
  id: z.string(),
  label: z.string().nullable(),
  businesses: z.array(z.string()),
  created_at: z.string(),
  revoked_at: z.string().nullable(),
}).openapi('IngestKey');
