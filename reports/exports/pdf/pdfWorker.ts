import { parentPort } from 'node:worker_threads';
import { renderPdfHere } from './pdfDocument';
import type { PdfAnswer, PdfJob } from './pdfProtocol';

// The PDF thread: one render at a time, in the order asked. The report is plain data, so it is
// copied here and the document (which holds functions, such as its footer) is built here too.
const port = parentPort;
if (!port) throw new Error('pdfWorker.ts runs as a worker thread (see reports/exports/pdf.ts)');
port.on('message', (job: PdfJob) => {
  renderPdfHere(job.input, job.meta).then(
    (bytes) => port.postMessage({ id: job.id, bytes } satisfies PdfAnswer),
    (error: unknown) => port.postMessage({ id: job.id, error: error instanceof Error ? error.message : String(error) } satisfies PdfAnswer),
  );
});
