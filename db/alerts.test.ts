import { describe, expect, it } from 'vitest';
import {
  claimAttempt, deleteAlertEndpoint, deliveryOf, dueAlerts, fireAlert, getAlertEndpoint, InvalidAlertError, listAlerts, recordAttempt,
  releaseClaim, setAlertEndpoint, type NewAlert,
} from './alerts';
import { putBusiness, type BusinessInput } from './registry';
import { SecretBox } from './secretBox';
import { SerialStore, type RegistryStore } from './store';
import { migratePostgres } from './postgres/migrate';
import { usePrivatePostgres } from './postgres/testing/usePostgres';
import { useMigratedMemoryDatabase } from './testing/migratedMemoryDatabase';

const box = new SecretBox(Buffer.alloc(32, 3));
const at = (iso: string) => Date.parse(iso);
const business = (id: string): BusinessInput => ({
  id, name: `Business ${id}`, sector: 'retail', verified: true, timezone: 'UTC', businessHours: {},
  processingLocations: [{ country: 'DE', processor: 'Host', role: 'processor', mechanism: 'eea', primary: true }],
});
const jump = (overrides: Partial<NewAlert> = {}): NewAlert => ({
  business: 'acme', kind: 'template_opt_out_jump', cause: 'template_opt_out_jump:spring_sale:2026-11-03', title: 'Opt-outs jumped after spring_sale',
  details: { template: 'spring_sale', opt_out_rate_24h: 0.12, baseline: 0.02, recipients: 250 }, firedAtMs: at('2026-11-03T10:00:00Z'), ...overrides,
});

/** One run over the module; each engine's answers are compared, and checked for what a caller expects. */
async function scenario(store: RegistryStore) {
  await putBusiness(store, box, business('acme'));
  await putBusiness(store, box, business('globex'));
  const first = await fireAlert(store, jump());
  const again = await fireAlert(store, jump({ title: 'fired again', firedAtMs: at('2026-11-03T11:00:00Z') }));
  await fireAlert(store, jump({ business: 'globex' }));
  const dueWithoutEndpoint = await dueAlerts(store, at('2026-11-03T12:00:00Z'), 10);
  const endpointSet = [
    await setAlertEndpoint(store, box, 'acme', { url: 'https://hooks.example.com/a', secret: 'a-secret-of-16-chars' }, at('2026-11-03T11:30:00Z')),
    await setAlertEndpoint(store, box, 'nobody', { url: 'https://hooks.example.com/n', secret: 'a-secret-of-16-chars' }, at('2026-11-03T11:30:00Z')),
  ];
  const endpoint = await getAlertEndpoint(store, 'acme');
  const now = at('2026-11-03T12:00:00Z');
  const due = await dueAlerts(store, now, 10);
  const claims = [await claimAttempt(store, first.id, now, now + 20_000), await claimAttempt(store, first.id, now, now + 20_000)];
  const delivery = await deliveryOf(store, box, first.id);
  await recordAttempt(store, { alert: first.id, attempt: 1, atMs: now, status: 500, error: null, durationMs: 12 }, { kind: 'retry', atMs: now + 30_000 });
  const dueBeforeRetry = await dueAlerts(store, now + 29_999, 10);
  const secondClaim = await claimAttempt(store, first.id, now + 30_000, now + 50_000);
  await releaseClaim(store, first.id, now + 31_000);
  const thirdClaim = await claimAttempt(store, first.id, now + 31_000, now + 51_000);
  await recordAttempt(store, { alert: first.id, attempt: 2, atMs: now + 31_000, status: 204, error: null, durationMs: 8 }, { kind: 'delivered' });
  const dueAfter = await dueAlerts(store, now + 60_000, 10);
  const removed = [await deleteAlertEndpoint(store, 'acme'), await deleteAlertEndpoint(store, 'acme')];
  return {
    first, again, dueWithoutEndpoint, endpointSet, endpoint, due, claims, delivery, dueBeforeRetry, secondClaim, thirdClaim, dueAfter, removed,
    endpointAfter: await getAlertEndpoint(store, 'acme'),
    listed: await listAlerts(store, { businesses: null, limit: 10 }),
    ofGlobex: await listAlerts(store, { businesses: ['globex'], limit: 10 }),
    ofNone: await listAlerts(store, { businesses: [], limit: 10 }),
    sinceLater: await listAlerts(store, { businesses: null, sinceMs: at('2026-11-04T00:00:00Z'), limit: 10 }),
  };
}

describe('alerts on DuckDB and on PostgreSQL', () => {
  const postgres = usePrivatePostgres();
  const duckdb = useMigratedMemoryDatabase();

  it('fire once per cause, and record the delivery attempts of a business with an endpoint', async () => {
    const fromDuckDb = await scenario(new SerialStore(duckdb()));
    const fromPostgres = await scenario(await postgres.store());
    // Ids are random; two alerts fired at the same time are listed in the order of their ids.
    const comparable = (result: typeof fromDuckDb) => ({ ...result, listed: result.listed.toSorted((a, b) => a.business.localeCompare(b.business)) });
    const withoutIds = (result: typeof fromDuckDb) =>
      JSON.parse(JSON.stringify(comparable(result)).replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'ID')) as unknown;
    expect(withoutIds(fromPostgres)).toEqual(withoutIds(fromDuckDb));
    const r = fromPostgres;
    expect(r.again).toEqual({ fired: false, id: r.first.id });
    expect(r.first.fired).toBe(true);
    expect(r.dueWithoutEndpoint).toEqual([]);
    expect(r.endpointSet).toEqual([true, false]);
    expect(r.endpoint).toEqual({ url: 'https://hooks.example.com/a', secretSet: true, updatedAt: '2026-11-03T11:30:00.000Z' });
    expect(r.due).toEqual([r.first.id]);
    expect(r.claims).toEqual([1, undefined]);
    expect(r.delivery).toEqual({
      id: r.first.id, url: 'https://hooks.example.com/a', secret: 'a-secret-of-16-chars',
      payload: {
        id: r.first.id, business: 'acme', kind: 'template_opt_out_jump', cause: 'template_opt_out_jump:spring_sale:2026-11-03',
        fired_at: '2026-11-03T10:00:00.000Z', title: 'Opt-outs jumped after spring_sale',
        details: { template: 'spring_sale', opt_out_rate_24h: 0.12, baseline: 0.02, recipients: 250 },
      },
    });
    expect(r.dueBeforeRetry).toEqual([]);
    // A released claim gives its number back: the next attempt is numbered 2 again.
    expect([r.secondClaim, r.thirdClaim]).toEqual([2, 2]);
    expect(r.dueAfter).toEqual([]);
    expect(r.removed).toEqual([true, false]);
    expect(r.endpointAfter).toBeUndefined();
    const acme = r.listed.find((a) => a.business === 'acme')!;
    expect(acme).toMatchObject({ state: 'delivered', deliveredAt: '2026-11-03T12:00:31.008Z', nextAttemptAt: null, title: 'Opt-outs jumped after spring_sale' });
    expect(acme.attempts).toEqual([
      { attempt: 1, at: '2026-11-03T12:00:00.000Z', status: 500, error: null, durationMs: 12 },
      { attempt: 2, at: '2026-11-03T12:00:31.000Z', status: 204, error: null, durationMs: 8 },
    ]);
    expect(r.ofGlobex).toMatchObject([{ business: 'globex', state: 'undelivered', nextAttemptAt: '2026-11-03T10:00:00.000Z', attempts: [] }]);
    expect(r.ofNone).toEqual([]);
    expect(r.sinceLater).toEqual([]);
  });

  it('let one of two servers sharing PostgreSQL claim an attempt, and fire a cause once between them', async () => {
    const url = await postgres.emptyDatabase();
    const [one, two] = [await postgres.store(url), await postgres.store(url)];
    await migratePostgres(one.pool);
    await putBusiness(one, box, business('acme'));
    const fired = await Promise.all([fireAlert(one, jump()), fireAlert(two, jump()), fireAlert(one, jump()), fireAlert(two, jump())]);
    expect(fired.filter((f) => f.fired)).toHaveLength(1);
    expect(new Set(fired.map((f) => f.id)).size).toBe(1);
    const now = at('2026-11-03T12:00:00Z');
    const claims = await Promise.all([one, two, one, two].map((store) => claimAttempt(store, fired[0]!.id, now, now + 20_000)));
    expect(claims.filter((c) => c !== undefined)).toEqual([1]);
  });

  it('refuse an alert whose details could name a person', async () => {
    const store = new SerialStore(duckdb());
    await expect(fireAlert(store, jump({ details: { phone: '+49 170 1234567' } }))).rejects.toThrow(InvalidAlertError);
    await expect(fireAlert(store, jump({ details: { customer: 'ab'.repeat(32) } }))).rejects.toThrow(InvalidAlertError);
    await expect(fireAlert(store, jump({ details: { contact: 'mia@example.com' } }))).rejects.toThrow(InvalidAlertError);
    await expect(fireAlert(store, jump({ kind: 'Not A Kind' }))).rejects.toThrow(InvalidAlertError);
    expect(await listAlerts(store, { businesses: null, limit: 10 })).toEqual([]);
    // Dates and counts are figures.
    const dated = await fireAlert(store, jump({ details: { baseline_from: '2026-10-06', baseline_to: '2026-11-02T23:59:59Z', recipients: 12_345_678 } }));
    expect(dated.fired).toBe(true);
  });
});
