import type { TDocumentDefinitions } from 'pdfmake/interfaces';
import { METRICS, type MetricId } from '../../metrics/definitions';
import type { BusinessReport } from '../../reports';
import type { ExportMeta } from '../exportKinds';
import { commonFacts } from './facts';
import { PRICING_FIGURES, type PricingFigure } from '../../metrics/pricingBreakdown';
import { dataTable, figureCell, heading, note, reportDocument as frame } from './pdfLayout';
import { formatMetric, suppressedText } from './figures';
import { definitions, legend, metricTables } from './metricTables';

export function businessDocument(report: BusinessReport, meta: ExportMeta): TDocumentDefinitions {
  const { totals, k } = report;
  const unit = report.granularity === 'day' ? 'day' : 'week';
  return reportDocument(report, meta, [
    legend(k),
    heading('Whole period'),
    dataTable(
      [{ header: 'Figure', width: 220 }, { header: 'Value', width: 120, align: 'right' }],
      [
        ...METRICS.map((m) => [m.label.replace(/ \(s\)$/, ''), figureCell(formatMetric(m.id, totals[m.id as MetricId], totals.suppressed.includes(m.id), k), totals.suppressed.includes(m.id))]),
        ['Residency flag', figureCell(totals.residency_flag ?? suppressedText(k), totals.residency_flag === null)],
      ],
    ),
    heading('Per channel', true),
    ...metricTables('Channel', report.channels.map((c) => ({ label: c.channel, metrics: c })), k),
    heading('Delivery, read and limited by category and template', true),
    templateTable(report),
    heading('Charged and free messages by category', true),
    pricingNote(),
    pricingTable(report),
    heading(`Per ${unit}`, true),
    ...metricTables(unit === 'day' ? 'Day' : 'Week', report.series.map((p) => ({ label: p.from === p.to ? p.from : `${p.from} to ${p.to}`, metrics: p })), k),
    heading('About these figures', true),
    ...definitions(),
  ]);
}

type TemplateFigure = 'sent' | 'delivery_rate' | 'read_rate' | 'limited_rate';

function templateTable(report: BusinessReport) {
  const { k } = report;
  const cell = (t: BusinessReport['templates'][number], id: TemplateFigure) =>
    figureCell(formatMetric(id, t[id], t.suppressed.includes(id), k), t.suppressed.includes(id));
  return dataTable(
    [
      { header: 'Category', width: 100 }, { header: 'Template', width: 170 },
      { header: 'Sent messages', width: 100, align: 'right' }, { header: 'Delivered', width: 100, align: 'right' },
      { header: 'Read', width: 100, align: 'right' }, { header: 'Limited by the platform', width: 100, align: 'right' },
    ],
    report.templates.map((t) => [t.category, t.template ?? '(no template)', cell(t, 'sent'), cell(t, 'delivery_rate'), cell(t, 'read_rate'), cell(t, 'limited_rate')]),
  );
}

/** The pricing table's columns: each figure of a row with its header. */
export const PRICING_HEADERS: Record<PricingFigure, string> = {
  charged: 'Charged',
  free_customer_service: 'Free: customer service',
  free_entry_point: 'Free: entry point',
  unknown: 'Not reported',
};

function pricingNote() {
  return note('Messages sent or failed in the period, by the category the platform billed them in (the one a delivered or read ' +
    'status reported, else the send\'s) and the pricing type reported with them. A message that only failed, with no category, is in no row.');
}

function pricingTable(report: BusinessReport) {
  const { k } = report;
  const cell = (p: BusinessReport['pricing'][number], id: PricingFigure) =>
    figureCell(formatMetric(id, p[id], p.suppressed.includes(id), k), p.suppressed.includes(id));
  return dataTable(
    [{ header: 'Category', width: 170 }, ...PRICING_FIGURES.map((id) => ({ header: PRICING_HEADERS[id], width: 110, align: 'right' as const }))],
    report.pricing.map((p) => [p.category, ...PRICING_FIGURES.map((id) => cell(p, id))]),
  );
}

function reportDocument(report: BusinessReport, meta: ExportMeta, content: TDocumentDefinitions['content'][]): TDocumentDefinitions {
  return frame({
    title: `Business report: ${report.name}`,
    subject: `Engagement metrics of ${report.business}, ${report.from} to ${report.to}`,
    generatedAt: meta.generatedAt,
    facts: commonFacts(report, meta, [
      ['Business', `${report.name} (${report.business})${report.verified ? ', verified' : ''}`],
      ['Time zone', `${report.timezone} (business-hours figures)`],
      ['Channel', report.channel ?? 'all channels'],
      ['Series', `per ${report.granularity === 'day' ? 'UTC day' : 'ISO week, clipped to the period'}`],
    ]),
    content: content.flat(),
  });
}
