import type { TDocumentDefinitions } from 'pdfmake/interfaces';
import { METRICS, type MetricId } from '../../metrics/definitions';
import type { BusinessReport } from '../../reports';
import type { ExportMeta } from '../exportKinds';
import { commonFacts } from './facts';
import { dataTable, figureCell, heading, reportDocument as frame } from './pdfLayout';
import { formatMetric } from './figures';
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
        ['Residency flag', totals.residency_flag],
      ],
    ),
    heading('Per channel', true),
    ...metricTables('Channel', report.channels.map((c) => ({ label: c.channel, metrics: c })), k),
    heading('Delivery and read by category and template', true),
    templateTable(report),
    heading(`Per ${unit}`, true),
    ...metricTables(unit === 'day' ? 'Day' : 'Week', report.series.map((p) => ({ label: p.from === p.to ? p.from : `${p.from} to ${p.to}`, metrics: p })), k),
    heading('About these figures', true),
    ...definitions(),
  ]);
}

function templateTable(report: BusinessReport) {
  const { k } = report;
  const cell = (t: BusinessReport['templates'][number], id: 'sent' | 'delivery_rate' | 'read_rate') =>
    figureCell(formatMetric(id, t[id], t.suppressed.includes(id), k), t.suppressed.includes(id));
  return dataTable(
    [
      { header: 'Category', width: 100 }, { header: 'Template', width: 200 },
      { header: 'Sent messages', width: 110, align: 'right' }, { header: 'Delivered', width: 110, align: 'right' }, { header: 'Read', width: 110, align: 'right' },
    ],
    report.templates.map((t) => [t.category, t.template ?? '(no template)', cell(t, 'sent'), cell(t, 'delivery_rate'), cell(t, 'read_rate')]),
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
