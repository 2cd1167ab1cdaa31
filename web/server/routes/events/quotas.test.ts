import { describe, expect, it } from 'vitest';
import { queryRows } from '../../../../db/duckdb';
import { useTestRuntimes, type TestRuntime } from '../../testing/testRuntime';

// Per-key quotas of POST /v1/events: one key over its share of the write queue or its rate gets
// its own 429 while another key's ingest goes on; the global 429 (queue full) still exists.
const runtimes = useTestRuntimes();

const received = (business: string, i: number) => ({
  id: `${business}-${i}`, business, type: 'message.received', channel: 'whatsapp',
  customer: `+4915123${String(i).padStart(6, '0')}`, conversation: `conv-${i}`, at: new Date(Date.now() - 3_600_000).toISOString(),
});
const batch = (business: string, from: number, count: number) => Array.from({ length: count }, (_, i) => received(business, from + i));

async function errorOf(res: Response) {
  return ((await res.json()) as { error: { code: string; message: string } }).error;
}

async function stored(rt: TestRuntime, business: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(rt.deps.store.connection, 'SELECT count(*)::INTEGER AS n FROM events WHERE business = $1', [business]);
  return row!.n;
}

async function twoBusinesses(rt: TestRuntime) {
  await rt.registerBusiness('acme');
  await rt.registerBusiness('globex');
  return { acme: await rt.createKey('acme'), globex: await rt.createKey('globex') };
}

/** A body that records whether the server ever read from it. */
function watchedBody(text: string) {
  const watch = { pulled: false };
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      watch.pulled = true;
      controller.enqueue(new TextEncoder().encode(text));
      controller.close();
    },
  }, { highWaterMark: 0 });
  return { body, watch };
}

const postRaw = (rt: TestRuntime, key: string, body: ReadableStream<Uint8Array>) =>
  rt.app.request(new Request('http://localhost/v1/events', {
    method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body, duplex: 'half',
  } as RequestInit));

describe('per-key share of the write queue', () => {
  it('refuses the key over its share with key_quota_exceeded while a second key\'s events are stored', async () => {
    // A queue of 1,000 events, a quarter (250) per key; the writer held, so nothing leaves the queue.
    const rt = await runtimes.start({ writer: { maxQueuedRows: 1_000 } });
    const keys = await twoBusinesses(rt);
    const resume = rt.deps.writer.pause();
    const first = rt.postEvents(keys.acme, batch('acme', 0, 200));
    await waitUntil(() => rt.deps.writer.queuedRows === 200);
    const refused = await rt.postEvents(keys.acme, batch('acme', 1_000, 100));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await errorOf(refused)).toMatchObject({ code: 'key_quota_exceeded', message: expect.stringMatching(/share of the write queue/) });
    const other = rt.postEvents(keys.globex, batch('globex', 0, 200));
    await waitUntil(() => rt.deps.writer.queuedRows === 400);
    resume();
    expect((await first).status).toBe(200);
    expect(((await (await other).json()) as { accepted: number }).accepted).toBe(200);
    expect([await stored(rt, 'acme'), await stored(rt, 'globex')]).toEqual([200, 200]);
  });

  it('still answers the global 429 overloaded when the queue as a whole is full, without reading the body', async () => {
    const rt = await runtimes.start({ writer: { maxQueuedRows: 300 } });
    const keys = await twoBusinesses(rt);
    const third = await rt.createKey('acme');
    const resume = rt.deps.writer.pause();
    // Each key holds nothing yet, so each may send one request of any size: together they fill the queue.
    const waiting = [rt.postEvents(keys.acme, batch('acme', 0, 150)), rt.postEvents(keys.globex, batch('globex', 0, 150))];
    await waitUntil(() => rt.deps.writer.queuedRows === 300);
    const { body, watch } = watchedBody('{"events": not json at all');
    const refused = await postRaw(rt, third, body);
    expect(refused.status).toBe(429);
    expect(await errorOf(refused)).toMatchObject({ code: 'overloaded' });
    expect(watch.pulled).toBe(false);
    resume();
    expect((await Promise.all(waiting)).map((r) => r.status)).toEqual([200, 200]);
  });
});

describe('per-key rate (INGEST_KEY_EVENTS_PER_SECOND)', () => {
  it('refuses the key that spent its bucket, before reading its body, while another key goes on', async () => {
    const rt = await runtimes.start({ env: { INGEST_KEY_EVENTS_PER_SECOND: '1', INGEST_KEY_BURST_EVENTS: '100' } });
    const keys = await twoBusinesses(rt);
    // The bucket holds 100 events: a request of 150 is taken (the bucket goes 50 below zero) ...
    expect((await rt.postEvents(keys.acme, batch('acme', 0, 150))).status).toBe(200);
    // ... and the key's next request is refused unread: an unparseable body gets 429, not 400.
    const { body, watch } = watchedBody('{"events": not json at all');
    const refused = await postRaw(rt, keys.acme, body);
    expect(refused.status).toBe(429);
    expect(await errorOf(refused)).toMatchObject({ code: 'key_quota_exceeded', message: expect.stringMatching(/more than its 1 events per second/) });
    // 51 events short at 1 a second.
    expect(Number(refused.headers.get('retry-after'))).toBe(51);
    expect(watch.pulled).toBe(false);
    // The same body from a key within its quota is read, and refused as unparseable.
    const readBody = watchedBody('{"events": not json at all');
    expect((await postRaw(rt, keys.globex, readBody.body)).status).toBe(400);
    expect(readBody.watch.pulled).toBe(true);
    const other = await rt.postEvents(keys.globex, batch('globex', 0, 80));
    expect(other.status).toBe(200);
    expect([await stored(rt, 'acme'), await stored(rt, 'globex')]).toEqual([150, 80]);
  });

  it('gives each key its own bucket: a second key of the same business is not refused for the first', async () => {
    const rt = await runtimes.start({ env: { INGEST_KEY_EVENTS_PER_SECOND: '1', INGEST_KEY_BURST_EVENTS: '10' } });
    await rt.registerBusiness('acme');
    const [a, b] = [await rt.createKey('acme'), await rt.createKey('acme')];
    expect((await rt.postEvents(a, batch('acme', 0, 10))).status).toBe(200);
    expect((await rt.postEvents(a, batch('acme', 10, 1))).status).toBe(429);
    expect((await rt.postEvents(b, batch('acme', 20, 10))).status).toBe(200);
  });
});

async function waitUntil(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(condition()).toBe(true);
}
