import type { Content, TDocumentDefinitions } from 'pdfmake/interfaces';
import type { ProcessingRecordReport, RecordLocation } from '../../records/processingRecord';
import type { PseudonymisationStatement } from '../../records/pseudonymisationStatement';
import type { ExportMeta } from '../exportKinds';
import { commonFacts } from './facts';
import { formatCustomers, NO_DATA } from './figures';
import { dataTable, figureCell, heading, note, reportDocument, subheading } from './pdfLayout';

/**
 * The Article 30 record as a document a DPO can file: every section of the record, in the order
 * of Art. 30(1) GDPR, then the product's own facts (measures, pseudonymisation, WhatsApp storage).
 */

/** The sections' headings, in order: the PDF test finds each in the text. */
export const RECORD_SECTIONS = [
  'Controller and data protection officer',
  'Purposes and legal bases',
  'Categories of data subjects',
  'Categories of personal data',
  'Recipients',
  'Processing locations: declared and observed',
  'Transfers to third countries',
  'Retention',
  'Technical and organisational measures',
  'Pseudonymisation statement',
  'WhatsApp local storage',
] as const;

const NOT_DECLARED = 'not declared (PUT /v1/businesses/{id}/records)';
const placeOf = (l: RecordLocation) => l.country ?? l.organisation ?? NO_DATA;

function controllerSection(record: ProcessingRecordReport): Content[] {
  const { controller, dpo } = record;
  return [
    dataTable([{ header: 'Role', width: 120 }, { header: 'Name', width: 180 }, { header: 'Contact', width: '*' }], [
      ['Controller', controller?.name ?? NOT_DECLARED, controller ? `${controller.address}; ${controller.contact}` : NO_DATA],
      ['Data protection officer', dpo?.name ?? NOT_DECLARED, dpo?.email ?? NO_DATA],
    ]),
  ];
}

function purposesSection(record: ProcessingRecordReport): Content[] {
  if (record.purposes.length === 0) return [note(`Purposes ${NOT_DECLARED}.`)];
  return [dataTable(
    [{ header: 'Purpose', width: 110 }, { header: 'Description', width: '*' }, { header: 'Legal basis', width: 200 }, { header: 'Retention', width: 70, align: 'right' }],
    record.purposes.map((p) => [p.id, p.description, p.legal_basis_text, `${p.retention_days} days`]),
  )];
}

const describedTable = (rows: { category: string; description: string }[], header: string): Content =>
  dataTable([{ header, width: 170 }, { header: 'Description', width: '*' }], rows.map((r) => [r.category, r.description]));

function recipientsSection(record: ProcessingRecordReport): Content[] {
  if (record.recipients.length === 0) return [note('No processing location declared.')];
  return [dataTable(
    [{ header: 'Processor', width: '*' }, { header: 'Role', width: 90 }, { header: 'Where', width: 220 }],
    record.recipients.map((r) => [r.processor, r.role, r.places.join(', ')]),
  )];
}

function locationsSection(record: ProcessingRecordReport): Content[] {
  return [
    note(record.observation_note),
    record.processing_locations.length === 0
      ? note('No processing location declared or observed.')
      : dataTable(
        [
          { header: 'Place', width: 110 }, { header: 'Processor', width: '*' }, { header: 'Declared', width: 50 },
          { header: 'Observation', width: 110 }, { header: 'Status', width: 70 }, { header: 'EEA customers', width: 80, align: 'right' },
        ],
        record.processing_locations.map((l) => [
          placeOf(l) + (l.primary ? ' (primary)' : ''), l.processor, l.declared ? 'yes' : 'no', l.observation, l.status,
          figureCell(formatCustomers(l.eea_customers, l.eea_customers === null, record.k), l.eea_customers === null),
        ]),
      ),
  ];
}

function transferRows(l: RecordLocation): Content[] {
  const review = l.next_review === null ? 'no review date' : `next review ${l.next_review}${l.review_overdue ? ' (REVIEW OVERDUE)' : ''}`;
  return [
    subheading(`${placeOf(l)}: ${l.processor} (${l.mechanism}, ${l.status}, ${l.observation})`),
    note(`Safeguards: ${l.safeguards}`),
    note(`Transfer impact assessment: ${l.tia_date ?? 'none dated'}; ${review}.` +
      (l.importer_subject_to_gdpr ? ' The importer is itself subject to the GDPR (Art. 3(2)): no SCC module covers it yet.' : '')),
    ...l.legal_notes.map((n) => note(`${n.status} (${n.date}): ${n.text} Fallback: ${n.fallback} Source: ${n.source}`)),
  ];
}

function transfersSection(record: ProcessingRecordReport): Content[] {
  if (record.transfers.length === 0) return [note('No processing location outside the EEA, declared or observed.')];
  return record.transfers.flatMap(transferRows);
}

function retentionSection(record: ProcessingRecordReport): Content[] {
  return [
    dataTable(
      [{ header: 'What', width: '*' }, { header: 'Retention', width: 100, align: 'right' }],
      [
        ...record.retention.purposes.map((p) => [`Purpose ${p.id} (declared)`, `${p.retention_days} days`]),
        ['Events in this product (RETENTION_DAYS)', `${record.retention.product_retention_days} days`],
      ],
    ),
    note(record.retention.note),
  ];
}

/** The statement's sections and references: shared with the residency PDF. */
export function statementContent(statement: PseudonymisationStatement): Content[] {
  return [
    ...statement.sections.flatMap((s) => [subheading(s.heading), { text: s.text, style: 'cell' } as Content]),
    subheading('Legal references'),
    dataTable(
      [{ header: 'Reference', width: 180 }, { header: 'Date', width: 150 }, { header: 'Relevance', width: '*' }, { header: 'Source', width: 170 }],
      statement.references.map((r) => [r.title, `${r.date} (${r.event})`, r.relevance, { text: r.source, style: 'cell', fontSize: 6.5 }]),
    ),
  ];
}

function whatsappSection(record: ProcessingRecordReport): Content[] {
  const { numbers, caveat, source } = record.whatsapp_local_storage;
  return [
    numbers.length === 0
      ? note('No WhatsApp number declared.')
      : dataTable(
        [{ header: 'Phone number id', width: 200 }, { header: 'data_localization_region', width: '*' }],
        numbers.map((n) => [n.phone_number_id, n.data_localization_region ?? 'none (no local storage)']),
      ),
    note(`${caveat} Source: ${source}`),
  ];
}

export function recordsDocument(record: ProcessingRecordReport, meta: ExportMeta): TDocumentDefinitions {
  const sections: [string, Content[]][] = [
    [RECORD_SECTIONS[0], controllerSection(record)],
    [RECORD_SECTIONS[1], purposesSection(record)],
    [RECORD_SECTIONS[2], [describedTable(record.data_subjects, 'Category')]],
    [RECORD_SECTIONS[3], [describedTable(record.data_categories, 'Category')]],
    [RECORD_SECTIONS[4], recipientsSection(record)],
    [RECORD_SECTIONS[5], locationsSection(record)],
    [RECORD_SECTIONS[6], transfersSection(record)],
    [RECORD_SECTIONS[7], retentionSection(record)],
    [RECORD_SECTIONS[8], [describedTable(record.technical_measures, 'Measure')]],
    [RECORD_SECTIONS[9], statementContent(record.pseudonymisation)],
    [RECORD_SECTIONS[10], whatsappSection(record)],
  ];
  return reportDocument({
    title: `Record of processing activities: ${record.name}`,
    subject: `GDPR Art. 30 record of ${record.business}, observed ${record.from} to ${record.to}`,
    generatedAt: meta.generatedAt,
    facts: commonFacts(record, meta, [['Business', `${record.name} (${record.business})`]]),
    content: sections.flatMap(([title, content]) => [heading(title), ...content]),
  });
}
