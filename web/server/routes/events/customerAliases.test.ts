import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTestRuntimes, type TestRuntime } from '../../testing/testRuntime';

// POST /v1/events with customer_aliases: one person under a phone number and a WhatsApp
// business-scoped user id, read back through the report API, in any arrival order.

const NOW = Date.parse('2026-11-20T12:00:00Z');
const Q = 'from=2026-11-16&to=2026-11-19';
const runtimes = useTestRuntimes({ now: () => NOW, env: { MIN_COHORT: '1' } });

let n = 0;
const event = (type: string, customer: string, conversation: string | undefined, at: string, extra: Record<string, unknown> = {}) => ({
  id: `e${++n}`, business: 'acme', type, channel: 'whatsapp', customer, ...(conversation ? { conversation } : {}), at, ...extra,
});

const PHONE = '+39 333 123 4567';
const BSUID = 'IT.q8Zt5Yv2Lm';
const BR_ONLY = 'BR.77aa88bb99';

/** Ana (IT) first with phone and BSUID, then BSUID only; a BSUID-only Brazilian; a reply to each. */
function story(): Record<string, unknown>[] {
  n = 0;
  return [
    event('message.received', PHONE, 't1', '2026-11-16T09:00:00Z', { customer_aliases: [BSUID] }),
    event('message.sent', BSUID, 't1', '2026-11-16T09:04:00Z', { sender: 'agent', category: 'service', message: 'w1' }),
    event('message.received', BSUID, 't1', '2026-11-16T10:00:00Z'),
    event('customer.blocked', BSUID, undefined, '2026-11-17T10:00:00Z'),
    event('message.received', BR_ONLY, 't2', '2026-11-16T11:00:00Z'),
    event('message.sent', BR_ONLY, 't2', '2026-11-16T11:10:00Z', { sender: 'agent', category: 'service', message: 'w2' }),
  ];
}

async function figures(rt: TestRuntime) {
  const business = (await (await rt.admin('GET', `/v1/reports/businesses/acme?${Q}&granularity=week`)).json()) as { totals: Record<string, unknown> };
  const residency = (await (await rt.admin('GET', `/v1/reports/residency?${Q}`)).json()) as { businesses: { customers_by_class: Record<string, number> }[] };
  return { totals: business.totals, classes: residency.businesses[0]!.customers_by_class };
}

async function ingest(events: Record<string, unknown>[], batches: number[][]) {
  const rt = await runtimes.start();
  await rt.registerBusiness('acme');
  const key = await rt.createKey('acme');
  for (const batch of batches) {
    const res = await rt.postEvents(key, batch.map((i) => events[i]!));
    expect(res.status).toBe(200);
  }
  return rt;
}

describe('customer_aliases: one person across a phone number and a BSUID', () => {
  it('counts the person once, with the phone\'s region, in every figure', async () => {
    const events = story();
    const rt = await ingest(events, [events.map((_, i) => i)]);
    const { totals, classes } = await figures(rt);
    // Ana (IT, eea) once, the Brazilian (BR, adequate since 2026-01-26) from the BSUID prefix.
    expect(classes).toEqual({ eea: 1, adequate: 1, third: 0, unknown: 0 });
    // Two customers were sent a message; Ana, blocking under her BSUID, is one of them.
    expect(totals).toMatchObject({ conversations: 2, customer_initiated: 2, response_rate_24h: 1, block_rate: 0.5 });
  });

  it('gives the same figures when the BSUID-only events arrive first, one request each', async () => {
    const events = story();
    const inOrder = await figures(await ingest(events, [events.map((_, i) => i)]));
    const reversed = await figures(await ingest(events, [...events.keys()].reverse().map((i) => [i])));
    expect(reversed).toEqual(inOrder);
  });

  it('gives the same figures when the BSUID-only events come after a restart (the links read back from the database)', async () => {
    const events = story();
    const inOrder = await figures(await ingest(events, [events.map((_, i) => i)]));
    const dir = mkdtempSync(join(tmpdir(), 'mpa-aliases-'));
    try {
      const first = await runtimes.start({ dir });
      runtimes.release(first);
      await first.registerBusiness('acme');
      expect((await first.postEvents(await first.createKey('acme'), [events[0]!])).status).toBe(200);
      await first.close();
      // A new process: nothing cached; the phone-BSUID link is read back before any resolution.
      const second = await runtimes.start({ dir });
      runtimes.release(second);
      try {
        expect((await second.postEvents(await second.createKey('acme'), events.slice(1))).status).toBe(200);
        expect(await figures(second)).toEqual(inOrder);
        expect(second.logs.join('')).toMatch(/"records":2,.*"msg":"stored identifiers read"/);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses malformed aliases with a clear error, storing the valid events', async () => {
    const rt = await ingest([], []);
    const key = await rt.createKey('acme');
    const res = await rt.postEvents(key, [
      event('message.received', PHONE, 't9', '2026-11-16T09:00:00Z', { customer_aliases: 'IT.q8Zt5Yv2Lm' }),
      event('message.received', PHONE, 't9', '2026-11-16T09:00:00Z', { customer_aliases: ['a', 'b', 'c', 'd', 'e'] }),
      event('message.received', PHONE, 't9', '2026-11-16T09:01:00Z', { customer_aliases: [BSUID] }),
    ]);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { accepted: number; rejected: { index: number; field: string; error: string }[] };
    expect(body.accepted).toBe(1);
    expect(body.rejected).toEqual([
      { index: 0, field: 'customer_aliases', error: 'customer_aliases must be an array of strings' },
      { index: 1, field: 'customer_aliases', error: 'customer_aliases must have at most 4 entries' },
    ]);
    expect(JSON.stringify(body)).not.toContain('IT.q8');
  });
});
