import { describe, expect, it } from 'vitest';
import { getProcessingRecords, getStoredProcessingRecords, setProcessingRecords, type ProcessingRecords } from './processingRecords';
import { getBusiness, putBusiness, type BusinessInput } from './registry';
import { SecretBox } from './secretBox';
import { SerialStore, type RegistryStore } from './store';
import { usePrivatePostgres } from './postgres/testing/usePostgres';
import { useMigratedMemoryDatabase } from './testing/migratedMemoryDatabase';

const box = new SecretBox(Buffer.alloc(32, 5));
const business = (id: string): BusinessInput => ({
  id, name: `Business ${id}`, sector: 'retail', verified: true, timezone: 'UTC', businessHours: {},
  processingLocations: [
    { country: 'DE', processor: 'Host', role: 'processor', mechanism: 'eea', primary: true },
    { country: 'US', processor: 'Cloud', role: 'processor', mechanism: 'dpf', primary: false, tiaDate: '2025-01-15', nextReview: '2026-01-15', importerSubjectToGdpr: true },
    { country: null, organisation: 'European Patent Organisation', processor: 'EPO', role: 'processor', mechanism: 'adequacy', primary: false },
  ],
});
const records: ProcessingRecords = {
  controller: { name: 'Aer Skyways DAC', address: '1 Airport Road, Dublin', contact: 'privacy@aer.example' },
  dpo: { name: 'Jane Doe', email: 'dpo@aer.example' },
  purposes: [
    { id: 'customer_care', description: 'Answering customers\' messages', legal_basis: 'contract', retention_days: 365 },
    { id: 'marketing', description: 'Campaign messages to customers who opted in', legal_basis: 'consent', retention_days: 180 },
  ],
  whatsapp_numbers: [{ phone_number_id: '106540352242922', data_localization_region: 'DE' }, { phone_number_id: '106540352242923', data_localization_region: null }],
};

async function scenario(store: RegistryStore) {
  await putBusiness(store, box, business('acme'));
  const before = await getProcessingRecords(store, 'acme');
  const set = [
    await setProcessingRecords(store, 'acme', records, new Date('2026-11-01T09:00:00Z')),
    await setProcessingRecords(store, 'nobody', records, new Date('2026-11-01T09:00:00Z')),
    await setProcessingRecords(store, 'acme', { ...records, purposes: records.purposes.slice(0, 1) }, new Date('2026-11-02T09:00:00Z')),
  ];
  // A location naming neither a country nor an organisation is refused by the table itself.
  const neither = await putBusiness(store, box, {
    ...business('globex'), processingLocations: [{ country: null, processor: 'Nowhere', role: 'processor', mechanism: 'none', primary: true }],
  }).then(() => 'stored', () => 'refused');
  return {
    before,
    set,
    stored: await getStoredProcessingRecords(store, 'acme'),
    nobody: await getProcessingRecords(store, 'nobody'),
    locations: (await getBusiness(store, 'acme'))!.processingLocations,
    neither,
  };
}

describe('records of processing and transfer reviews on DuckDB and on PostgreSQL', () => {
  const postgres = usePrivatePostgres();
  const duckdb = useMigratedMemoryDatabase();

  it('store a business\'s records and its locations\' review fields, replace them, and refuse an unregistered business', async () => {
    const fromDuckDb = await scenario(new SerialStore(duckdb()));
    const fromPostgres = await scenario(await postgres.store());
    expect(fromPostgres).toEqual(fromDuckDb);
    expect(fromPostgres).toEqual({
      before: undefined,
      set: [true, false, true],
      stored: { records: { ...records, purposes: records.purposes.slice(0, 1) }, updatedAt: '2026-11-02T09:00:00.000Z' },
      nobody: undefined,
      locations: [
        { country: 'DE', organisation: null, processor: 'Host', role: 'processor', mechanism: 'eea', primary: true, tiaDate: null, nextReview: null, importerSubjectToGdpr: false },
        { country: 'US', organisation: null, processor: 'Cloud', role: 'processor', mechanism: 'dpf', primary: false, tiaDate: '2025-01-15', nextReview: '2026-01-15', importerSubjectToGdpr: true },
        { country: null, organisation: 'European Patent Organisation', processor: 'EPO', role: 'processor', mechanism: 'adequacy', primary: false, tiaDate: null, nextReview: null, importerSubjectToGdpr: false },
      ],
      neither: 'refused',
    });
  });
});
