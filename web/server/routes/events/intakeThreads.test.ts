import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../../../db/duckdb';
import { startTestRuntime, type TestRuntime } from '../../testing/testRuntime';

// One clock for both runtimes: the replies and the stored rows depend on the time received.
const NOW = Date.parse('2026-11-20T12:00:00Z');
const iso = (minutesAgo: number) => new Date(NOW - minutesAgo * 60_000).toISOString();

const received = (i: number, overrides: Record<string, unknown> = {}) => ({
  id: `evt-${i}`, business: 'acme', type: 'message.received', channel: 'whatsapp',
  customer: `+4915123${String(i).padStart(6, '0')}`, conversation: `conv-${i % 7}`, at: iso(60), ...overrides,
});

/** Valid, invalid, duplicate, out-of-scope, unregistered, too new, too old, aliases: one of each and more. */
const mixedBatch = [
  received(1),
  received(2, { type: 'message.sent', sender: 'agent', category: 'utility', template: 'order_update', campaign: 'spring_sale-2026-03', message: 'm-2' }),
  received(3, { type: 'nope' }),
  received(4, { text: 'hello there' }),
  received(1),
  received(5, { business: 'globex' }),
  received(6, { business: 'initech' }),
  received(7, { at: iso(-30) }),
  received(8, { at: iso(60 * 24 * 500) }),
  received(9, { customer_aliases: ['BR.8091abc', '+4915123000009'], customer_country: 'DE' }),
  'not an object',
  received(10, { type: 'message.failed', message: 'm-10', error_code: 131_026, sent_at: iso(59) }),
  { id: 'evt-11' },
  received(12, { channel: 'sms', customer: '0044 1481 256 789' }),
];

interface Exchange {
  contentType: string;
  body: string;
}

const json = (events: unknown[]): Exchange => ({ contentType: 'application/json', body: JSON.stringify({ events }) });

/** Requests in order: the mixed batch, again (duplicates), NDJSON with a broken line, and whole-body refusals. */
const exchanges: Exchange[] = [
  json(mixedBatch),
  json(mixedBatch),
  { contentType: 'application/x-ndjson', body: `${JSON.stringify(received(20))}\n{"id": "broken\n${JSON.stringify(received(21, { business: 'globex' }))}\n` },
  json([received(30, { business: 'globex' }), received(31, { business: 'initech' })]),
  json([received(32, { type: 'nope' }), received(1)].slice(0, 1)),
  json([]),
  { contentType: 'application/json', body: '{"events": [' },
  { contentType: 'application/json', body: '[1, 2]' },
  { contentType: 'text/plain', body: 'hello' },
  { contentType: 'application/x-ndjson', body: 'nope\nnot json either\n' },
];

async function replies(rt: TestRuntime, key: string): Promise<{ status: number; body: string }[]> {
  const answers = [];
  for (const exchange of exchanges) {
    const res = await rt.app.request('/v1/events', {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': exchange.contentType },
      body: exchange.body,
    });
    answers.push({ status: res.status, body: await res.text() });
  }
  return answers;
}

const stored = (rt: TestRuntime) => queryRows(rt.deps.store.connection, 'SELECT * FROM events ORDER BY event_id');

describe('INTAKE_THREADS: the reply with intake threads equals the reply without', () => {
  const runtimes: Record<'main' | 'threads', TestRuntime> = {} as never;
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    for (const [name, threads] of [['main', '0'], ['threads', '2']] as const) {
      const rt = await startTestRuntime({ env: { INTAKE_THREADS: threads, RETENTION_DAYS: '400' }, now: () => NOW });
      await rt.registerBusiness('acme');
      await rt.registerBusiness('globex');
      runtimes[name] = rt;
      keys[name] = await rt.createKey('acme');
    }
  });
  afterAll(async () => {
    await Promise.all(Object.values(runtimes).map((rt) => rt.stop()));
  });

  it('runs the intake on threads only when asked', () => {
    expect(runtimes.main.deps.intakeThreads).toBeUndefined();
    expect(runtimes.threads.deps.intakeThreads?.size).toBe(2);
  });

  it('answers every request byte for byte alike, and stores the same rows', async () => {
    const onMain = await replies(runtimes.main, keys.main!);
    const onThreads = await replies(runtimes.threads, keys.threads!);
    expect(onThreads).toEqual(onMain);
    // The batch holds every kind of outcome, so the comparison covers them all.
    const first = JSON.parse(onMain[0]!.body) as { accepted: number; duplicates: number; rejected: unknown[] };
    expect(first.accepted).toBeGreaterThan(0);
    expect(first.duplicates).toBeGreaterThan(0);
    expect(first.rejected.length).toBeGreaterThan(5);
    expect(onMain.map((r) => r.status)).toEqual([200, 200, 200, 403, 422, 400, 400, 400, 415, 400]);
    const rows = await stored(runtimes.main);
    expect(rows.length).toBe(first.accepted + 1);
    expect(await stored(runtimes.threads)).toEqual(rows);
  });
});
