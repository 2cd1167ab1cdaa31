import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { buildSync } from 'esbuild';
import { repositoryPath } from '../../db/repositoryFiles';

/**
 * The server as one JavaScript file, which `npm start` runs (its prestart step builds it). Loading
 * the TypeScript sources through tsx took about half of a start: 1.6 s until /v1/health answered,
 * against 0.8 s for the bundle, on 2 cores. A restart keeps the intake down for that long while
 * the platforms' webhooks wait.
 *
 * Only our own modules are bundled; the packages stay in node_modules and load as they do under
 * tsx (DuckDB's is native). Files read at run time are found from the repository's root
 * (db/repositoryFiles.ts), and the worker threads start from their own entry files, which load
 * the TypeScript sources themselves.
 */
export const SERVER_BUNDLE = repositoryPath('web', 'server', 'dist', 'main.mjs');

/**
 * Builds SERVER_BUNDLE from web/server/main.ts (about 0.1 s). Each file is written under a name
 * of this process and then renamed over the old one, so a server starting meanwhile (another test
 * process building at the same time) reads one whole bundle, old or new. A source map is written
 * beside it, for NODE_OPTIONS=--enable-source-maps when a stack trace must name the sources (it
 * is not on by default: it added 80 ms to every start).
 */
export function buildServerBundle(): string {
  const result = buildSync({
    entryPoints: [repositoryPath('web', 'server', 'main.ts')],
    outfile: SERVER_BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    write: false,
    logLevel: 'silent',
  });
  mkdirSync(dirname(SERVER_BUNDLE), { recursive: true });
  // The map first: the bundle that names it is renamed into place last.
  const files = [...result.outputFiles].sort((a, b) => Number(a.path === SERVER_BUNDLE) - Number(b.path === SERVER_BUNDLE));
  for (const file of files) {
    const partial = `${dirname(file.path)}/.${basename(file.path)}.${process.pid}.partial`;
    try {
      writeFileSync(partial, file.contents);
      renameSync(partial, file.path);
    } finally {
      rmSync(partial, { force: true });
    }
  }
  return SERVER_BUNDLE;
}
