import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsvExport, pdfText, squash, utf8 } from '../../../../reports/testing/exportFiles';
import { startTestRuntime, TEST_ADMIN_TOKEN, type TestRuntime } from '../../testing/testRuntime';

// The residency report's transfer reviews, through the real app, with the app's clock fixed:
// "today" is 2026-11-10 (UTC) a little after midnight UTC, when it is still the 9th west of UTC.
const NOW = Date.parse('2026-11-10T00:30:00Z');
const Q = 'from=2026-11-01&to=2026-11-09';

interface Location {
  country: string | null; organisation: string | null; processor: string; status: string; eea_customers: number | null;
  tia_date: string | null; next_review: string | null; review_overdue: boolean;
  legal_notes: { id: string; status: string; text: string; date: string; source: string; fallback: string }[];
}
interface Reply { transfer_law_version: number; transfer_law_as_of: string; businesses: { business: string; locations: Location[] }[] }

let rt: TestRuntime;
const get = (path: string) => Promise.resolve(rt.app.request(path, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } }));
const locationOf = (reply: Reply, processor: string) => reply.businesses[0]!.locations.find((l) => l.processor === processor)!;

beforeAll(async () => {
  rt = await startTestRuntime({ now: () => NOW, env: { MIN_COHORT: '1' } });
  await rt.registerBusiness('acme', {
    processing_locations: [
      { country: 'DE', processor: 'Host GmbH', role: 'processor', mechanism: 'eea', primary: true, tia_date: null, next_review: '2026-11-10' },
      { country: 'US', processor: 'CloudCo Inc.', role: 'processor', mechanism: 'dpf', primary: false, tia_date: '2025-11-01', next_review: '2026-11-09' },
      { country: 'IN', processor: 'Support Pvt Ltd', role: 'processor', mechanism: 'scc', primary: false, tia_date: '2026-05-01', next_review: '2026-11-11', importer_subject_to_gdpr: true },
      { country: null, organisation: 'European Patent Organisation', processor: 'EPO', role: 'processor', mechanism: 'adequacy', primary: false },
      { country: null, organisation: 'Some Treaty Body', processor: 'STB', role: 'processor', mechanism: 'none', primary: false },
    ],
  });
  const key = await rt.createKey('acme');
  // A French customer's message processed in the US: the EEA customer counts there, nowhere else.
  const res = await rt.postEvents(key, [{ id: 'e1', business: 'acme', type: 'message.received', channel: 'whatsapp', customer: '+33612345678', conversation: 'c1', at: '2026-11-03T10:00:00Z', processed_in: 'US' }]);
  expect(res.status).toBe(200);
});
afterAll(async () => rt.stop());

describe('transfer reviews in the residency report', () => {
  it('flags a review date before today (UTC) as overdue, and not today\'s or tomorrow\'s', async () => {
    const reply = (await (await get(`/v1/reports/residency?${Q}`)).json()) as Reply;
    expect(locationOf(reply, 'CloudCo Inc.')).toMatchObject({ tia_date: '2025-11-01', next_review: '2026-11-09', review_overdue: true });
    expect(locationOf(reply, 'Support Pvt Ltd')).toMatchObject({ next_review: '2026-11-11', review_overdue: false });
    expect(locationOf(reply, 'Host GmbH')).toMatchObject({ next_review: '2026-11-10', review_overdue: false });
    expect(locationOf(reply, 'EPO')).toMatchObject({ tia_date: null, next_review: null, review_overdue: false });
  });

  it('gives a DPF location the appeal note with its source and date, and an Art. 3(2) importer the gap note', async () => {
    const reply = (await (await get(`/v1/reports/residency?${Q}`)).json()) as Reply;
    expect(reply).toMatchObject({ transfer_law_version: 1, transfer_law_as_of: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
    const [dpf] = locationOf(reply, 'CloudCo Inc.').legal_notes;
    expect(dpf).toMatchObject({ status: 'under_appeal', date: '2025-10-31', source: 'https://curia.europa.eu/juris/liste.jsf?num=C-703/25' });
    expect(dpf!.text).toContain('C-703/25 P');
    expect(dpf!.text).toContain('T-553/23');
    expect(dpf!.fallback).toMatch(/SCC/);
    const importer = locationOf(reply, 'Support Pvt Ltd').legal_notes;
    expect(importer).toHaveLength(1);
    expect(importer[0]!.text).toContain('Art. 3(2)');
    expect(locationOf(reply, 'Host GmbH').legal_notes).toEqual([]);
  });

  it('takes an organisation\'s status from the adequacy list\'s organisation entries and never counts customers there', async () => {
    const reply = (await (await get(`/v1/reports/residency?${Q}`)).json()) as Reply;
    expect(locationOf(reply, 'EPO')).toMatchObject({ country: null, organisation: 'European Patent Organisation', status: 'ok', eea_customers: 0 });
    expect(locationOf(reply, 'STB')).toMatchObject({ country: null, organisation: 'Some Treaty Body', status: 'exposed', eea_customers: 0 });
    expect(locationOf(reply, 'CloudCo Inc.')).toMatchObject({ status: 'ok', eea_customers: 1 });
  });

  it('shows the review fields and legal notes in the CSV and the PDF', async () => {
    const csv = parseCsvExport(utf8(new Uint8Array(await (await get(`/v1/exports/residency.csv?${Q}`)).arrayBuffer())));
    expect(csv.meta).toMatchObject({ transfer_law_version: '1' });
    const us = csv.rows.find((r) => r.processor === 'CloudCo Inc.')!;
    expect(us).toMatchObject({ tia_date: '2025-11-01', next_review: '2026-11-09', review_overdue: 'true' });
    expect(us.legal_notes).toContain('C-703/25 P');
    expect(us.legal_notes).toContain('https://curia.europa.eu/juris/liste.jsf?num=C-703/25');
    expect(csv.rows.find((r) => r.processor === 'EPO')).toMatchObject({ country: '', organisation: 'European Patent Organisation' });

    const text = squash(pdfText(new Uint8Array(await (await get(`/v1/exports/residency.pdf?${Q}`)).arrayBuffer())));
    expect(text).toContain(squash('US CloudCo Inc. 2025-11-01 2026-11-09 REVIEW OVERDUE'));
    expect(text).toContain(squash('IN Support Pvt Ltd 2026-05-01 2026-11-11 due'));
    expect(text.match(/REVIEWOVERDUE/g)).toHaveLength(1);
    expect(text).toContain(squash('Legal note on US (CloudCo Inc.)'));
    expect(text).toContain(squash('https://curia.europa.eu/juris/liste.jsf?num=C-703/25'));
    expect(text).toContain(squash('under_appeal, 2025-10-31'));
    // The organisation's name wraps in its narrow cell, around the rest of its row.
    expect(text).toMatch(/European(Patent)?(Organisation)?EPOprocessoradequacyyesok0(Patent)?Organisation/);
  });
});
