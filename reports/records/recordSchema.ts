import { z } from '@hono/zod-openapi';
import { LEGAL_BASES } from '../../db/processingRecords';
import { LOCATION_STATUSES } from '../residency/locationStatus';
import { OBSERVATIONS } from './processingRecord';

/** The OpenAPI schema of the Article 30 record's JSON export (GET /v1/exports/records/{business}.json). */

const Described = z.object({ category: z.string(), description: z.string() });
const MECHANISMS = ['eea', 'adequacy', 'dpf', 'scc', 'bcr', 'derogation', 'none'] as const;
const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

const LegalNote = z.object({
  id: z.string(),
  status: z.string(),
  text: z.string(),
  date: IsoDate,
  source: z.url(),
  fallback: z.string(),
}).openapi('RecordLegalNote');

const RecordLocation = z.object({
  country: z.string().nullable().openapi({ description: 'ISO 3166-1 alpha-2; null for an international organisation' }),
  organisation: z.string().nullable(),
  processor: z.string().openapi({ description: '`undeclared` for a country seen in the events that no location declares' }),
  role: z.enum(['controller', 'processor']).nullable(),
  mechanism: z.enum(MECHANISMS),
  safeguards: z.string().openapi({ description: 'The GDPR article and instrument the mechanism rests on' }),
  primary: z.boolean(),
  declared: z.boolean(),
  status: z.enum(LOCATION_STATUSES),
  third_country_transfer: z.boolean().openapi({ description: 'Outside the EEA, or an international organisation' }),
  tia_date: IsoDate.nullable(),
  next_review: IsoDate.nullable(),
  review_overdue: z.boolean(),
  importer_subject_to_gdpr: z.boolean(),
  legal_notes: z.array(LegalNote),
  observation: z.enum(OBSERVATIONS).openapi({
    description: 'declared_and_seen, declared_not_seen (no event of the period processed there), seen_not_declared, not_observable (an organisation)',
  }),
  eea_customers: z.number().int().nullable().openapi({ description: 'EEA customers processed there in the period; null when withheld (fewer than k)' }),
}).openapi('RecordLocation');

const Statement = z.object({
  sections: z.array(z.object({ heading: z.string(), text: z.string() })),
  references: z.array(z.object({ title: z.string(), date: IsoDate, event: z.string(), source: z.url(), relevance: z.string() })),
}).openapi('PseudonymisationStatement');

export const ProcessingRecordDocument = z.strictObject({
  report: z.literal('records'),
  business: z.string(),
  name: z.string(),
  from: IsoDate.openapi({ description: 'The observed period\'s first UTC day' }),
  to: IsoDate,
  k: z.number().int(),
  records_declared: z.boolean().openapi({ description: 'False: the business declared no records (PUT /v1/businesses/{id}/records); controller, DPO and purposes are empty' }),
  controller: z.object({ name: z.string(), address: z.string(), contact: z.string() }).nullable(),
  dpo: z.object({ name: z.string(), email: z.string() }).nullable(),
  purposes: z.array(z.object({
    id: z.string(),
    description: z.string(),
    legal_basis: z.enum(LEGAL_BASES),
    legal_basis_text: z.string(),
    retention_days: z.number().int().min(1).max(3650),
  })),
  data_subjects: z.array(Described),
  data_categories: z.array(Described),
  recipients: z.array(z.object({ processor: z.string(), role: z.enum(['controller', 'processor']), places: z.array(z.string()) })),
  processing_locations: z.array(RecordLocation),
  transfers: z.array(RecordLocation).openapi({ description: 'The processing locations outside the EEA' }),
  retention: z.object({
    purposes: z.array(z.object({ id: z.string(), retention_days: z.number().int() })),
    product_retention_days: z.number().int().openapi({ description: 'RETENTION_DAYS: events are deleted after this many days' }),
    note: z.string(),
  }),
  technical_measures: z.array(Described),
  pseudonymisation: Statement,
  whatsapp_local_storage: z.object({
    numbers: z.array(z.object({ phone_number_id: z.string(), data_localization_region: z.string().nullable() })),
    caveat: z.string(),
    source: z.url(),
  }),
  observation_note: z.string(),
  adequacy_as_of: IsoDate,
  adequacy_version: z.number().int(),
  transfer_law_as_of: IsoDate,
  transfer_law_version: z.number().int(),
  generated_at: z.string(),
}).openapi('ProcessingRecord');
