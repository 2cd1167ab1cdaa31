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

/** YYYY-MM-DD, a real calendar day. */
export const IsoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'a date is YYYY-MM-DD' })
  .refine((day) => new Date(`${day}T00:00:00Z`).toISOString().startsWith(day), { error: 'not a calendar date' });

const LOCATION_FIELDS = {
  country: Country.nullable().openapi({ description: 'ISO 3166-1 alpha-2; null when the location is an international organisation.' }),
  organisation: z.string().min(1).max(200).nullable().openapi({
    description: 'An international organisation (e.g. "European Patent Organisation"); then country is null. Its status comes from the adequacy list\'s organisation entries; events\' processed_in never match it.',
  }),
  processor: z.string().min(1).max(200),
  role: z.enum(['controller', 'processor']),
  mechanism: z.enum(['eea', 'adequacy', 'dpf', 'scc', 'bcr', 'derogation', 'none']),
  primary: z.boolean(),
  tia_date: IsoDay.nullable().openapi({ description: 'Date of the transfer impact assessment (YYYY-MM-DD).' }),
  next_review: IsoDay.nullable().openapi({ description: 'Next review of the assessment (YYYY-MM-DD); once passed, the residency report marks the location "review overdue".' }),
  importer_subject_to_gdpr: z.boolean().openapi({ description: 'The importer is itself subject to the GDPR (Art. 3(2)): no SCC module covers it yet.' }),
};

/** A location as declared: the transfer review's fields may be left out (null, false). */
export const ProcessingLocationPut = z.strictObject({
  ...LOCATION_FIELDS,
  organisation: LOCATION_FIELDS.organisation.default(null),
  tia_date: LOCATION_FIELDS.tia_date.default(null),
  next_review: LOCATION_FIELDS.next_review.default(null),
  importer_subject_to_gdpr: LOCATION_FIELDS.importer_subject_to_gdpr.default(false),
}).refine((l) => (l.country === null) !== (l.organisation === null), {
  path: ['country'], error: 'a location names either a country or an organisation (exactly one; the other is null)',
}).refine((l) => l.tia_date === null || l.next_review === null || l.tia_date <= l.next_review, {
  path: ['next_review'], error: 'the next review comes on or after the assessment (tia_date)',
}).openapi('ProcessingLocationPut');

export const ProcessingLocation = z.object(LOCATION_FIELDS).openapi('ProcessingLocation');

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
  processing_locations: z.array(ProcessingLocationPut).max(50)
    .refine((ls) => ls.filter((l) => l.primary).length <= 1, { error: 'at most one processing location is primary' })
    .refine((ls) => new Set(ls.map((l) => JSON.stringify([l.country, l.organisation, l.processor]))).size === ls.length, {
      error: 'each (country or organisation, processor) pair may appear once',
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
