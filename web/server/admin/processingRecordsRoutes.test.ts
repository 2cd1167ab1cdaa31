import { describe, expect, it } from 'vitest';
import { useTestRuntimes, type TestRuntime } from '../testing/testRuntime';
import { actionsOf, auditLog, cookieOf, signIn, withCookie } from '../auth/authTesting';
import { RECORDS } from '../testing/processingRecordsFixture';

const runtimes = useTestRuntimes();
const PASSWORD = 'a-long-password-1';


async function userCookie(rt: TestRuntime, email: string, role: string, businesses?: string[]) {
  const created = await rt.admin('POST', '/v1/users', { email, password: PASSWORD, role, ...(businesses ? { businesses } : {}) });
  expect(created.status).toBe(201);
  return cookieOf(await signIn(rt, email, PASSWORD));
}

describe('records of processing', () => {
  it('an admin sets them, a DPO reads them, a marketer cannot; the audit log names the changed fields only', async () => {
    const rt = await runtimes.start();
    await rt.registerBusiness('aer');
    await rt.registerBusiness('globex');
    expect((await rt.admin('GET', '/v1/businesses/aer/records')).status).toBe(404);

    const put = await rt.admin('PUT', '/v1/businesses/aer/records', RECORDS);
    expect(put.status).toBe(200);
    expect(await put.json()).toEqual({ business: 'aer', ...RECORDS, updated_at: expect.any(String) });
    const changedPurposes = { ...RECORDS, purposes: RECORDS.purposes.slice(0, 1) };
    expect((await rt.admin('PUT', '/v1/businesses/aer/records', changedPurposes)).status).toBe(200);

    const dpo = await userCookie(rt, 'dpo@example.com', 'dpo');
    const read = await withCookie(rt, dpo, 'GET', '/v1/businesses/aer/records');
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject(changedPurposes);
    expect((await withCookie(rt, dpo, 'PUT', '/v1/businesses/aer/records', RECORDS)).status).toBe(403);
    const marketing = await userCookie(rt, 'mia@example.com', 'marketing');
    expect((await withCookie(rt, marketing, 'GET', '/v1/businesses/aer/records')).status).toBe(403);

    const log = actionsOf(await auditLog(rt), 'admin.business.records');
    expect(log.map(({ target, filters }) => ({ target, filters }))).toEqual([
      { target: 'aer', filters: { changed: ['controller', 'dpo', 'purposes', 'whatsapp_numbers'] } },
      { target: 'aer', filters: { changed: ['purposes'] } },
    ]);
    expect(JSON.stringify(log)).not.toMatch(/Jane Doe|dpo@aer\.example|Airport Road/);
  });

  it('answers an unregistered business, or one outside the DPO\'s scope, with the same 404', async () => {
    const rt = await runtimes.start();
    await rt.registerBusiness('aer');
    await rt.registerBusiness('globex');
    expect((await rt.admin('PUT', '/v1/businesses/globex/records', RECORDS)).status).toBe(200);
    expect((await rt.admin('PUT', '/v1/businesses/nobody/records', RECORDS)).status).toBe(404);
    const scoped = await userCookie(rt, 'dpo@example.com', 'dpo', ['aer']);
    const outside = await withCookie(rt, scoped, 'GET', '/v1/businesses/globex/records');
    const unknown = await withCookie(rt, scoped, 'GET', '/v1/businesses/nobody/records');
    expect(outside.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(((await outside.json()) as { error: { code: string } }).error.code).toBe(((await unknown.json()) as { error: { code: string } }).error.code);
  });

  it('rejects invalid records with an error naming each field', async () => {
    const rt = await runtimes.start();
    await rt.registerBusiness('aer');
    const res = await rt.admin('PUT', '/v1/businesses/aer/records', {
      controller: { name: '', address: '1 Airport Road', contact: 'privacy@aer.example' },
      dpo: { name: 'Jane Doe', email: 'not-an-address' },
      purposes: [{ id: 'care', description: 'Care', legal_basis: 'because', retention_days: 5000 }],
      whatsapp_numbers: [{ phone_number_id: '1065', data_localization_region: 'XX' }],
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; details: { field: string; error: string }[] } };
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.details).toEqual(expect.arrayContaining([
      { field: 'controller.name', error: 'controller.name must not be empty' },
      { field: 'dpo.email', error: 'dpo.email must be an e-mail address' },
      { field: 'purposes.0.legal_basis', error: expect.stringContaining('legal_basis is one of contract, consent') },
      { field: 'purposes.0.retention_days', error: 'retention_days must be a whole number of days, 1 to 3650' },
      { field: 'whatsapp_numbers.0.data_localization_region', error: expect.stringContaining('ISO 3166-1 alpha-2') },
    ]));
    expect((await rt.admin('GET', '/v1/businesses/aer/records')).status).toBe(404);
  });
});

describe('processing locations with transfer reviews', () => {
  it('stores an international organisation and the review fields, keeps old bodies working, and refuses a location naming both or neither', async () => {
    const rt = await runtimes.start();
    await rt.registerBusiness('old-style');
    const old = (await (await rt.admin('GET', '/v1/businesses/old-style')).json()) as { processing_locations: unknown[] };
    expect(old.processing_locations).toEqual([{
      country: 'DE', organisation: null, processor: 'Example Hosting GmbH', role: 'processor', mechanism: 'eea', primary: true,
      tia_date: null, next_review: null, importer_subject_to_gdpr: false,
    }]);
    const locations = [
      { country: 'US', processor: 'CloudCo', role: 'processor', mechanism: 'dpf', primary: true, tia_date: '2025-02-01', next_review: '2026-02-01', importer_subject_to_gdpr: true },
      { country: null, organisation: 'European Patent Organisation', processor: 'EPO', role: 'processor', mechanism: 'adequacy', primary: false },
    ];
    await rt.registerBusiness('acme', { processing_locations: locations });
    const acme = (await (await rt.admin('GET', '/v1/businesses/acme')).json()) as { processing_locations: unknown[] };
    expect(acme.processing_locations).toEqual([
      { ...locations[0], organisation: null },
      { ...locations[1], tia_date: null, next_review: null, importer_subject_to_gdpr: false },
    ]);

    const bad = await rt.admin('PUT', '/v1/businesses/acme', {
      name: 'Acme', sector: 'retail', verified: true, timezone: 'UTC', business_hours: {},
      processing_locations: [
        { country: 'US', organisation: 'European Patent Organisation', processor: 'A', role: 'processor', mechanism: 'dpf', primary: true },
        { country: null, processor: 'B', role: 'processor', mechanism: 'none', primary: false },
        { country: 'US', processor: 'C', role: 'processor', mechanism: 'scc', primary: false, tia_date: '2025-02-30', next_review: '2024-01-01' },
        { country: 'US', processor: 'D', role: 'processor', mechanism: 'scc', primary: false, tia_date: '2025-02-01', next_review: '2024-01-01' },
      ],
    });
    expect(bad.status).toBe(400);
    const fields = ((await bad.json()) as { error: { details: { field: string }[] } }).error.details.map((d) => d.field);
    expect(fields).toEqual(expect.arrayContaining([
      'processing_locations.0.country', 'processing_locations.1.country', 'processing_locations.2.tia_date', 'processing_locations.3.next_review',
    ]));
  });
});
