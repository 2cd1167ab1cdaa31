import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_TYPES_FILE, generateApiTypes } from './apiTypes';

describe('the dashboard\'s API types', () => {
  it('are the ones generated from the OpenAPI document the server serves (run `npm run api:types` after changing a contract)', async () => {
    expect(readFileSync(API_TYPES_FILE, 'utf8') === (await generateApiTypes()), 'web/src/lib/apiSchema.d.ts is stale: run npm run api:types').toBe(true);
  });
});
