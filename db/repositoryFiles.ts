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
