import type { TDocumentDefinitions } from 'pdfmake/interfaces';
import type { OverviewReport } from '../../reports';
import type { ExportMeta } from '../exportKinds';
import { definitions, legend, metricTables } from './metricTables';
import { commonFacts } from './facts';
import { suppressedText } from './figures';
import { figureCell, heading, reportDocument } from './pdfLayout';

export function overviewDocument(report: OverviewReport, meta: ExportMeta): TDocumentDefinitions {
  return reportDocument({
    title: 'Messaging overview',
    subject: `Engagement metrics per business, ${report.from} to ${report.to}`,
    generatedAt: meta.generatedAt,
    facts: commonFacts(report, meta, [['Channel', report.channel ?? 'all channels'], ['Businesses', String(report.businesses.length)]]),
    content: [
      legend(report.k),
      ...metricTables(
        'Business',
        report.businesses.map((b) => ({ label: b.name, metrics: b, extra: [b.residency_flag ?? figureCell(suppressedText(report.k), true)] })),
        report.k,
        ['Residency flag'],
      ),
      heading('About these figures', true),
      ...definitions(),
    ],
  });
}
