// The PDF worker thread's entry: the server and the tests run TypeScript through tsx, whose
// loader a worker thread does not inherit (Node 20), so it is registered here before the
// worker's TypeScript module is imported.
import { register } from 'tsx/esm/api';

register();
await import('./pdfWorker.ts');
