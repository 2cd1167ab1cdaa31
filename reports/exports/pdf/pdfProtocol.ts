import type { ThreadEntry } from '../../../db/repositoryFiles';
import type { ExportMeta, PdfInput } from '../exportKinds';

/** The PDF thread's entry files (db/repositoryFiles.ts threadEntryPath). */
export const PDF_THREAD: ThreadEntry = {
  bundled: 'pdf-thread',
  source: ['reports', 'exports', 'pdf', 'pdfWorker.ts'],
  boot: ['reports', 'exports', 'pdf', 'pdfWorkerBoot.mjs'],
};

/** A render asked of the PDF thread (reports/exports/pdf.ts), and its answer. */
export interface PdfJob {
  id: number;
  input: PdfInput;
  meta: ExportMeta;
}
export type PdfAnswer = { id: number; bytes: Uint8Array } | { id: number; error: string };
