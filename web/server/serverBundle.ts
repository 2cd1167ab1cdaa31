import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import { repositoryPath } from '../../db/repositoryFiles';
import { PDF_THREAD } from '../../reports/exports/pdf/pdfProtocol';
import { INTAKE_THREAD } from './routes/events/intakeProtocol';

/**
 * The server as one JavaScript file, which `npm start` runs (its prestart step builds it). Loading
 * the TypeScript sources through tsx took about half of a start: 1.6 s until /v1/health answered,
 * against 0.8 s for the bundle, on 2 cores. A restart keeps the intake down for that long while
 * the platforms' webhooks wait.
 *
 * Only our own modules are bundled; the packages stay in node_modules and load as they do under
 * tsx (DuckDB's is native). Files read at run time are found from the repository's root
 * (db/repositoryFiles.ts). Each worker thread (the intake threads, the PDF thread) is bundled too,
 * into a file of its own beside the server's, which the server starts it from.
 */
export const SERVER_BUNDLE = repositoryPath('web', 'server', 'dist', 'main.mjs');

/** The worker threads, each bundled beside the server under its own name. */
export const BUNDLED_THREADS = [INTAKE_THREAD, PDF_THREAD];

/**
 * Builds the bundle from web/server/main.ts (about 0.1 s) at `outfile`, and the threads' files
 * beside it: SERVER_BUNDLE for npm start; a path inside the repository in any case, whose root the
 * bundle finds from its own folder. Each file is written under a name of this process and then
 * renamed over the old one, the server's last, so a server starting meanwhile (another process
 * building at the same time) reads one whole bundle, old or new. A source map is written beside
 * each, for NODE_OPTIONS=--enable-source-maps when a stack trace must name the sources (it is not
 * on by default: it added 80 ms to every start).
 */
export function buildServerBundle(target = SERVER_BUNDLE): string {
  const outfile = resolve(target);
  if (!outfile.endsWith('.mjs')) throw new Error(`the server's bundle is an .mjs file (got ${outfile})`);
  const entries = Object.fromEntries([
    [basename(outfile, '.mjs'), repositoryPath('web', 'server', 'main.ts')],
    ...BUNDLED_THREADS.map((thread) => [thread.bundled, repositoryPath(...thread.source)]),
  ]);
  const result = buildSync({
    entryPoints: entries,
    outdir: dirname(outfile),
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    write: false,
    logLevel: 'silent',
  });
  mkdirSync(dirname(outfile), { recursive: true });
  // The maps first, then the threads' files: the server's bundle, which names them, last.
  const order = (path: string) => (path === outfile ? 2 : path.endsWith('.mjs') ? 1 : 0);
  const files = [...result.outputFiles].sort((a, b) => order(a.path) - order(b.path));
  for (const file of files) {
    const partial = `${dirname(file.path)}/.${basename(file.path)}.${process.pid}.partial`;
    try {
      writeFileSync(partial, file.contents);
      renameSync(partial, file.path);
    } finally {
      rmSync(partial, { force: true });
    }
  }
  return outfile;
}
