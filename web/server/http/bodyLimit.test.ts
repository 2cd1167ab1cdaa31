import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../testing/testRuntime';
import { MAX_BODY_BYTES } from './bodyLimit';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(async () => {
  await rt?.stop();
});

/** A body of `total` bytes that counts how much of it the server pulled. */
function countedBody(total: number) {
  const chunk = new Uint8Array(64 * 1024).fill(0x61);
  const state = { pulled: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (state.pulled >= total) return controller.close();
      state.pulled += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  return { stream, state };
}

describe('request body limit', () => {
  it('refuses a 10 MB sign-in body with 413 without reading it whole, chunked or declared', async () => {
    const { stream, state } = countedBody(10 * 1024 * 1024);
    const res = await rt.app.request('/v1/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: stream, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: 'payload_too_large' } });
    expect(state.pulled).toBeLessThan(2 * MAX_BODY_BYTES);
    const declared = await rt.app.request('/v1/session', {
      method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(10 * 1024 * 1024) }, body: '{}',
    });
    expect(declared.status).toBe(413);
  });

  it('leaves ingest and webhooks their own, larger caps', async () => {
    await rt.registerBusiness('acme');
    const key = await rt.createKey('acme');
    const event = (i: number) => ({ id: `e${i}`, business: 'acme', type: 'customer.opted_in', channel: 'whatsapp', customer: '+4915123456789', at: new Date().toISOString() });
    // ~400 KB of events: over the general limit, within ingest's 5 MiB.
    const res = await rt.postEvents(key, Array.from({ length: 3000 }, (_, i) => event(i)));
    expect(res.status).toBe(200);
  });
});
