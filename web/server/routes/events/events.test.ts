import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queryRows } from '../../../../db/duckdb';
import { startTestRuntime, type TestRuntime } from '../../testing/testRuntime';

const MINUTE = 60_000;
let rt: TestRuntime;
let key: string;

const iso = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();

function received(i: number, overrides: Record<string, unknown> = {}) {
  return {
    id: `evt-${i}`,
    business: 'acme',
    type: 'message.received',
    channel: 'whatsapp',
    customer: `+4915123${String(i % 100000).padStart(6, '0')}`,
    conversation: `conv-${i}`,
    at: iso(60 * MINUTE),
    ...overrides,
  };
}

async function storedCount(business = 'acme'): Promise<number> {
  const [row] = await queryRows<{ n: number }>(rt.deps.store.connection, 'SELECT count(*)::INTEGER AS n FROM events WHERE business = $1', [business]);
  return row!.n;
}

async function json(res: Response) {
  return (await res.json()) as { accepted: number; duplicates: number; rejected: { index: number; field: string | null; error: string }[]; error?: { code: string; message: string } };
}

beforeEach(async () => {
  rt = await startTestRuntime();
  await rt.registerBusiness('acme');
  await rt.registerBusiness('globex');
  key = await rt.createKey('acme');
});
afterEach(async () => rt.stop());

describe('POST /v1/events: acceptance and idempotency', () => {
  it('accepts a batch of 10,000 valid events and stores each exactly once, also when re-sent and sent twice concurrently', async () => {
    const batch = Array.from({ length: 10_000 }, (_, i) => received(i));
    const first = await json(await rt.postEvents(key, batch));
    expect(first).toEqual({ accepted: 10_000, duplicates: 0, rejected: [] });

    const again = await json(await rt.postEvents(key, batch));
    expect(again).toEqual({ accepted: 0, duplicates: 10_000, rejected: [] });

    const [a, b] = await Promise.all([rt.postEvents(key, batch), rt.postEvents(key, batch)]);
    const replies = [await json(a), await json(b)];
    expect(replies.map((r) => r.duplicates)).toEqual([10_000, 10_000]);
    expect(await storedCount()).toBe(10_000);
  });

  it('stores a new batch sent twice at the same moment once, counting the second copy as duplicates', async () => {
    const batch = Array.from({ length: 2_000 }, (_, i) => received(i));
    const replies = await Promise.all([rt.postEvents(key, batch), rt.postEvents(key, batch)].map(async (r) => json(await r)));
    expect(replies.map((r) => r.accepted).sort()).toEqual([0, 2_000]);
    expect(replies.reduce((sum, r) => sum + r.accepted + r.duplicates, 0)).toBe(4_000);
    expect(await storedCount()).toBe(2_000);
  });

  it('treats the same id of two different businesses as two events', async () => {
    const both = await rt.createKey('acme', ['globex']);
    const reply = await json(await rt.postEvents(both, [received(1), received(1, { business: 'globex' })]));
    expect(reply.accepted).toBe(2);
  });

  it('takes NDJSON, one event a line, rejecting only a truncated line', async () => {
    const lines = [received(1), received(2)].map((e) => JSON.stringify(e)).join('\n') + '\n{"id":"evt-3","busin';
    const res = await rt.app.request('/v1/events', {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' },
      body: lines,
    });
    const reply = await json(res);
    expect(res.status).toBe(200);
    expect(reply.accepted).toBe(2);
    expect(reply.rejected).toEqual([{ index: 2, field: null, error: 'this line is not valid JSON' }]);
  });
});

describe('POST /v1/events: per-event validation', () => {
  it('stores every valid event of a mixed batch and lists each invalid one with its index and field', async () => {
    const other = await rt.createKey('globex');
    void other;
    const batch = [
      received(0),
      received(1, { text: 'Hello, my card number is ...' }),
      received(2, { type: 'message.deleted' }),
      received(3, { at: '2026-13-45 25:00' }),
      received(4, { at: new Date(Date.now() + 10 * MINUTE).toISOString() }),
      received(5, { business: 'no-such-business' }),
      received(6, { business: 'globex' }),
      received(7),
      { ...received(8), type: 'message.sent' },
    ];
    const res = await rt.postEvents(key, batch);
    const reply = await json(res);
    expect(res.status).toBe(200);
    expect(reply.accepted).toBe(2);
    expect(reply.rejected.map((r) => [r.index, r.field])).toEqual([
      [1, 'text'],
      [2, 'type'],
      [3, 'at'],
      [4, 'at'],
      [5, 'business'],
      [6, 'business'],
      [8, 'sender'],
    ]);
    const errors = Object.fromEntries(reply.rejected.map((r) => [r.index, r.error]));
    expect(errors[1]).toMatch(/message content and contact details are never accepted/);
    expect(errors[2]).toMatch(/type must be one of/);
    expect(errors[3]).toMatch(/RFC 3339/);
    expect(errors[4]).toMatch(/more than 5 minutes in the future/);
    // An unregistered business and a registered one outside the key's scope read alike.
    expect(errors[5]).toMatch(/may not write events for this business/);
    expect(errors[6]).toBe(errors[5]);
    expect(await storedCount()).toBe(2);
    expect(await storedCount('globex')).toBe(0);
  });

  it('takes a template name of a-z, 0-9 and _ only, rejecting any other text with the rule', async () => {
    const sent = (i: number, template: unknown) => received(i, { type: 'message.sent', sender: 'automation', category: 'marketing', template });
    const reply = await json(await rt.postEvents(key, [
      sent(0, 'order_confirmation_2'),
      sent(1, 'Hi Maria, your parcel is at 12 Via Roma'),
      sent(2, 'Order-Confirmation'),
      sent(3, 'ordine_spedito_ü'),
      sent(4, ''),
      sent(5, 'x'.repeat(513)),
      sent(6, 'x'.repeat(512)),
    ]));
    expect(reply.accepted).toBe(2);
    expect(reply.rejected.map((r) => [r.index, r.field])).toEqual([[1, 'template'], [2, 'template'], [3, 'template'], [4, 'template'], [5, 'template']]);
    for (const rejection of reply.rejected) expect(rejection.error).toMatch(/^template must be 1 to 512 characters of a-z, 0-9 and _/);
    expect(JSON.stringify(reply)).not.toContain('Maria');
  });

  it('answers 403 when every event is for a business outside the key\'s scope, storing nothing', async () => {
    const res = await rt.postEvents(key, [received(1, { business: 'globex' }), received(2, { business: 'globex' })]);
    const body = await json(res);
    expect(res.status).toBe(403);
    expect(body.error?.code).toBe('forbidden');
    expect(body.rejected).toHaveLength(2);
    expect(await storedCount('globex')).toBe(0);
  });

  it('answers 422 when every event is invalid', async () => {
    const res = await rt.postEvents(key, [received(1, { name: 'Maria Rossi' })]);
    expect(res.status).toBe(422);
    expect((await json(res)).rejected[0]).toMatchObject({ index: 0, field: 'name' });
  });

  it('rejects events older than the retention period', async () => {
    const reply = await json(await rt.postEvents(key, [received(1, { at: iso(401 * 24 * 60 * MINUTE) }), received(2)]));
    expect(reply.rejected).toEqual([{ index: 0, field: 'at', error: 'at is older than the retention period of 400 days' }]);
  });

  it('corrects the client clock with sent_at: stored time = received - (sent_at - at)', async () => {
    // The client's clock runs 2 hours ahead: it says the event happened 2h ahead of "now" minus 10 minutes.
    const clientNow = Date.now() + 2 * 60 * MINUTE;
    const reply = await json(await rt.postEvents(key, [
      received(1, { at: new Date(clientNow - 10 * MINUTE).toISOString(), sent_at: new Date(clientNow).toISOString() }),
    ]));
    expect(reply.accepted).toBe(1);
    const [row] = await queryRows<{ lag: number }>(rt.deps.store.connection,
      "SELECT epoch(received_at) - epoch(occurred_at) AS lag FROM events WHERE business = 'acme'");
    expect(row!.lag).toBeCloseTo(600, 0);
  });
});

describe('POST /v1/events: request-level errors', () => {
  const post = (body: string, headers: Record<string, string> = {}) =>
    rt.app.request('/v1/events', { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers }, body });

  it('answers 401 without a key, with an unknown key and with a revoked key', async () => {
    const none = await rt.app.request('/v1/events', { method: 'POST', body: '{"events":[]}', headers: { 'content-type': 'application/json' } });
    expect(none.status).toBe(401);
    expect((await json(none)).error?.code).toBe('unauthorized');
    expect((await rt.postEvents('ik_not-a-key', [received(1)])).status).toBe(401);
    const keys = (await (await rt.admin('GET', '/v1/businesses/acme/keys')).json()) as { keys: { id: string }[] };
    expect((await rt.admin('DELETE', `/v1/keys/${keys.keys[0]!.id}`)).status).toBe(204);
    expect((await rt.postEvents(key, [received(1)])).status).toBe(401);
    expect(await storedCount()).toBe(0);
  });

  it('answers 400 to malformed JSON and stores nothing', async () => {
    const res = await post('{"events": [{"id": "a", ');
    expect(res.status).toBe(400);
    expect((await json(res)).error?.code).toBe('malformed_json');
    expect(await storedCount()).toBe(0);
  });

  it('answers 413 to a 6 MiB body, declared or chunked', async () => {
    const big = JSON.stringify({ events: [received(1, { pad: 'x'.repeat(6 * 1024 * 1024) })] });
    const declared = await post(big, { 'content-length': String(Buffer.byteLength(big)) });
    expect(declared.status).toBe(413);
    const chunks = [Buffer.from(big.slice(0, 3_000_000)), Buffer.from(big.slice(3_000_000))];
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    });
    const chunked = await rt.app.request('/v1/events', {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(await storedCount()).toBe(0);
  });

  it('answers 413 to more than 10,000 events', async () => {
    const res = await rt.postEvents(key, Array.from({ length: 10_001 }, (_, i) => ({ id: `e${i}` })));
    expect(res.status).toBe(413);
  });

  it('answers 415 to another content type', async () => {
    expect((await post('id=1', { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(415);
  });

  it('answers 429 with Retry-After when the write queue is full, storing nothing of that request', async () => {
    await rt.stop();
    rt = await startTestRuntime({ writer: { maxQueuedRows: 100 } });
    await rt.registerBusiness('acme');
    key = await rt.createKey('acme');
    // A second key: the first is over its own share of the queue (quotas.test.ts), this one only meets the full queue.
    const second = await rt.createKey('acme');
    const resume = rt.deps.writer.pause();
    const waiting = rt.postEvents(key, Array.from({ length: 80 }, (_, i) => received(i)));
    await new Promise((r) => setTimeout(r, 50));
    const refused = await rt.postEvents(second, Array.from({ length: 30 }, (_, i) => received(1000 + i)));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect((await json(refused)).error?.code).toBe('overloaded');
    resume();
    expect((await json(await waiting)).accepted).toBe(80);
    expect(await storedCount()).toBe(80);
    const retried = await json(await rt.postEvents(key, Array.from({ length: 30 }, (_, i) => received(1000 + i))));
    expect(retried.accepted).toBe(30);
  });

  it('under overload (slow writer, small queue), clients that retry on 429 end with every event stored exactly once', async () => {
    await rt.stop();
    rt = await startTestRuntime({ writer: { maxQueuedRows: 1_000, commitDelayMs: 25 } });
    await rt.registerBusiness('acme');
    key = await rt.createKey('acme');
    let refusals = 0;
    const retryAfters = new Set<string | null>();
    const sendUntilStored = async (events: unknown[]) => {
      for (;;) {
        const res = await rt.postEvents(key, events);
        if (res.status === 200) return json(res);
        expect(res.status).toBe(429);
        refusals += 1;
        retryAfters.add(res.headers.get('retry-after'));
        await res.arrayBuffer();
        await new Promise((r) => setTimeout(r, 10 + Math.random() * 20)); // Retry-After, scaled down for the test
      }
    };
    // 8 clients x 10 batches of 200 events; each client also re-sends one of its batches.
    const clients = Array.from({ length: 8 }, async (_, c) => {
      let acknowledged = 0;
      for (let b = 0; b < 10; b++) {
        const batch = Array.from({ length: 200 }, (_, i) => received(c * 10_000 + b * 200 + i));
        const reply = await sendUntilStored(batch);
        acknowledged += reply.accepted + reply.duplicates;
        if (b === 5) expect((await sendUntilStored(batch)).duplicates).toBe(200);
      }
      return acknowledged;
    });
    const acknowledged = (await Promise.all(clients)).reduce((a, b) => a + b, 0);
    expect(acknowledged).toBe(16_000);
    expect(refusals).toBeGreaterThan(0);
    expect([...retryAfters]).toEqual(['1']);
    const [row] = await queryRows<{ n: number; d: number }>(rt.deps.store.connection, 'SELECT count(*)::INTEGER AS n, count(DISTINCT event_id)::INTEGER AS d FROM events');
    expect(row).toEqual({ n: 16_000, d: 16_000 });
  });
});
