import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Files the server reads from this repository while it runs (migrations, the dashboard's build,
 * the worker threads' entry files), by their path from the repository's root. The root is found
 * from this module's location upwards, not from each module's own: `npm start` runs the server as
 * one bundled file (web/server/dist/main.mjs), where every module shares the bundle's location,
 * while the tests and the CLIs run the TypeScript sources, each in its folder. Neither depends on
 * the working directory.
 */
const ROOT = repositoryRootAbove(import.meta.dirname);

/** The nearest folder at or above `from` that holds package.json and db/migrations. */
export function repositoryRootAbove(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'db', 'migrations'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no repository root (package.json beside db/migrations) above ${from}`);
  }
}

/** The absolute path of a repository file: repositoryPath('db', 'migrations'). */
export const repositoryPath = (...segments: string[]): string => join(ROOT, ...segments);

/** A worker thread's two entries: its file in the server's bundle, and the boot file for the sources. */
export interface ThreadEntry {
  /** The thread's bundled file, beside the server's: `${bundled}.mjs` (web/server/serverBundle.ts builds it). */
  bundled: string;
  /** The thread's TypeScript module, from the repository's root: what the bundle is built from. */
  source: string[];
  /** From the repository's root: a file that registers tsx and imports the TypeScript module. */
  boot: string[];
}

/**
 * The file a worker thread starts from. In the server's bundle (npm start, and the server
 * processes of the tests and the bench): the thread's own bundled file beside it, built from the
 * same sources at the same moment, so a thread runs the code its server runs and loads no
 * TypeScript (through tsx, the PDF thread took 0.45 s to load). Running from the sources (the
 * tests that start threads in-process, the CLIs): the boot file, since a worker thread does not
 * inherit tsx's loader.
 */
export function threadEntryPath(thread: ThreadEntry, runningFile: string = import.meta.filename): string {
  return runningFile.endsWith('.ts') ? repositoryPath(...thread.boot) : join(dirname(runningFile), `${thread.bundled}.mjs`);
}
