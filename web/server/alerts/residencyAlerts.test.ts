import { afterEach, describe, expect, it, vi } from 'vitest';
import { ADEQUACY } from '../../../reports/residency/adequacy';
import { TRANSFER_LAW } from '../../../reports/residency/transferLaw';
import { useTestRuntimes, type TestRuntime } from '../testing/testRuntime';
import { startResidencyAlerts } from './residencyAlerts';
import type { LegalLists } from './residencyChanges';
import { startAlertReceiver, type AlertReceiver } from './testing/alertReceiver';

// The residency change alerts through the real app: businesses and events through the API, the
// evaluation run at a fixed clock, the alerts listed by GET /v1/alerts and posted signed by the
// runtime's worker to a receiver on 127.0.0.1.

const NOW = Date.parse('2026-03-10T12:00:00Z');
const SECRET = 'receiver-secret-0123456789';
const runtimes = useTestRuntimes({ now: () => NOW, env: { MIN_COHORT: '1' }, alertDelivery: { pollMs: 20, firstRetryMs: 30, timeoutMs: 2_000 } });
const receivers: AlertReceiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

const DE = { country: 'DE', processor: 'Example Hosting GmbH', role: 'processor', mechanism: 'eea', primary: true };
const US = (mechanism: string) => ({ country: 'US', processor: 'Cloud Mail Inc.', role: 'processor', mechanism, primary: false });

let n = 0;
/** A message of a German customer on 8 March, processed where the event says. */
const received = (business: string, processedIn: string) =>
  ({ id: `r${++n}`, business, type: 'message.received', channel: 'whatsapp', customer: `+4915123${String(n).padStart(6, '0')}`, conversation: `c${n}`, at: '2026-03-08T10:00:00Z', processed_in: processedIn });

async function seed(rt: TestRuntime, business: string, events: unknown[]) {
  const res = await rt.postEvents(await rt.createKey(business), events);
  expect(await res.json()).toMatchObject({ accepted: events.length, rejected: [] });
}

interface ListedAlert {
  business: string;
  kind: string;
  cause: string;
  title: string;
  details: Record<string, unknown>;
  delivery: { state: string };
}

async function listed(rt: TestRuntime): Promise<ListedAlert[]> {
  const res = await rt.admin('GET', '/v1/alerts');
  expect(res.status).toBe(200);
  return ((await res.json()) as { alerts: ListedAlert[] }).alerts;
}

describe('residency change alerts', () => {
  it('fire nothing at a business\'s first evaluation: what was already there is only recorded', async () => {
    const rt = await runtimes.start();
    await rt.registerBusiness('acme', { processing_locations: [DE, US('none')] });
    await seed(rt, 'acme', [received('acme', 'US'), received('acme', 'IN')]);
    expect(await rt.evaluateResidencyAlerts()).toEqual({ businesses: 1, fired: 0 });
    expect(await rt.evaluateResidencyAlerts()).toEqual({ businesses: 1, fired: 0 });
    expect(await listed(rt)).toEqual([]);
  });

  it('fire one alert when a location\'s status worsens, however often they run, and post it signed', async () => {
    const started = Date.now();
    const rt = await runtimes.start({ now: () => NOW + Date.now() - started });
    await rt.registerBusiness('acme', { processing_locations: [DE, US('scc')] });
    const receiver = await startAlertReceiver(SECRET);
    receivers.push(receiver);
    expect((await rt.admin('PUT', '/v1/businesses/acme/alert-endpoint', { url: receiver.url, secret: SECRET })).status).toBe(200);
    await seed(rt, 'acme', [received('acme', 'US'), received('acme', 'DE')]);
    expect(await rt.evaluateResidencyAlerts()).toEqual({ businesses: 1, fired: 0 });

    // The processor's SCCs lapse: the business now declares no mechanism for the US.
    await rt.registerBusiness('acme', { processing_locations: [DE, US('none')] });
    expect(await rt.evaluateResidencyAlerts()).toEqual({ businesses: 1, fired: 1 });
    expect(await rt.evaluateResidencyAlerts()).toEqual({ businesses: 1, fired: 0 });
    const [alert, ...others] = await listed(rt);
    expect(others).toEqual([]);
    expect(alert).toMatchObject({
      kind: 'residency_status_worsened',
      cause: 'residency_status_worsened:US:declared:safeguarded>exposed:2026-03-10',
      title: 'Processing location US worsened from safeguarded to exposed',
      details: { country: 'US', previous_status: 'safeguarded', status: 'exposed', previous_mechanism: 'scc', mechanism: 'none', declared: true },
    });
    await vi.waitFor(async () => expect((await listed(rt))[0]!.delivery.state).toBe('delivered'), { timeout: 5_000, interval: 20 });
    expect(receiver.received.map((r) => r.signatureValid)).toEqual([true]);
    expect(JSON.parse(receiver.received[0]!.body)).toMatchObject({ business: 'acme', kind: 'residency_status_worsened', cause: alert!.cause, details: alert!.details });
    // Codes and statuses only: nothing of a customer.
    expect(receiver.received[0]!.body).not.toMatch(/4915123/);
  });

  it('fire once for a newly observed undeclared location', async () => {
    const rt = await runtimes.start();
    await rt.registerBusiness('acme', { processing_locations: [DE] });
    await seed(rt, 'acme', [received('acme', 'DE')]);
    expect(await rt.evaluateResidencyAlerts()).toEqual({ businesses: 1, fired: 0 });

    await seed(rt, 'acme', [received('acme', 'IN'), received('acme', 'IN')]);
    expect(await rt.evaluateResidencyAlerts()).toEqual({ businesses: 1, fired: 1 });
    expect(await rt.evaluateResidencyAlerts(NOW + 3_600_000)).toEqual({ businesses: 1, fired: 0 });
    expect((await listed(rt)).map(({ kind, cause, details }) => ({ kind, cause, details }))).toEqual([
      { kind: 'residency_undeclared_location', cause: 'residency_undeclared_location:IN', details: { country: 'IN', status: 'exposed' } },
    ]);
  });

  it('fire for a change of the legal list that affects a business\'s location, and not for a business it does not affect', async () => {
    const rt = await runtimes.start();
    await rt.registerBusiness('acme', { processing_locations: [DE, US('dpf')] });
    await rt.registerBusiness('globex', { processing_locations: [DE] });
    let lists: LegalLists = { transferLaw: TRANSFER_LAW, adequacy: ADEQUACY };
    const evaluation = startResidencyAlerts({ ...rt.deps, legalLists: () => lists }, { intervalMs: 3_600_000 });
    try {
      expect(await evaluation.evaluateNow()).toEqual({ businesses: 2, fired: 0 });
      // The Court of Justice decides the DPF appeal: the entry that applies to `dpf` changes, with the list's version.
      const dpf = TRANSFER_LAW.entries.find((e) => e.applies_to === 'mechanism:dpf')!;
      lists = {
        ...lists,
        transferLaw: {
          ...TRANSFER_LAW, version: TRANSFER_LAW.version + 1,
          entries: TRANSFER_LAW.entries.map((e) => (e === dpf ? { ...e, status: 'decided', date: '2027-01-15' } : e)),
        },
      };
      expect(await evaluation.evaluateNow()).toEqual({ businesses: 2, fired: 1 });
      expect(await evaluation.evaluateNow()).toEqual({ businesses: 2, fired: 0 });
      expect((await listed(rt)).map(({ business, kind, cause, details }) => ({ business, kind, cause, details }))).toEqual([{
        business: 'acme', kind: 'residency_law_changed',
        cause: `residency_law_changed:transfer_law_${TRANSFER_LAW.version + 1}:adequacy_${ADEQUACY.version}`,
        details: {
          transfer_law_version: TRANSFER_LAW.version + 1, previous_transfer_law_version: TRANSFER_LAW.version,
          adequacy_version: ADEQUACY.version, previous_adequacy_version: ADEQUACY.version,
          entries: `transfer_law:${dpf.id}`, changed_entries: 1,
        },
      }]);
    } finally {
      await evaluation.stop();
    }
  });
});
