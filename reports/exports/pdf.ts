import type { ExportInput, ExportMeta } from './exportKinds';
import { businessDocument } from './pdf/businessPdf';
import { overviewDocument } from './pdf/overviewPdf';
import { renderPdfDocument } from './pdf/pdfEngine';
import { residencyDocument } from './pdf/residencyPdf';

/** The PDF exports (pdfmake, standard Helvetica): one readable document per report. */
export function renderPdf(input: ExportInput, meta: ExportMeta): Promise<Buffer> {
  switch (input.kind) {
    case 'overview':
      return renderPdfDocument(overviewDocument(input.report, meta));
    case 'business':
      return renderPdfDocument(businessDocument(input.report, meta));
    case 'residency':
      return renderPdfDocument(residencyDocument(input.report, meta));
  }
}
