import { describe, expect, it } from 'vitest';
import { hubSignature } from '../../../../ingest/webhooks/signature';
import { useTestRuntimes, type TestRuntime } from '../../testing/testRuntime';
import { APP_SECRET, countAllEvents, fixture, registerWithWebhook } from './webhookTestKit';

// The webhook signature is computed while the body streams in: a missing header refuses the
// request unread, a wrong signature refuses it unparsed, the 5 MiB cap holds for chunked bodies,
// and a signed body is not parsed while the write queue is full.
const runtimes = useTestRuntimes();

/** A body sent in chunks, recording how many of them the server read. */
function chunkedBody(chunks: readonly string[]) {
  const watch = { read: 0 };
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks[watch.read];
      if (next === undefined) return controller.close();
      watch.read += 1;
      controller.enqueue(encoder.encode(next));
    },
  }, { highWaterMark: 0 });
  return { body, watch };
}

function postStream(rt: TestRuntime, business: string, body: ReadableStream<Uint8Array>, signature: string | null) {
  return rt.app.request(new Request(`http://localhost/v1/webhooks/whatsapp/${business}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature === null ? {} : { 'x-hub-signature-256': signature }) },
    body,
    duplex: 'half',
  } as RequestInit));
}

/** A text cut into pieces of at most `size` characters. */
const pieces = (text: string, size: number) => Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size));

async function problems(rt: TestRuntime, business: string): Promise<unknown> {
  return (await rt.admin('GET', `/v1/businesses/${business}/intake-problems`)).json();
}

describe('webhook signature checked as the body streams in', () => {
  it('stores a signed payload sent in many chunks, the HMAC taken over them in order', async () => {
    // The fixture's message is of 2025-06-08: within the retention period of this clock.
    const rt = await runtimes.start({ now: () => Date.UTC(2025, 5, 9) });
    await registerWithWebhook(rt, 'wa');
    const payload = fixture('whatsapp-text');
    const { body, watch } = chunkedBody(pieces(payload, 17));
    const res = await postStream(rt, 'wa', body, hubSignature(payload, APP_SECRET));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accepted: 1 });
    expect(watch.read).toBe(Math.ceil(payload.length / 17));
  });

  it('refuses a request without a well-formed signature header before reading its body', async () => {
    const rt = await runtimes.start();
    await registerWithWebhook(rt, 'wa');
    for (const signature of [null, 'sha256=short', 'sha1=' + '0'.repeat(40)]) {
      const { body, watch } = chunkedBody([fixture('whatsapp-text')]);
      const res = await postStream(rt, 'wa', body, signature);
      expect(res.status).toBe(401);
      expect(watch.read).toBe(0);
    }
  });

  it('refuses a wrong signature with 401 without parsing the body: an unparseable body is not counted as a problem', async () => {
    const rt = await runtimes.start();
    await registerWithWebhook(rt, 'wa');
    const before = await problems(rt, 'wa');
    const { body } = chunkedBody(['{"object": "whatsapp_business_account", ', 'not json']);
    const res = await postStream(rt, 'wa', body, hubSignature('something else', APP_SECRET));
    expect(res.status).toBe(401);
    expect(await problems(rt, 'wa')).toEqual(before);
    // The same bytes signed are parsed, found unparseable and counted.
    const signed = chunkedBody(['{"object": "whatsapp_business_account", ', 'not json']);
    expect((await postStream(rt, 'wa', signed.body, hubSignature('{"object": "whatsapp_business_account", not json', APP_SECRET))).status).toBe(200);
    expect(await problems(rt, 'wa')).not.toEqual(before);
  });

  it('stops reading a chunked body past 5 MiB with 413, whatever its signature', async () => {
    const rt = await runtimes.start();
    await registerWithWebhook(rt, 'wa');
    const MiB = 'x'.repeat(1024 * 1024);
    const { body, watch } = chunkedBody(Array.from({ length: 8 }, () => MiB));
    const res = await postStream(rt, 'wa', body, hubSignature('anything', APP_SECRET));
    expect(res.status).toBe(413);
    expect(watch.read).toBe(6);
  });

  it('answers 429 to a signed payload while the write queue is full, without parsing it', async () => {
    const rt = await runtimes.start({ writer: { maxQueuedRows: 10 } });
    await registerWithWebhook(rt, 'wa');
    await rt.registerBusiness('acme');
    const key = await rt.createKey('acme');
    const resume = rt.deps.writer.pause();
    const events = Array.from({ length: 10 }, (_, i) => ({
      id: `e${i}`, business: 'acme', type: 'message.received', channel: 'whatsapp', customer: `+491512300000${i}`,
      conversation: 'c', at: new Date(Date.now() - 60_000).toISOString(),
    }));
    const waiting = rt.postEvents(key, events);
    for (let i = 0; i < 200 && !rt.deps.writer.isFull; i++) await new Promise((r) => setTimeout(r, 10));
    expect(rt.deps.writer.isFull).toBe(true);
    const before = await problems(rt, 'wa');
    const unparseable = '{"object": not json';
    const { body } = chunkedBody([unparseable]);
    const res = await postStream(rt, 'wa', body, hubSignature(unparseable, APP_SECRET));
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(await problems(rt, 'wa')).toEqual(before);
    resume();
    expect((await waiting).status).toBe(200);
    expect(await countAllEvents(rt)).toBe(10);
  });
});
