import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase, queryRows } from './duckdb';
import { migrate } from './migrate';

describe('migration 0015 on DuckDB (processing locations rebuilt for transfer reviews)', () => {
  it('keeps every stored location, with the review fields empty, and lets an organisation be stored without a country', async () => {
    // The migrations as they were before 0015: a database created by an older version.
    const migrations = join(import.meta.dirname, 'migrations');
    const older = mkdtempSync(join(tmpdir(), 'migrations-'));
    cpSync(migrations, older, { recursive: true });
    const journal = JSON.parse(readFileSync(join(migrations, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] };
    const before = journal.entries.findIndex((e) => e.tag === '0015_transfer_reviews');
    writeFileSync(join(older, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries: journal.entries.slice(0, before) }));
    const instance = await openDatabase(':memory:');
    const connection = await instance.connect();
    try {
      await migrate(connection, older);
      rmSync(older, { recursive: true });
      await connection.run(`INSERT INTO processing_locations VALUES ('acme', 'DE', 'Host GmbH', 'processor', 'eea', true), ('acme', 'US', 'Cloud Inc', 'processor', 'dpf', false)`);

      expect(await migrate(connection)).toEqual(journal.entries.slice(before).map((e) => e.tag));
      const rows = await queryRows(connection,
        'SELECT business, country, organisation, processor, mechanism, is_primary, tia_date, next_review, importer_subject_to_gdpr FROM processing_locations ORDER BY country');
      expect(rows).toEqual([
        { business: 'acme', country: 'DE', organisation: null, processor: 'Host GmbH', mechanism: 'eea', is_primary: true, tia_date: null, next_review: null, importer_subject_to_gdpr: false },
        { business: 'acme', country: 'US', organisation: null, processor: 'Cloud Inc', mechanism: 'dpf', is_primary: false, tia_date: null, next_review: null, importer_subject_to_gdpr: false },
      ]);
      await connection.run(`INSERT INTO processing_locations (business, organisation, processor, role, mechanism, is_primary)
        VALUES ('acme', 'European Patent Organisation', 'EPO', 'processor', 'adequacy', false)`);
      await expect(connection.run(`INSERT INTO processing_locations (business, processor, role, mechanism, is_primary)
        VALUES ('acme', 'Nowhere', 'processor', 'none', false)`)).rejects.toThrow(/processing_locations_place|CHECK/i);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});
