import { createHash } from 'node:crypto';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../testing/testRuntime';
import { pdfText, squash, utf8 } from '../../../../reports/testing/exportFiles';
import { ProcessingRecordDocument } from '../../../../reports/records/recordSchema';
import { RECORD_SECTIONS } from '../../../../reports/exports/pdf/recordsPdf';
import { PSEUDONYMISATION_REFERENCES } from '../../../../reports/records/pseudonymisationStatement';
import type { Manifest } from '../../../../reports/records/evidenceZip';
import type { z } from '@hono/zod-openapi';
import { RECORDS } from '../../testing/processingRecordsFixture';

// One business through the real app: a declared location its events were processed in (DE), one
// declared but unused in the period (US, DPF, review date passed), an international organisation,
// and events processed in a country nobody declared (IN). Its records are declared through the API.
const DAY = 86_400_000;
const today = Math.floor(Date.now() / DAY) * DAY;
const iso = (ms: number) => new Date(ms).toISOString();
const FROM = iso(today - 10 * DAY).slice(0, 10);
const TO = iso(today - DAY).slice(0, 10);
const Q = `from=${FROM}&to=${TO}`;
const BUSINESS = 'aer-skyways';
const YESTERDAY = iso(today - DAY).slice(0, 10);


let rt: TestRuntime;
type RecordJson = z.infer<typeof ProcessingRecordDocument>;
interface AuditEntry { action: string; target: string | null; filters: Record<string, unknown>; sha256: string | null; row_count: number | null }

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function signIn(email: string, role: string, businesses?: string[]): Promise<Record<string, string>> {
  const password = `${role}-password-123`;
  expect((await rt.admin('POST', '/v1/users', { email, password, role, ...(businesses ? { businesses } : {}) })).status).toBe(201);
  const res = await rt.app.request('/v1/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  expect(res.status).toBe(200);
  return { cookie: res.headers.get('set-cookie')!.split(';')[0]! };
}

const get = async (path: string, headers?: Record<string, string>) =>
  headers ? rt.app.request(path, { headers }) : rt.admin('GET', path);

async function download(path: string, headers?: Record<string, string>): Promise<Uint8Array> {
  const res = await get(path, headers);
  expect(res.status, `${path}: ${res.status}`).toBe(200);
  return new Uint8Array(await res.arrayBuffer());
}

async function auditEntries(action: string): Promise<AuditEntry[]> {
  return ((await (await rt.admin('GET', `/v1/audit?limit=1000&action=${action}`)).json()) as { entries: AuditEntry[] }).entries;
}

function events(country: string, first: number, count: number) {
  return Array.from({ length: count }, (_, i) => ({
    id: `${country}-${first + i}`, business: BUSINESS, type: 'message.received', channel: 'whatsapp',
    customer: `+3531${String(first + i).padStart(7, '0')}`, at: iso(today - 3 * DAY + i * 60_000), conversation: `c-${country}-${i}`,
    message: `m-${country}-${i}`, processed_in: country,
  }));
}

beforeAll(async () => {
  rt = await startTestRuntime();
  await rt.registerBusiness(BUSINESS, {
    processing_locations: [
      { country: 'DE', processor: 'Example Hosting GmbH', role: 'processor', mechanism: 'eea', primary: true },
      { country: 'US', processor: 'Cloud Analytics Inc', role: 'processor', mechanism: 'dpf', primary: false, tia_date: '2025-03-01', next_review: YESTERDAY },
      { country: null, organisation: 'European Patent Organisation', processor: 'EPO', role: 'processor', mechanism: 'adequacy', primary: false },
    ],
  });
  await rt.registerBusiness('other-shop');
  expect((await rt.admin('PUT', `/v1/businesses/${BUSINESS}/records`, RECORDS)).status).toBeLessThan(300);
  const res = await rt.postEvents(await rt.createKey(BUSINESS), [...events('DE', 0, 12), ...events('IN', 100, 3)]);
  expect(((await res.json()) as { rejected: unknown[] }).rejected).toEqual([]);
}, 60_000);

afterAll(async () => {
  await rt.stop();
});

describe('the Article 30 record', () => {
  let record: RecordJson;
  let bytes: Uint8Array;
  beforeAll(async () => {
    bytes = await download(`/v1/exports/records/${BUSINESS}.json?${Q}`);
    record = JSON.parse(utf8(bytes)) as RecordJson;
  });

  it('JSON: validates against its OpenAPI schema and holds the declared records', () => {
    const parsed = ProcessingRecordDocument.safeParse(record);
    expect(parsed.error?.issues ?? []).toEqual([]);
    expect(record).toMatchObject({ report: 'records', business: BUSINESS, from: FROM, to: TO, records_declared: true, controller: RECORDS.controller, dpo: RECORDS.dpo });
    expect(record.purposes.map((p) => [p.id, p.legal_basis, p.retention_days])).toEqual([['customer_care', 'contract', 365], ['marketing', 'consent', 180]]);
    expect(record.retention.product_retention_days).toBe(400);
    expect(record.whatsapp_local_storage.numbers).toEqual(RECORDS.whatsapp_numbers);
    expect(record.whatsapp_local_storage.caveat).toMatch(/60 minutes.*90 minutes for the Marketing Messages API/);
  });

  it('marks declared and observed locations side by side', () => {
    const observation = Object.fromEntries(record.processing_locations.map((l) => [l.country ?? l.organisation, [l.declared, l.observation]]));
    expect(observation).toEqual({
      DE: [true, 'declared_and_seen'],
      US: [true, 'declared_not_seen'],
      IN: [false, 'seen_not_declared'],
      'European Patent Organisation': [true, 'not_observable'],
    });
  });

  it('lists the transfers with mechanism, safeguards, the review overdue and the DPF legal note', () => {
    const us = record.transfers.find((t) => t.country === 'US')!;
    expect(us).toMatchObject({ mechanism: 'dpf', tia_date: '2025-03-01', next_review: YESTERDAY, review_overdue: true });
    expect(us.safeguards).toContain('(EU) 2023/1795');
    expect(us.legal_notes.some((n) => n.text.includes('C-703/25 P') && n.source.startsWith('https://'))).toBe(true);
    expect(record.transfers.map((t) => t.country ?? t.organisation).sort()).toEqual(['European Patent Organisation', 'IN', 'US']);
    expect(record.transfers.some((t) => t.country === 'DE')).toBe(false);
  });

  it('states the product\'s pseudonymisation with its legal references', () => {
    expect(record.pseudonymisation.sections.map((s) => s.heading)).toContain('Who holds the key');
    // The test runtime reads PSEUDONYM_KEY from its environment.
    expect(record.pseudonymisation.sections.find((s) => s.heading === 'Who holds the key')!.text).toContain('PSEUDONYM_KEY in its environment');
    expect(record.pseudonymisation.references.map((r) => [r.date, r.source])).toEqual(PSEUDONYMISATION_REFERENCES.map((r) => [r.date, r.source]));
  });

  it('is audited with its SHA-256', async () => {
    const [entry] = await auditEntries('export.records.json');
    expect(entry).toMatchObject({ action: 'export.records.json', target: BUSINESS, filters: { business: BUSINESS, from: FROM, to: TO }, sha256: sha256(bytes) });
  });

  it('PDF: reads back with every section, the observations and the references', async () => {
    const pdf = await download(`/v1/exports/records/${BUSINESS}.pdf?${Q}`);
    const text = pdfText(pdf);
    for (const section of RECORD_SECTIONS) expect(text, section).toContain(section);
    for (const observation of ['declared_and_seen', 'declared_not_seen', 'seen_not_declared', 'not_observable']) expect(text).toContain(observation);
    expect(text).toContain('REVIEW OVERDUE');
    expect(text).toContain('Aer Skyways DAC');
    expect(squash(text)).toContain(squash('CJEU, Case C-413/23 P, EDPS v SRB'));
    expect(text).toContain('EDPB Guidelines 01/2025 on pseudonymisation');
    const [entry] = await auditEntries('export.records.pdf');
    expect(entry).toMatchObject({ target: BUSINESS, sha256: sha256(pdf) });
  });

  it('the residency PDF carries the same pseudonymisation statement', async () => {
    const text = pdfText(await download(`/v1/exports/residency.pdf?${Q}`));
    expect(text).toContain('Pseudonymisation statement');
    expect(text).toContain('What cannot be re-identified without the key');
    expect(text).toContain('EDPB Guidelines 01/2025 on pseudonymisation');
  });

  it('needs the dpo role, a period, and answers 404 for a business outside the scope as for an unknown one', async () => {
    const marketing = await signIn('mia@example.com', 'marketing');
    expect((await get(`/v1/exports/records/${BUSINESS}.json?${Q}`, marketing)).status).toBe(403);
    expect((await get(`/v1/exports/evidence/${BUSINESS}.zip?${Q}`, marketing)).status).toBe(403);
    expect((await get(`/v1/exports/records/${BUSINESS}.json`)).status).toBe(400);
    const scoped = await signIn('dana@example.com', 'dpo', ['other-shop']);
    const hidden = await get(`/v1/exports/records/${BUSINESS}.json?${Q}`, scoped);
    const unknown = await get(`/v1/exports/records/nobody.json?${Q}`, scoped);
    expect(hidden.status).toBe(404);
    expect(await hidden.text()).toBe((await unknown.text()).replace('nobody', BUSINESS));
    expect((await get(`/v1/exports/evidence/${BUSINESS}.zip?${Q}`, scoped)).status).toBe(404);
    expect((await get(`/v1/exports/records/other-shop.json?${Q}`, scoped)).status).toBe(200);
  });
});

describe('the evidence pack', () => {
  let files: Record<string, Uint8Array>;
  let manifest: Manifest;
  let zip: Uint8Array;
  beforeAll(async () => {
    const dpo = await signIn('dora@example.com', 'dpo');
    zip = await download(`/v1/exports/evidence/${BUSINESS}.zip?${Q}`, dpo);
    files = unzipSync(zip);
    manifest = JSON.parse(utf8(files['manifest.json']!)) as Manifest;
  });

  it('holds the residency report, the record, the audit log and a manifest hashing every file', () => {
    expect(Object.keys(files).sort()).toEqual([
      'audit-log.json', 'manifest.json', `records_${BUSINESS}_${FROM}_${TO}.json`, `records_${BUSINESS}_${FROM}_${TO}.pdf`,
      `residency_${FROM}_${TO}.json`, `residency_${FROM}_${TO}.pdf`,
    ]);
    expect(manifest).toMatchObject({ pack: 'evidence', business: BUSINESS, from: FROM, to: TO, adequacy_as_of: expect.any(String), transfer_law_as_of: expect.any(String) });
    expect(manifest.files.map((f) => f.name).sort()).toEqual(Object.keys(files).filter((n) => n !== 'manifest.json').sort());
    for (const f of manifest.files) expect({ name: f.name, sha256: f.sha256, size: f.size }).toEqual({ name: f.name, sha256: sha256(files[f.name]!), size: files[f.name]!.byteLength });
    const residency = JSON.parse(utf8(files[`residency_${FROM}_${TO}.json`]!)) as { businesses: { business: string }[] };
    expect(residency.businesses.map((b) => b.business)).toEqual([BUSINESS]);
  });

  it('each export in it is in the audit log with the same SHA-256, in the pack\'s audit log too, and the pack itself is audited', async () => {
    const exportsInPack = manifest.files.filter((f) => f.audit_action !== null);
    expect(exportsInPack.map((f) => f.audit_action).sort()).toEqual(['export.records.json', 'export.records.pdf', 'export.residency.json', 'export.residency.pdf']);
    const logged = await auditEntries('export.');
    const packLog = JSON.parse(utf8(files['audit-log.json']!)) as { entries: AuditEntry[] };
    for (const f of exportsInPack) {
      expect(logged.some((e) => e.action === f.audit_action && e.sha256 === f.sha256 && e.target === BUSINESS), f.name).toBe(true);
      expect(packLog.entries.some((e) => e.action === f.audit_action && e.sha256 === f.sha256), f.name).toBe(true);
    }
    expect(logged.find((e) => e.action === 'export.evidence.zip')).toMatchObject({ target: BUSINESS, sha256: sha256(zip), filters: { business: BUSINESS, from: FROM, to: TO } });
  });
});
