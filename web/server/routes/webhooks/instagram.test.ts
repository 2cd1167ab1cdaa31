import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../testing/testRuntime';
import { bytesContaining, postWebhook, registerWithWebhook, storedEvents, VERIFY_TOKEN } from './webhookTestKit';

// Instagram messaging through the real app and a real DuckDB file: signed with the app secret
// registered for the business, like Messenger.
const NOW = Date.UTC(2025, 11, 1);
const FIXTURES = join(import.meta.dirname, '../../../../ingest/webhooks/instagram/fixtures');
const payload = (name: string) => readFileSync(join(FIXTURES, `${name}.json`), 'utf8');

describe('Instagram messaging webhooks (real app, real DuckDB file)', () => {
  let runtime: TestRuntime;
  // The last test stops the runtime itself, to read the closed database file.
  let stopped = false;

  beforeAll(async () => {
    runtime = await startTestRuntime({ now: () => NOW, env: { MIN_COHORT: '1' } });
    await registerWithWebhook(runtime, 'ig-shop');
  });
  afterAll(async () => {
    if (!stopped) await runtime?.stop();
  });

  it('answers the subscription handshake with the business\'s verify token', async () => {
    const res = await runtime.app.request(`/v1/webhooks/instagram/ig-shop?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=42`);
    expect([res.status, await res.text()]).toEqual([200, '42']);
  });

  it('refuses an unsigned payload and stores nothing', async () => {
    expect((await postWebhook(runtime, 'instagram', 'ig-shop', payload('instagram-text'), null)).status).toBe(401);
    expect(await storedEvents(runtime, 'ig-shop')).toEqual([]);
  });

  it('stores a message as message.received and the echo as message.sent on channel instagram, and counts the reply', async () => {
    for (const name of ['instagram-text', 'instagram-echo', 'instagram-seen']) {
      const res = await postWebhook(runtime, 'instagram', 'ig-shop', payload(name));
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ accepted: 1, problems: 0 });
    }
    const events = await storedEvents(runtime, 'ig-shop');
    expect(events.map((e) => [e.type, e.channel])).toEqual([
      ['message.received', 'instagram'], ['message.sent', 'instagram'], ['message.read', 'instagram'],
    ]);
    expect(new Set(events.map((e) => e.conversation)).size).toBe(1);
    const report = (await (await runtime.admin('GET', '/v1/reports/businesses/ig-shop?from=2025-11-27&to=2025-11-27')).json()) as {
      channels: { channel: string; conversations: number; response_rate_24h: number; read_rate: number }[];
    };
    expect(report.channels).toMatchObject([{ channel: 'instagram', conversations: 1, customer_initiated: 1, response_rate_24h: 1, read_rate: 1 }]);
  });

  it('keeps no Instagram-scoped id or text in the database file', async () => {
    const { databasePath } = runtime;
    await runtime.stop();
    expect(bytesContaining(databasePath, ['527459184320567', 'blue dress', 'Size M'])).toEqual([]);
    stopped = true;
  });
});
