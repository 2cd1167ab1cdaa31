import { describe, expect, it } from 'vitest';
import {
  addRateCardVersion, listRateCards, loadRateCardVersions, namedRateCard, rateCardOfBusiness, setBusinessRateCard,
} from './rateCards';
import { COUNTRY_CODES } from './countries';
import { SerialStore, type RegistryStore } from './store';
import { useMigratedMemoryDatabase } from './testing/migratedMemoryDatabase';
import { CATEGORIES } from './vocabulary';
import { usePrivatePostgres } from './postgres/testing/usePostgres';

const upload = (cardId: string, effectiveFrom: string, uploadedAt: string, prices: { category: string; country: string; priceMicros: number }[]) => ({
  cardId, currency: 'EUR', effectiveFrom, uploadedBy: 'ops@example.com', uploadedAtMs: Date.parse(uploadedAt), prices,
});

/** What a caller of the module sees after a series of uploads and business choices. */
async function rateCardScenario(store: RegistryStore) {
  const beforeAnyCard = await rateCardOfBusiness(store, 'acme');
  const added = [
    await addRateCardVersion(store, upload('default', '2026-07-01', '2026-06-20T10:00:00.250Z', [
      { category: 'marketing', country: 'DE', priceMicros: 124_400 }, { category: 'marketing', country: '*', priceMicros: 60_000 },
    ])),
    // Uploaded later, effective earlier: kept, and sorted before July.
    await addRateCardVersion(store, upload('default', '2026-01-01', '2026-06-21T10:00:00Z', [
      { category: 'utility', country: 'DE', priceMicros: 49_900 },
    ])),
    // More rows than one INSERT takes (every country, every category), and a price beyond 2^31 millionths.
    await addRateCardVersion(store, upload('wholesale', '2026-01-01', '2026-06-22T10:00:00Z', [...COUNTRY_CODES].flatMap((country) =>
      CATEGORIES.map((category) => ({ category, country, priceMicros: category === 'marketing' && country === 'DE' ? 5_000_000_000 : 1 }))))),
  ];
  const defaultAfter = await rateCardOfBusiness(store, 'acme');
  await setBusinessRateCard(store, 'acme', 'wholesale');
  const named = [await namedRateCard(store, 'acme'), await rateCardOfBusiness(store, 'acme'), await rateCardOfBusiness(store, 'globex')];
  await setBusinessRateCard(store, 'acme', null);
  const cleared = await rateCardOfBusiness(store, 'acme');
  const defaultVersions = await loadRateCardVersions(store, 'default');
  const wholesale = await loadRateCardVersions(store, 'wholesale');
  return {
    beforeAnyCard, added, defaultAfter, named, cleared,
    cards: await listRateCards(store),
    defaultVersions,
    wholesaleRows: wholesale[0]!.prices.length,
    wholesaleDe: wholesale[0]!.prices.find((p) => p.country === 'DE' && p.category === 'marketing'),
    unknown: await loadRateCardVersions(store, 'nobody'),
  };
}

describe('rate cards on DuckDB and on PostgreSQL', () => {
  const postgres = usePrivatePostgres();
  const duckdb = useMigratedMemoryDatabase();

  it('keep every version, sorted by effective date, with exact prices, and pick a business\'s card', async () => {
    const fromDuckDb = await rateCardScenario(new SerialStore(duckdb()));
    const fromPostgres = await rateCardScenario(await postgres.store());
    expect(fromPostgres).toEqual(fromDuckDb);
    expect(fromPostgres).toMatchObject({
      beforeAnyCard: null,
      added: [1, 2, 1],
      defaultAfter: 'default',
      named: ['wholesale', 'wholesale', 'default'],
      cleared: 'default',
      wholesaleRows: COUNTRY_CODES.size * CATEGORIES.length,
      wholesaleDe: { category: 'marketing', country: 'DE', priceMicros: 5_000_000_000 },
      unknown: [],
    });
    expect(fromPostgres.defaultVersions).toEqual([
      {
        cardId: 'default', version: 2, currency: 'EUR', effectiveFrom: '2026-01-01', uploadedAt: '2026-06-21T10:00:00.000Z', uploadedBy: 'ops@example.com',
        prices: [{ category: 'utility', country: 'DE', priceMicros: 49_900 }],
      },
      {
        cardId: 'default', version: 1, currency: 'EUR', effectiveFrom: '2026-07-01', uploadedAt: '2026-06-20T10:00:00.250Z', uploadedBy: 'ops@example.com',
        prices: [{ category: 'marketing', country: '*', priceMicros: 60_000 }, { category: 'marketing', country: 'DE', priceMicros: 124_400 }],
      },
    ]);
    expect(fromPostgres.cards.map((c) => [c.cardId, c.versions.map((v) => [v.version, v.effectiveFrom, v.rowCount])])).toEqual([
      ['default', [[1, '2026-07-01', 2], [2, '2026-01-01', 1]]],
      ['wholesale', [[1, '2026-01-01', COUNTRY_CODES.size * CATEGORIES.length]]],
    ]);
  });

  it('give concurrent uploads of one card distinct versions on PostgreSQL, where servers share the registry', async () => {
    const store = await postgres.store();
    const prices = [{ category: 'marketing', country: 'DE', priceMicros: 1 }];
    const versions = await Promise.all(['2026-01-01', '2026-02-01', '2026-03-01'].map((date) =>
      addRateCardVersion(store, upload('default', date, '2026-06-20T10:00:00Z', prices))));
    expect([...versions].sort()).toEqual([1, 2, 3]);
    expect((await loadRateCardVersions(store, 'default')).map((v) => v.prices.length)).toEqual([1, 1, 1]);
  });
});
