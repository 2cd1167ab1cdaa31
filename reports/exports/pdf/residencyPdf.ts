import type { Content, TDocumentDefinitions } from 'pdfmake/interfaces';
import type { ResidencyReport, ResidencyReportRow } from '../../reports';
import { ADEQUACY } from '../../residency/adequacy';
import type { ResidencyLocation } from '../../residency/residency';
import { TRANSFER_LAW } from '../../residency/transferLaw';
import { REGION_CLASSES } from '../../residency/regionClass';
import type { ExportMeta } from '../exportKinds';
import { commonFacts } from './facts';
import { formatCustomers, NO_DATA, suppressedText } from './figures';
import { dataTable, figureCell, heading, note, reportDocument, subheading } from './pdfLayout';
import { pseudonymisationStatement } from '../../records/pseudonymisationStatement';
import { statementContent } from './recordsPdf';

/**
 * The residency report as a document a DPO can file: per business its flag, exposure and
 * customers by region class, and each processing location with its transfer mechanism and
 * status, its transfer review (REVIEW OVERDUE once the next review has passed) and the legal
 * list's notes on it; then the adequacy decisions the statuses rest on and the legal list, with
 * their sources.
 */

const CLASS_LABELS = { eea: 'EEA', adequate: 'Adequate', third: 'Third country', unknown: 'Unknown' } as const;

function customers(row: ResidencyReportRow, path: string, value: number | null, k: number) {
  const withheld = row.suppressed.includes(path);
  return figureCell(formatCustomers(value, withheld, k), withheld);
}

// One business's tables stay on one page (a section is a few rows).
function businessSection(row: ResidencyReportRow, k: number): Content {
  return { unbreakable: true, stack: [
    subheading(`${row.name} (${row.business})`),
    dataTable(
      [
        { header: 'Flag', width: 90 },
        { header: 'Exposure (EEA customers at exposed locations)', width: 150, align: 'right' },
        ...REGION_CLASSES.map((c) => ({ header: `${CLASS_LABELS[c]} customers`, width: 100, align: 'right' as const })),
      ],
      [[
        row.flag === null
          ? figureCell(suppressedText(k), true)
          : { text: row.flag.toUpperCase(), bold: true, style: 'cell', color: row.flag === 'exposed' ? '#b00020' : row.flag === 'safeguarded' ? '#8a4b00' : '#1b5e20' },
        customers(row, 'exposure', row.exposure, k),
        ...REGION_CLASSES.map((c) => customers(row, `customers_by_class.${c}`, row.customers_by_class[c], k)),
      ]],
    ),
    row.locations.length === 0
      ? note('No processing location declared or observed.')
      : dataTable(
        [
          { header: 'Country', width: 50 },
          { header: 'Processor', width: '*' },
          { header: 'Role', width: 70 },
          { header: 'Mechanism', width: 70 },
          { header: 'Declared', width: 55 },
          { header: 'Status', width: 75 },
          { header: 'EEA customers', width: 95, align: 'right' },
        ],
        row.locations.map((l, i) => [
          locationPlace(l) + (l.primary ? ' (primary)' : ''),
          l.processor,
          l.role ?? NO_DATA,
          l.mechanism,
          l.declared ? 'yes' : 'no',
          l.status,
          customers(row, `locations.${i}.eea_customers`, l.eea_customers, k),
        ]),
      ),
    ...transferReviews(row),
    ...legalNotes(row),
  ] };
}

const locationPlace = (l: ResidencyLocation) => l.country ?? l.organisation ?? NO_DATA;

/** The locations with a transfer review: its dates, and a red REVIEW OVERDUE once the next review has passed. */
function transferReviews(row: ResidencyReportRow): Content[] {
  const reviewed = row.locations.filter((l) => l.tia_date !== null || l.next_review !== null);
  if (reviewed.length === 0) return [];
  return [dataTable(
    [
      { header: 'Transfer review of', width: 110 }, { header: 'Processor', width: '*' },
      { header: 'TIA', width: 70 }, { header: 'Next review', width: 70 }, { header: 'Review', width: 110 },
    ],
    reviewed.map((l) => [
      locationPlace(l), l.processor, l.tia_date ?? NO_DATA, l.next_review ?? NO_DATA,
      l.review_overdue ? { text: 'REVIEW OVERDUE', bold: true, color: '#b00020', style: 'cell' } : 'due',
    ]),
  )];
}

/** The legal list's notes on the business's locations, each with its date, source and fallback. */
function legalNotes(row: ResidencyReportRow): Content[] {
  const noted = row.locations.filter((l) => l.legal_notes.length > 0);
  if (noted.length === 0) return [];
  return noted.flatMap((l) => l.legal_notes.map((n) => note(
    `Legal note on ${locationPlace(l)} (${l.processor}): ${n.text} Status: ${n.status}, ${n.date}. Fallback: ${n.fallback} Source: ${n.source}`,
  )));
}

function summary(report: ResidencyReport): Content {
  return dataTable(
    [{ header: 'Business', width: '*' }, { header: 'Flag', width: 90 }, { header: 'Exposure', width: 110, align: 'right' }, { header: 'Locations', width: 70, align: 'right' }],
    report.businesses.map((b) => [`${b.name} (${b.business})`, b.flag ?? suppressedText(report.k), customers(b, 'exposure', b.exposure, report.k), String(b.locations.length)]),
  );
}

function adequacyList(): Content[] {
  return [
    heading(`Adequacy decisions in force (list as of ${ADEQUACY.as_of}, version ${ADEQUACY.version})`, true),
    note(ADEQUACY.description),
    dataTable(
      [
        { header: 'Country', width: 42 }, { header: 'Name', width: 105 }, { header: 'Decision', width: 78 }, { header: 'Date', width: 52 },
        { header: 'Scope', width: 40 }, { header: 'Note', width: '*' }, { header: 'Source', width: 190 },
      ],
      ADEQUACY.decisions.map((d) => [d.country ?? '-', d.name, d.decision, d.date, d.scope, d.note, { text: d.source, style: 'cell', fontSize: 6.5 }]),
    ),
    note(`List sources: ${ADEQUACY.sources.join(', ')}`),
  ];
}

function transferLawList(): Content[] {
  return [
    heading(`Legal list: transfer tools under challenge and gaps (as of ${TRANSFER_LAW.as_of}, version ${TRANSFER_LAW.version})`),
    note(TRANSFER_LAW.description),
    dataTable(
      [
        { header: 'Applies to', width: 80 }, { header: 'Status', width: 70 }, { header: 'Date', width: 52 },
        { header: 'Text', width: '*' }, { header: 'Fallback', width: 150 }, { header: 'Source', width: 120 },
      ],
      TRANSFER_LAW.entries.map((e) => [e.applies_to, e.status, e.date, e.text, e.fallback, { text: e.source, style: 'cell', fontSize: 6.5 }]),
    ),
  ];
}

export function residencyDocument(report: ResidencyReport, meta: ExportMeta): TDocumentDefinitions {
  return reportDocument({
    title: 'Data residency and GDPR transfer report',
    subject: `Where EEA customers' data was processed, ${report.from} to ${report.to}`,
    generatedAt: meta.generatedAt,
    facts: commonFacts(report, meta, [['Businesses', String(report.businesses.length)]]),
    content: [
      note(
        'Flag: the worst status of a location that holds any EEA customer (exposed > safeguarded > ok). Status: ok in the EEA or ' +
          'under an adequacy decision (US only with the Data Privacy Framework); safeguarded with SCC, BCR or a derogation (needs a ' +
          'transfer impact assessment); otherwise exposed. Locations nobody declared but seen in the events are listed as "undeclared". ' +
          `"${suppressedText(report.k)}": from at least 1 but fewer than k = ${report.k} distinct customers, or withheld with such a figure so that it cannot be computed from the figures shown.`,
      ),
      heading('Summary'),
      summary(report),
      heading('Per business', true),
      ...report.businesses.map((b) => businessSection(b, report.k)),
      ...adequacyList(),
      ...transferLawList(),
      // The same statement as the Article 30 record's (reports/records/pseudonymisationStatement.ts).
      ...(meta.facts ? [heading('Pseudonymisation statement', true), ...statementContent(pseudonymisationStatement(meta.facts))] : []),
    ],
  });
}
