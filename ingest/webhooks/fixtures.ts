import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A payload of ./fixtures (Meta's documented examples; see fixtures/SOURCES.md), as its exact bytes. */
export function fixture(name: string): string {
  return readFileSync(join(import.meta.dirname, 'fixtures', `${name}.json`), 'utf8');
}
