import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The layer rules of eslint.config.js, checked on imports that break them: `npm test` runs the
// linter, and this keeps a change of the config from dropping a rule unnoticed.
const ROOT = join(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: ROOT });

async function messagesFor(file: string, specifier: string): Promise<string[]> {
  const [result] = await eslint.lintText(`import { x } from '${specifier}';\nexport const y = x;\n`, { filePath: join(ROOT, file) });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layer rules', () => {
  it.each([
    ['db/probe.ts', '../ingest/events/ingestBatch', 'db/ knows no caller'],
    ['db/testing/probe.ts', '../../reports/reports', 'db/ knows no caller'],
    ['ingest/events/probe.ts', '../../web/server/http/router', 'ingest/ is a library'],
    ['ingest/webhooks/probe.test.ts', '../../reports/reports', 'ingest/ is a library'],
    ['reports/metrics/probe.ts', '../../ingest/events/eventSchema', 'reports/ is a library'],
    ['reports/probe.ts', '../web/server/http/apiError', 'reports/ is a library'],
    ['web/src/lib/probe.ts', '../../server/http/router', 'the dashboard speaks only HTTP'],
    ['web/src/lib/probe.ts', '../../../db/vocabulary', 'the dashboard speaks only HTTP'],
  ])('%s may not import %s', async (file, specifier, rule) => {
    expect((await messagesFor(file, specifier)).join('\n')).toContain(`layer rule "${rule}`);
  });

  it.each([
    ['ingest/events/probe.ts', '../../db/vocabulary'],
    ['reports/metrics/probe.ts', '../../db/activityKinds'],
    ['web/server/probe.ts', '../../ingest/events/ingestBatch'],
    ['ingest/events/probe.ts', '../webhooks/mappedEvent'],
  ])('%s may import %s', async (file, specifier) => {
    expect(await messagesFor(file, specifier)).toEqual([]);
  });
});
