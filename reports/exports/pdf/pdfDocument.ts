import type { ExportMeta, PdfInput } from '../exportKinds';
import { businessDocument } from './businessPdf';
import { campaignsDocument } from './campaignsPdf';
import { overviewDocument } from './overviewPdf';
import { renderPdfDocument } from './pdfEngine';
import { recordsDocument } from './recordsPdf';
import { residencyDocument } from './residencyPdf';

/** The bytes of a report's PDF, built and laid out on the calling thread (the PDF worker's). */
export function renderPdfHere(input: PdfInput, meta: ExportMeta): Promise<Buffer> {
  switch (input.kind) {
    case 'overview':
      return renderPdfDocument(overviewDocument(input.report, meta));
    case 'business':
      return renderPdfDocument(businessDocument(input.report, meta));
    case 'campaigns':
      return renderPdfDocument(campaignsDocument(input.report, meta));
    case 'residency':
      return renderPdfDocument(residencyDocument(input.report, meta));
    case 'records':
      return renderPdfDocument(recordsDocument(input.report, meta));
  }
}
