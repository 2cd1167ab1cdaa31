import type { BusinessRecord } from '../../db/registry';
import type { ProcessingPurpose, ProcessingRecords } from '../../db/processingRecords';
import type { ResidencyReport, ResidencyReportRow } from '../reports';
import type { LocationStatus, Mechanism } from '../residency/locationStatus';
import { isEeaCountry } from '../residency/regionClass';
import { CHANNELS } from '../vocabulary';
import type { ProductFacts } from './productFacts';
import { pseudonymisationStatement, type PseudonymisationStatement } from './pseudonymisationStatement';

/**
 * The record of processing activities (GDPR Art. 30) of one business's messaging analytics, over
 * an observed period: what the business declared (controller, DPO, purposes, processors, transfers,
 * WhatsApp local storage) beside what this product itself does (data held, retention, measures)
 * and what its events show (where they were processed). Pure: built from the registry, the
 * residency report of the period and the product's configuration.
 */

/**
 * How a location's declaration compares with the period's events: processed there and declared,
 * declared with no event processed there, processed there undeclared; an international
 * organisation is never a processed_in value, so no event can show it.
 */
export const OBSERVATIONS = ['declared_and_seen', 'declared_not_seen', 'seen_not_declared', 'not_observable'] as const;
export type Observation = (typeof OBSERVATIONS)[number];

type ResidencyLocationRow = ResidencyReportRow['locations'][number];
export type LegalNote = ResidencyLocationRow['legal_notes'][number];

export interface RecordLocation {
  country: string | null;
  organisation: string | null;
  processor: string;
  role: 'controller' | 'processor' | null;
  mechanism: Mechanism;
  /** The GDPR article and instrument the mechanism rests on, in words. */
  safeguards: string;
  primary: boolean;
  declared: boolean;
  status: LocationStatus;
  /** Outside the EEA (or an international organisation): a transfer under Chapter V GDPR. */
  third_country_transfer: boolean;
  tia_date: string | null;
  next_review: string | null;
  review_overdue: boolean;
  importer_subject_to_gdpr: boolean;
  legal_notes: LegalNote[];
  observation: Observation;
  /** EEA customers whose events were processed there in the period; null when withheld (fewer than k). */
  eea_customers: number | null;
}

export interface RecordPurpose extends ProcessingPurpose {
  legal_basis_text: string;
}

export interface Described {
  category: string;
  description: string;
}

export interface WhatsAppNumberRecord {
  phone_number_id: string;
  data_localization_region: string | null;
}

export interface ProcessingRecordReport {
  business: string;
  name: string;
  from: string;
  to: string;
  k: number;
  /** False: the business has not declared its records (PUT /v1/businesses/{id}/records); the declared parts are empty. */
  records_declared: boolean;
  controller: ProcessingRecords['controller'] | null;
  dpo: ProcessingRecords['dpo'] | null;
  purposes: RecordPurpose[];
  data_subjects: Described[];
  data_categories: Described[];
  recipients: { processor: string; role: 'controller' | 'processor'; places: string[] }[];
  processing_locations: RecordLocation[];
  transfers: RecordLocation[];
  retention: { purposes: { id: string; retention_days: number }[]; product_retention_days: number; note: string };
  technical_measures: Described[];
  pseudonymisation: PseudonymisationStatement;
  whatsapp_local_storage: { numbers: WhatsAppNumberRecord[]; caveat: string; source: string };
  observation_note: string;
  adequacy_as_of: string;
  adequacy_version: number;
  transfer_law_as_of: string;
  transfer_law_version: number;
}

/** The versions of the legal lists the statuses and notes rest on (as the residency report states them). */
export type ListVersions = Pick<ResidencyReport, 'adequacy_as_of' | 'adequacy_version' | 'transfer_law_as_of' | 'transfer_law_version'>;

export interface RecordInputs {
  business: BusinessRecord;
  /** undefined: none declared. */
  records: ProcessingRecords | undefined;
  /** This business's row of the residency report for the period. */
  residency: ResidencyReportRow;
  lists: ListVersions;
  /** The processing countries the business's events were seen in during the period (the residency report's query). */
  seenCountries: ReadonlySet<string>;
  period: { from: string; to: string };
  k: number;
  facts: ProductFacts;
}

export const WHATSAPP_LOCAL_STORAGE_SOURCE = 'https://developers.facebook.com/docs/whatsapp/cloud-api/overview/local-storage';
export const WHATSAPP_TRANSIT_CAVEAT =
  'Local storage keeps the Cloud API\'s messages at rest in the region set; in transit, content may still be processed anywhere ' +
  'for up to 60 minutes (90 minutes for the Marketing Messages API). This product receives no content either way.';

const LEGAL_BASIS_TEXT: Record<ProcessingPurpose['legal_basis'], string> = {
  consent: 'Art. 6(1)(a) GDPR: consent',
  contract: 'Art. 6(1)(b) GDPR: performance of a contract',
  legal_obligation: 'Art. 6(1)(c) GDPR: legal obligation',
  vital_interests: 'Art. 6(1)(d) GDPR: vital interests',
  public_task: 'Art. 6(1)(e) GDPR: public task',
  legitimate_interests: 'Art. 6(1)(f) GDPR: legitimate interests',
};

const SAFEGUARDS: Record<Mechanism, string> = {
  eea: 'None needed: processing inside the EEA.',
  adequacy: 'Adequacy decision of the Commission (Art. 45 GDPR).',
  dpf: 'EU-US Data Privacy Framework: adequacy decision (EU) 2023/1795 (Art. 45 GDPR); the importer must be certified.',
  scc: 'Standard contractual clauses (Art. 46(2)(c) GDPR, Decision (EU) 2021/914) with a transfer impact assessment.',
  bcr: 'Binding corporate rules (Art. 47 GDPR) with a transfer impact assessment.',
  derogation: 'Derogation for a specific situation (Art. 49 GDPR): occasional, non-repetitive transfers only.',
  none: 'No transfer mechanism declared.',
};

export const OBSERVATION_NOTE =
  'Declared: the business\'s processing locations in the registry. Seen: a processing country (processed_in) of the business\'s events ' +
  'in the period, read from the same daily tables as the residency report. declared_and_seen: both; declared_not_seen: declared, but no ' +
  'event of the period was processed there; seen_not_declared: events were processed there but no location declares it; not_observable: ' +
  'an international organisation, which events cannot name.';

function observationOf(location: ResidencyLocationRow, seen: ReadonlySet<string>): Observation {
  if (location.country === null) return 'not_observable';
  if (!location.declared) return 'seen_not_declared';
  return seen.has(location.country) ? 'declared_and_seen' : 'declared_not_seen';
}

/** The registry's declaration of a residency location (matched by place and processor). */
function declarationOf(business: BusinessRecord, location: ResidencyLocationRow) {
  return business.processingLocations.find((l) =>
    l.country === location.country && l.organisation === location.organisation && l.processor === location.processor);
}

function recordLocation(inputs: RecordInputs, location: ResidencyLocationRow): RecordLocation {
  const declared = location.declared ? declarationOf(inputs.business, location) : undefined;
  return {
    country: location.country,
    organisation: location.organisation,
    processor: location.processor,
    role: location.role,
    mechanism: location.mechanism,
    safeguards: SAFEGUARDS[location.mechanism],
    primary: location.primary,
    declared: location.declared,
    status: location.status,
    third_country_transfer: location.country === null || !isEeaCountry(location.country),
    tia_date: location.tia_date,
    next_review: location.next_review,
    review_overdue: location.review_overdue,
    importer_subject_to_gdpr: declared?.importerSubjectToGdpr ?? false,
    legal_notes: location.legal_notes,
    observation: observationOf(location, inputs.seenCountries),
    eea_customers: location.eea_customers,
  };
}

/** Each declared processor once, with the places it processes in. */
function recipientsOf(business: BusinessRecord): ProcessingRecordReport['recipients'] {
  const byProcessor = new Map<string, ProcessingRecordReport['recipients'][number]>();
  for (const l of business.processingLocations) {
    const entry = byProcessor.get(l.processor) ?? { processor: l.processor, role: l.role, places: [] };
    entry.places.push(l.country ?? l.organisation ?? '');
    byProcessor.set(l.processor, entry);
  }
  return [...byProcessor.values()];
}

const DATA_SUBJECTS: Described[] = [
  { category: 'Customers who message the business', description: `People who write to the business on ${CHANNELS.join(', ')}: their messages' events (never their content).` },
  { category: 'Customers the business messages', description: 'People the business\'s agents, bots or campaigns send messages to, and their delivery, read, opt-out, block and report events.' },
];

const DATA_CATEGORIES: Described[] = [
  { category: 'Pseudonymous identifiers', description: 'Keyed HMAC pseudonyms of the customer (normalised phone number or platform id), conversation, message and event ids; never the identifiers themselves.' },
  { category: 'Region', description: 'The country of the customer\'s phone number (or of a WhatsApp user id, or as declared by the client); ZZ when unknown.' },
  { category: 'Event metadata', description: 'When it happened and was received, event type, channel, sender kind (agent, bot, automation), message category, template name, campaign tag, pricing type, error code, the country it was processed in.' },
  { category: 'No content', description: 'No message text, media, names, phone numbers, e-mail addresses or other contact details: such fields are refused by the API and dropped by the webhooks.' },
];

function technicalMeasures(facts: ProductFacts): Described[] {
  return [
    { category: 'Keyed pseudonymisation', description: 'Every identifier is replaced by an HMAC-SHA256 pseudonym under a key held apart from the data by the controller\'s operator (see the pseudonymisation statement).' },
    { category: 'Small-cohort suppression', description: `Figures from fewer than k = ${facts.minCohort} distinct customers (MIN_COHORT) are withheld, with complementary suppression, in every report and export.` },
    { category: 'Erasure', description: 'POST /v1/privacy/erasure deletes every event of a person, their identity links and derived figures in one transaction, recorded in the audit log without the identifier.' },
    { category: 'Retention', description: `Events older than ${facts.retentionDays} days are deleted daily, and older events are refused at the intake.` },
    { category: 'Encryption of secrets at rest', description: 'Webhook and alert endpoint secrets are stored sealed with AES-256-GCM under SECRETS_KEY (or a key file beside the database), never returned; passwords as scrypt hashes; ingest keys as hashes.' },
    { category: 'Audit log', description: 'Every export and residency report read is recorded before it is served (who, when, filters, rows, SHA-256 of the bytes), as are erasures and admin actions; a reply is refused when the entry cannot be written.' },
    { category: 'Access control', description: 'Named users with roles (marketing, dpo, admin), optionally scoped to some businesses; personal-data reports need the dpo role.' },
  ];
}

function purposesOf(records: ProcessingRecords | undefined): RecordPurpose[] {
  return (records?.purposes ?? []).map((p) => ({ ...p, legal_basis_text: LEGAL_BASIS_TEXT[p.legal_basis] }));
}

export function buildProcessingRecord(inputs: RecordInputs): ProcessingRecordReport {
  const { business, records, residency, facts } = inputs;
  const locations = residency.locations.map((l) => recordLocation(inputs, l));
  const purposes = purposesOf(records);
  return {
    business: business.id,
    name: business.name,
    from: inputs.period.from,
    to: inputs.period.to,
    k: inputs.k,
    records_declared: records !== undefined,
    controller: records?.controller ?? null,
    dpo: records?.dpo ?? null,
    purposes,
    data_subjects: DATA_SUBJECTS,
    data_categories: DATA_CATEGORIES,
    recipients: recipientsOf(business),
    processing_locations: locations,
    transfers: locations.filter((l) => l.third_country_transfer),
    retention: {
      purposes: purposes.map((p) => ({ id: p.id, retention_days: p.retention_days })),
      product_retention_days: facts.retentionDays,
      note: `Whatever a purpose declares, this product deletes events after ${facts.retentionDays} days (RETENTION_DAYS); a purpose with a shorter ` +
        'retention needs the events erased or RETENTION_DAYS lowered.',
    },
    technical_measures: technicalMeasures(facts),
    pseudonymisation: pseudonymisationStatement(facts),
    whatsapp_local_storage: {
      numbers: (records?.whatsapp_numbers ?? []).map((n) => ({ phone_number_id: n.phone_number_id, data_localization_region: n.data_localization_region })),
      caveat: WHATSAPP_TRANSIT_CAVEAT,
      source: WHATSAPP_LOCAL_STORAGE_SOURCE,
    },
    observation_note: OBSERVATION_NOTE,
    adequacy_as_of: inputs.lists.adequacy_as_of,
    adequacy_version: inputs.lists.adequacy_version,
    transfer_law_as_of: inputs.lists.transfer_law_as_of,
    transfer_law_version: inputs.lists.transfer_law_version,
  };
}

/** The data rows of a record in the audit log: its purposes, locations and WhatsApp numbers. */
export const recordRowCount = (record: ProcessingRecordReport) =>
  record.purposes.length + record.processing_locations.length + record.whatsapp_local_storage.numbers.length;
