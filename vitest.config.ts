import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// web/tsconfig.json extends SvelteKit's generated one; generate it on a fresh clone so the
// transformer can read it even when vitest runs alone.
const webDir = join(import.meta.dirname, 'web');
if (!existsSync(join(webDir, '.svelte-kit', 'tsconfig.json'))) {
  execFileSync('npx', ['svelte-kit', 'sync'], { cwd: webDir, stdio: 'inherit' });
}

export default defineConfig({
  test: {
    include: ['{db,ingest,reports,web}/**/*.test.ts'],
    exclude: ['node_modules/**', 'tmp/**', 'data/**', 'web/.svelte-kit/**', 'web/build/**'],
    // Every test file opens its own DuckDB file; two workers match the machine's two cores.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // A page re-renders after its own API call: on a loaded 2-core machine that takes more than
    // expect.poll's default second. Polls end as soon as they match, so passing runs stay fast.
    expect: { poll: { timeout: 15_000 } },
  },
});
