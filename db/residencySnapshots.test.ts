import { describe, expect, it } from 'vitest';
import { usePrivatePostgres } from './postgres/testing/usePostgres';
import { getResidencySnapshot, listResidencySnapshots, setResidencySnapshot, type ResidencySnapshot } from './residencySnapshots';
import { SerialStore, type RegistryStore } from './store';
import { useMigratedMemoryDatabase } from './testing/migratedMemoryDatabase';

// The residency snapshots on both registry engines: the same document back, replaced in place.

const FIRST: ResidencySnapshot = {
  adequacy_version: 3, transfer_law_version: 1,
  law: { 'transfer_law:eu-us-dpf-appeal': { applies_to: 'mechanism:dpf', digest: '0123456789abcdef' } },
  locations: [{ country: 'US', organisation: null, processor: 'Cloud Mail Inc.', mechanism: 'scc', importer_subject_to_gdpr: false, status: 'safeguarded', declared: true, seen: true }],
};
const SECOND: ResidencySnapshot = { ...FIRST, transfer_law_version: 2, locations: [{ ...FIRST.locations[0]!, mechanism: 'none', status: 'exposed' }] };

async function scenario(store: RegistryStore) {
  const before = await getResidencySnapshot(store, 'acme');
  await setResidencySnapshot(store, 'acme', FIRST, Date.parse('2026-03-10T12:00:00Z'));
  await setResidencySnapshot(store, 'globex', FIRST, Date.parse('2026-03-10T12:00:00Z'));
  await setResidencySnapshot(store, 'acme', SECOND, Date.parse('2026-03-10T12:05:00Z'));
  return { before, acme: await getResidencySnapshot(store, 'acme'), all: Object.fromEntries(await listResidencySnapshots(store)) };
}

describe('residency snapshots on DuckDB and on PostgreSQL', () => {
  const postgres = usePrivatePostgres();
  const duckdb = useMigratedMemoryDatabase();

  it('store, replace and list the same documents', async () => {
    const fromDuckDb = await scenario(new SerialStore(duckdb()));
    const fromPostgres = await scenario(await postgres.store());
    expect(fromPostgres).toEqual(fromDuckDb);
    expect(fromPostgres).toEqual({ before: undefined, acme: SECOND, all: { acme: SECOND, globex: FIRST } });
  });
});
