import { describe, expect, it } from 'vitest';
import { useTestRuntimes } from '../../testing/testRuntime';
import { MAX_WAITING_PDFS, pdfsInFlight, renderPdf } from '../../../../reports/exports/pdf';
import { ReportsBusyError } from '../../../../reports/reportsBusy';
import { renderPdfHere } from '../../../../reports/exports/pdf/pdfDocument';
import { exportMeta } from '../../../../reports/exports/exportKinds';
import type { BusinessReport } from '../../../../reports/reports';
import { pdfText } from '../../../../reports/testing/exportFiles';

// PDFs are laid out on a worker thread (reports/exports/pdf.ts): while a 731-day business PDF
// renders, the event loop answers other requests.
const NOW = Date.parse('2026-11-20T12:00:00Z');
const runtimes = useTestRuntimes({ now: () => NOW });
const LONGEST = 'from=2024-11-19&to=2026-11-19&granularity=day';

async function businessWithEvents() {
  const rt = await runtimes.start();
  await rt.registerBusiness('acme');
  const key = await rt.createKey('acme');
  const events = Array.from({ length: 50 }, (_, i) => ({
    id: `e${i}`, business: 'acme', type: 'message.received', channel: 'whatsapp', customer: `+49151230000${String(i).padStart(2, '0')}`,
    conversation: `c${i}`, at: new Date(NOW - (i + 1) * 3_600_000).toISOString(),
  }));
  expect((await rt.postEvents(key, events)).status).toBe(200);
  return rt;
}

describe('PDF rendering off the main thread', () => {
  it('answers /v1/health while a 731-day business PDF is being rendered', async () => {
    const rt = await businessWithEvents();
    const order: string[] = [];
    const pdf = rt.admin('GET', `/v1/exports/business/acme.pdf?${LONGEST}`).then((res) => {
      order.push('pdf');
      return res;
    });
    // Wait for the render itself (after the report's queries); these timers only fire while the loop is free.
    for (let i = 0; i < 3000 && pdfsInFlight() === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(pdfsInFlight()).toBe(1);
    const health = await rt.app.request('/v1/health');
    order.push('health');
    expect(health.status).toBe(200);
    // Health was answered while the PDF was still being rendered.
    expect(pdfsInFlight()).toBe(1);
    const res = await pdf;
    expect(order).toEqual(['health', 'pdf']);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([bytes.subarray(0, 5).toString('latin1'), bytes.subarray(-6).toString('latin1').trim()]).toEqual(['%PDF-', '%%EOF']);
    expect(pdfsInFlight()).toBe(0);
  });

  it('lays out the same document on the thread as on the main thread', async () => {
    const rt = await businessWithEvents();
    const query = 'from=2026-10-20&to=2026-11-19&granularity=day';
    const report = (await (await rt.admin('GET', `/v1/reports/businesses/acme?${query}`)).json()) as BusinessReport;
    const meta = exportMeta(NOW);
    const threaded = await (await rt.admin('GET', `/v1/exports/business/acme.pdf?${query}`)).arrayBuffer();
    const here = await renderPdfHere({ kind: 'business', report }, meta);
    expect(pdfText(new Uint8Array(threaded))).toBe(pdfText(here));
  });

  it(`refuses a PDF beyond the one rendering and ${MAX_WAITING_PDFS} waiting with ReportsBusyError (503 reports_busy)`, async () => {
    const rt = await businessWithEvents();
    const report = (await (await rt.admin('GET', '/v1/reports/businesses/acme?from=2026-11-13&to=2026-11-19')).json()) as BusinessReport;
    const renders = Array.from({ length: MAX_WAITING_PDFS + 2 }, () =>
      renderPdf({ kind: 'business', report }, exportMeta(NOW)).then(() => 'rendered', (error) => (error instanceof ReportsBusyError ? 'busy' : String(error))));
    expect(await Promise.all(renders)).toEqual([...Array.from({ length: MAX_WAITING_PDFS + 1 }, () => 'rendered'), 'busy']);
  });
});
