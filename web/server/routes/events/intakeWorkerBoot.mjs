// The intake threads' entry: the server and the tests run TypeScript through tsx, whose loader a
// worker thread does not inherit (Node 20), so it is registered here before the thread's
// TypeScript module is imported (as the PDF thread's, reports/exports/pdf/pdfWorkerBoot.mjs).
import { register } from 'tsx/esm/api';

register();
await import('./intakeWorker.ts');
