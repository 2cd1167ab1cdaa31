import { describe, expect, it } from 'vitest';
import { getAlertRules, listAlertRules, setAlertRules, type AlertRules } from './alertRules';
import { putBusiness, type BusinessInput } from './registry';
import { SecretBox } from './secretBox';
import { SerialStore, type RegistryStore } from './store';
import { usePrivatePostgres } from './postgres/testing/usePostgres';
import { useMigratedMemoryDatabase } from './testing/migratedMemoryDatabase';

const box = new SecretBox(Buffer.alloc(32, 5));
const business = (id: string): BusinessInput => ({
  id, name: `Business ${id}`, sector: 'retail', verified: true, timezone: 'UTC', businessHours: {},
  processingLocations: [{ country: 'DE', processor: 'Host', role: 'processor', mechanism: 'eea', primary: true }],
});
const rules: AlertRules = {
  enabled: true,
  thresholds: { opt_out_rate_24h: 0.05, block_rate_24h: null },
  jump: { factor: 2.5, min_recipients: 150, baseline_days: 14, baseline_floor: 0.001 },
};

async function scenario(store: RegistryStore) {
  await putBusiness(store, box, business('acme'));
  await putBusiness(store, box, business('globex'));
  const before = await getAlertRules(store, 'acme');
  const set = [
    await setAlertRules(store, 'acme', rules, Date.parse('2026-11-01T09:00:00Z')),
    await setAlertRules(store, 'nobody', rules, Date.parse('2026-11-01T09:00:00Z')),
    await setAlertRules(store, 'globex', { ...rules, enabled: false }, Date.parse('2026-11-01T09:30:00Z')),
    await setAlertRules(store, 'acme', { ...rules, jump: { ...rules.jump, factor: null } }, Date.parse('2026-11-02T09:00:00Z')),
  ];
  return { before, set, acme: await getAlertRules(store, 'acme'), all: Object.fromEntries(await listAlertRules(store)) };
}

describe('alert rules on DuckDB and on PostgreSQL', () => {
  const postgres = usePrivatePostgres();
  const duckdb = useMigratedMemoryDatabase();

  it('store a business\'s rules, replace them, and refuse an unregistered business', async () => {
    const fromDuckDb = await scenario(new SerialStore(duckdb()));
    const fromPostgres = await scenario(await postgres.store());
    expect(fromPostgres).toEqual(fromDuckDb);
    expect(fromPostgres).toEqual({
      before: undefined,
      set: [true, false, true, true],
      acme: { rules: { ...rules, jump: { ...rules.jump, factor: null } }, updatedAt: '2026-11-02T09:00:00.000Z' },
      all: { acme: { ...rules, jump: { ...rules.jump, factor: null } }, globex: { ...rules, enabled: false } },
    });
  });
});
