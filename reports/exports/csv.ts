import { METRIC_IDS } from '../metrics/definitions';
import { PRICING_FIGURES } from '../metrics/pricingBreakdown';
import type { MetricRow } from '../metrics/computeMetrics';
import type { BusinessReport, OverviewReport, ResidencyReport } from '../reports';
import { REGION_CLASSES } from '../residency/regionClass';
import type { CampaignReport } from '../campaigns/campaignReport';
import { CAMPAIGN_FIGURES } from './campaignFigures';
import { csvDocument, type Cell, type CsvTable } from './csvText';
import type { ExportInput, ExportMeta } from './exportKinds';
import type { LegalNote } from '../residency/transferLaw';

/**
 * CSV exports: one flat table per report, under a block of `# name,value` metadata records and an
 * empty line. A suppressed figure is an empty cell, and its name (the same name as in the API's
 * `suppressed` list) is listed, space-separated, in the row's `suppressed` column; an empty cell
 * not named there is a figure with no data at all (a rate with nothing to divide by).
 */

const SUPPRESSION_NOTE = (k: number) =>
  `empty cell named in the suppressed column: figure from fewer than ${k} customers, or withheld so that no such figure ` +
  'is the difference of figures in this file; empty cell not named: no data';

function metaRecords(kind: string, report: { from: string; to: string; k: number }, meta: ExportMeta, extra: [string, Cell][] = []): [string, Cell][] {
  return [
    ['report', kind],
    ['from', report.from],
    ['to', report.to],
    ...extra,
    ['k', report.k],
    ['adequacy_as_of', meta.adequacyAsOf],
    ['adequacy_version', meta.adequacyVersion],
    ['generated_at', meta.generatedAt],
    ['suppressed', SUPPRESSION_NOTE(report.k)],
  ];
}

const metricCells = (row: MetricRow) => METRIC_IDS.map((id) => row[id]);
const suppressedCell = (names: readonly string[]) => names.join(' ');

function overviewTable(report: OverviewReport, meta: ExportMeta): CsvTable {
  return {
    meta: metaRecords('overview', report, meta, [['channel', report.channel ?? 'all']]),
    header: ['business', 'name', 'verified', ...METRIC_IDS, 'residency_flag', 'suppressed'],
    rows: report.businesses.map((b) => [b.business, b.name, b.verified, ...metricCells(b), b.residency_flag, suppressedCell(b.suppressed)]),
  };
}

const PRICING_COLUMNS = [...PRICING_FIGURES];

/**
 * One table: the totals row, then the series, the channels, the templates and the pricing rows,
 * told apart by `section`. Each section fills the columns its rows have; the others stay empty.
 */
function businessTable(report: BusinessReport, meta: ExportMeta): CsvTable {
  const channel = report.channel ?? '';
  const noTemplate = [null, null, null];
  const noPricing = PRICING_COLUMNS.map(() => null);
  const metricRowCells = (section: string, from: string, to: string, rowChannel: string, row: MetricRow, flag: Cell = null): Cell[] =>
    [section, from, to, rowChannel, ...noTemplate, ...noPricing, ...metricCells(row), flag, suppressedCell(row.suppressed)];
  return {
    meta: metaRecords('business', report, meta, [
      ['business', report.business],
      ['name', report.name],
      ['timezone', report.timezone],
      ['channel', report.channel ?? 'all'],
      ['granularity', report.granularity],
    ]),
    header: ['section', 'from', 'to', 'channel', 'category', 'template', 'sent', ...PRICING_COLUMNS, ...METRIC_IDS, 'residency_flag', 'suppressed'],
    rows: [
      metricRowCells('total', report.from, report.to, channel, report.totals, report.totals.residency_flag),
      ...report.series.map((p) => metricRowCells(report.granularity, p.from, p.to, channel, p)),
      ...report.channels.map((c) => metricRowCells('channel', report.from, report.to, c.channel, c)),
      // Only the three message rates exist per template; the other metric columns stay empty.
      ...report.templates.map((t): Cell[] => [
        'template', report.from, report.to, channel, t.category, t.template, t.sent, ...noPricing,
        ...METRIC_IDS.map((id) => (id === 'delivery_rate' || id === 'read_rate' || id === 'limited_rate' ? t[id] : null)),
        null, suppressedCell(t.suppressed),
      ]),
      ...report.pricing.map((p): Cell[] => [
        'pricing', report.from, report.to, channel, p.category, null, null, ...PRICING_COLUMNS.map((c) => p[c]),
        ...METRIC_IDS.map(() => null), null, suppressedCell(p.suppressed),
      ]),
    ],
  };
}

type CampaignFigures = CampaignReport['rows'][number];

/**
 * One table: the ranked rows (`row`: template, category, campaign), then the same figures per
 * campaign tag (`campaign`; an empty campaign is the sends without one) and per template and ISO
 * week (`week`, with the week's `from`/`to`), told apart by `section`, each filling the name
 * columns it has. `currency` is the report's, on every row that has a cost.
 */
function campaignsTable(report: CampaignReport, meta: ExportMeta): CsvTable {
  const cells = (section: string, names: Cell[], from: string, to: string, row: Omit<CampaignFigures, 'template' | 'category' | 'campaign'>): Cell[] =>
    [section, ...names, from, to, ...CAMPAIGN_FIGURES.map((id) => row[id]), row.estimated_cost === null ? null : report.currency, suppressedCell(row.suppressed)];
  return {
    meta: metaRecords('campaigns', report, meta, [
      ['business', report.business],
      ['name', report.name],
      ['channel', report.channel ?? 'all'],
      ['rate_card', report.rate_card],
      ['currency', report.currency],
      ['cost_note', report.cost_note],
    ]),
    header: ['section', 'template', 'category', 'campaign', 'from', 'to', ...CAMPAIGN_FIGURES, 'currency', 'suppressed'],
    rows: [
      ...report.rows.map((r) => cells('row', [r.template, r.category, r.campaign], report.from, report.to, r)),
      ...report.campaigns.map((r) => cells('campaign', [null, null, r.campaign], report.from, report.to, r)),
      ...report.weeks.map((r) => cells('week', [r.template, null, null], r.from, r.to, r)),
    ],
  };
}

const CLASS_COLUMNS = REGION_CLASSES.map((c) => `customers_by_class.${c}`);
const LOCATION_COLUMNS = [
  'location', 'country', 'organisation', 'processor', 'role', 'mechanism', 'primary', 'declared', 'status', 'eea_customers',
  'tia_date', 'next_review', 'review_overdue', 'legal_notes',
];

/** A location's legal notes in one cell: each note's id, status, date and source, then its text and fallback. */
const legalNotesCell = (notes: readonly LegalNote[]) =>
  notes.map((n) => `${n.id} [${n.status}, ${n.date}, ${n.source}]: ${n.text} Fallback: ${n.fallback}`).join(' | ');

/**
 * One `business` record per business (flag, exposure, customers by class), followed by one
 * `location` record per processing location. Column names are the API's field paths; a
 * location's suppressed figure is named by its full path (`locations.0.eea_customers`).
 */
function residencyTable(report: ResidencyReport, meta: ExportMeta): CsvTable {
  const blankLocation = LOCATION_COLUMNS.map(() => null);
  const blankBusiness = [null, null, ...CLASS_COLUMNS.map(() => null)];
  return {
    meta: metaRecords('residency', report, meta, [['transfer_law_as_of', report.transfer_law_as_of], ['transfer_law_version', report.transfer_law_version]]),
    header: ['record', 'business', 'name', 'flag', 'exposure', ...CLASS_COLUMNS, ...LOCATION_COLUMNS, 'suppressed'],
    rows: report.businesses.flatMap((b) => {
      const own = b.suppressed.filter((name) => !name.startsWith('locations.'));
      const business: Cell[] = [
        'business', b.business, b.name, b.flag, b.exposure, ...REGION_CLASSES.map((c) => b.customers_by_class[c]), ...blankLocation, suppressedCell(own),
      ];
      const locations = b.locations.map((l, i): Cell[] => {
        const prefix = `locations.${i}.`;
        return [
          'location', b.business, b.name, ...blankBusiness,
          i, l.country, l.organisation, l.processor, l.role, l.mechanism, l.primary, l.declared, l.status, l.eea_customers,
          l.tia_date, l.next_review, l.review_overdue, legalNotesCell(l.legal_notes),
          suppressedCell(b.suppressed.filter((name) => name.startsWith(prefix))),
        ];
      });
      return [business, ...locations];
    }),
  };
}

export function renderCsv(input: ExportInput, meta: ExportMeta): string {
  switch (input.kind) {
    case 'overview':
      return csvDocument(overviewTable(input.report, meta));
    case 'business':
      return csvDocument(businessTable(input.report, meta));
    case 'campaigns':
      return csvDocument(campaignsTable(input.report, meta));
    case 'residency':
      return csvDocument(residencyTable(input.report, meta));
  }
}
