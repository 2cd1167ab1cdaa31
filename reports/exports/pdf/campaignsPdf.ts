import type { Content, TableCell, TDocumentDefinitions } from 'pdfmake/interfaces';
import type { CampaignReport } from '../../campaigns/campaignReport';
import { CAMPAIGN_RATES, type CampaignFigure } from '../campaignFigures';
import type { ExportMeta } from '../exportKinds';
import { commonFacts } from './facts';
import { formatCount, formatRate, NO_DATA, suppressedText } from './figures';
import { dataTable, figureCell, heading, note, reportDocument, subheading, type Column } from './pdfLayout';

/**
 * The campaigns report as a document: the rows ranked by attributed opt-outs and blocks per
 * recipient, the reactions within 24 hours and 7 days, the same per campaign tag and per
 * template and week, with the cost note and the k rule.
 */

type Figures = { [F in CampaignFigure]: number | null } & { suppressed: readonly string[] };

const money = (value: number, currency: string | null) =>
  `${value.toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 4 })}${currency ? ` ${currency}` : ''}`;

/** How a campaigns figure reads: rates as percentages, the cost with its currency, "withheld", "n/a". */
export function campaignFigureText(id: CampaignFigure, row: Figures, k: number, currency: string | null): string {
  if (row.suppressed.includes(id)) return suppressedText(k);
  const value = row[id];
  if (value === null) return NO_DATA;
  if (CAMPAIGN_RATES.has(id)) return formatRate(value);
  if (id === 'estimated_cost') return money(value, currency);
  return formatCount(value);
}

/** The ranked table's figures, with their headers. */
export const RANKED_FIGURES: [CampaignFigure, string][] = [
  ['sent', 'Sent'], ['recipients', 'Recipients'], ['delivered', 'Delivered'], ['read', 'Read'], ['limited', 'Limited'],
  ['opted_out_24h', 'Opted out 24 h'], ['blocked_24h', 'Blocked 24 h'], ['opt_out_rate_24h', 'Opt-out rate 24 h'],
  ['block_rate_24h', 'Block rate 24 h'], ['estimated_cost', 'Est. cost'],
];

/** The reactions table's figures: every attributed count, both windows. */
export const REACTION_FIGURES: [CampaignFigure, string][] = [
  ['blocked_24h', 'Blocked 24 h'], ['muted_24h', 'Muted 24 h'], ['reported_24h', 'Reported 24 h'], ['opted_out_24h', 'Opted out 24 h'],
  ['blocked_7d', 'Blocked 7 d'], ['muted_7d', 'Muted 7 d'], ['reported_7d', 'Reported 7 d'], ['opted_out_7d', 'Opted out 7 d'],
];

// Landscape A4 holds three name columns and ten figures at these widths in 8 pt Helvetica; a cost
// with four decimals and its currency needs more.
const figureWidth = (id: CampaignFigure) => (id === 'estimated_cost' ? 70 : 44);

/**
 * A row's name: one column, its name on the first line and what else identifies it below, so that
 * a long template name or campaign tag (no spaces to break at) has the width the figures leave.
 */
interface NamedFigures {
  name: string;
  detail?: string;
  figures: Figures;
}

function figureTable(nameHeader: string, figures: [CampaignFigure, string][], rows: NamedFigures[], report: CampaignReport): Content {
  const cell = (row: Figures, id: CampaignFigure): TableCell =>
    figureCell(campaignFigureText(id, row, report.k, report.currency), row.suppressed.includes(id));
  const nameCell = (row: NamedFigures): TableCell =>
    row.detail === undefined ? { text: row.name, style: 'cell' } : { stack: [{ text: row.name, style: 'cell' }, { text: row.detail, style: 'cell', fontSize: 7, color: '#555555' }] };
  return dataTable(
    // "24 h" kept on one line when a header wraps.
    [{ header: nameHeader, width: '*' }, ...figures.map(([id, header]): Column => ({ header: header.replace(/ (h|d)$/, '\u00a0$1'), width: figureWidth(id), align: 'right' }))],
    rows.map((row) => [nameCell(row), ...figures.map(([id]) => cell(row.figures, id))]),
  );
}

const noCampaign = (campaign: string | null) => campaign ?? '(none)';
const ROW_NAME = 'Template (category, campaign)';

/** The second line of a row's name: its category and campaign tag. */
export const rowDetail = (row: CampaignReport['rows'][number]) => `${row.category ?? NO_DATA}, campaign ${noCampaign(row.campaign)}`;

function rankedRows(report: CampaignReport): NamedFigures[] {
  return report.rows.map((r) => ({ name: r.template, detail: rowDetail(r), figures: r }));
}

function campaignsSection(report: CampaignReport): Content[] {
  if (report.campaigns.length === 0) return [note('No campaign reached k customers in this period.')];
  return [figureTable('Campaign', RANKED_FIGURES, report.campaigns.map((c) => ({ name: noCampaign(c.campaign), figures: c })), report)];
}

function weeksSection(report: CampaignReport): Content[] {
  if (report.weeks.length === 0) return [note('No template reached k customers in any week of this period.')];
  return [figureTable(
    'Template (week)',
    RANKED_FIGURES,
    report.weeks.map((w) => ({ name: w.template, detail: w.from === w.to ? w.from : `${w.from} to ${w.to}`, figures: w })),
    report,
  )];
}

function kRule(k: number): Content {
  return note(
    `A row, campaign or week whose messages reached fewer than k = ${k} distinct customers is left out: its name alone would tell that ` +
      `so few were sent it. "${suppressedText(k)}": a figure withheld for the same reason; "${NO_DATA}": nothing to compute it from. ` +
      'Reactions (blocked, muted, reported, opted out) are distinct customers, each attributed to the most recent template message ' +
      'the business sent them at or before it, within 24 hours or 7 days; rates divide by the recipients.',
  );
}

function costNote(report: CampaignReport): Content {
  const card = report.rate_card === null ? 'no rate card' : `rate card "${report.rate_card}"${report.currency ? ` (${report.currency})` : ''}`;
  return note(`Estimated cost: charged messages priced with the ${card} version in force on each send's UTC date. ${report.cost_note ?? 'Every charged message shown is priced.'}`);
}

export function campaignsDocument(report: CampaignReport, meta: ExportMeta): TDocumentDefinitions {
  return reportDocument({
    title: `Campaigns: ${report.name}`,
    subject: `Templates and campaigns of ${report.business} with the reactions attributed to them, ${report.from} to ${report.to}`,
    generatedAt: meta.generatedAt,
    facts: commonFacts(report, meta, [
      ['Business', `${report.name} (${report.business})`],
      ['Channel', report.channel ?? 'all channels'],
      ['Rate card', report.rate_card === null ? 'none applies' : `${report.rate_card}${report.currency ? `, ${report.currency}` : ''}`],
    ]),
    content: [
      kRule(report.k),
      costNote(report),
      heading('Templates ranked by attributed opt-outs and blocks per recipient'),
      report.rows.length === 0 ? note('No template message reached k customers in this period.') : figureTable(ROW_NAME, RANKED_FIGURES, rankedRows(report), report),
      subheading('Reactions attributed within 24 hours and 7 days'),
      figureTable(ROW_NAME, REACTION_FIGURES, rankedRows(report), report),
      heading('Campaigns', true),
      ...campaignsSection(report),
      heading('Per template and week', true),
      ...weeksSection(report),
    ],
  });
}
