import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../testing/testRuntime';
import { hubSignature } from '../../../../ingest/webhooks/signature';
import {
  APP_SECRET, bytesContaining, FIXTURE_ACCOUNTS, cellsContaining, countAllEvents, fixture, postWebhook, registerWithWebhook, storedEvents, VERIFY_TOKEN,
} from './webhookTestKit';

// Meta's examples date from 2024-11 to 2025-06; the clock is fixed just after them so that the
// retention check (400 days) accepts them.
const NOW = Date.UTC(2025, 6, 1);

// Values the payloads carry that must never reach the database.
const RAW_VALUES = [
  'Does it come in another color?', 'Sheena Nelson', 'Taj Mahal', 'Can I get more info about this?', 'Is this still available?',
  'Summer Succulents', 'Hi there! Let us know', 'Pablo M.', '@pablomorales', '@realsheenanelson', '16505551234', '+16505551234',
  '15550783881', 'user.9373795779eb', 'HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA', 'healthy ecosystem',
  'User requested to', 'SfInY0gGKTsJlUWbwxC1k', 'lookaside.fbsbx.com',
];

describe('WhatsApp webhook intake (real app, real DuckDB file)', () => {
  let runtime: TestRuntime;

  beforeAll(async () => {
    runtime = await startTestRuntime({ now: () => NOW });
  });
  afterAll(async () => {
    await runtime.stop();
  });

  it('answers the subscription handshake with the challenge as text/plain, 403 otherwise', async () => {
    await registerWithWebhook(runtime, 'wa-hs');
    const get = (query: string) => Promise.resolve(runtime.app.request(`/v1/webhooks/whatsapp/wa-hs?${query}`));
    const ok = await get(`hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await ok.text()).toBe('1158201444');
    expect((await get('hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1')).status).toBe(403);
    expect((await get(`hub.mode=other&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`)).status).toBe(403);
    const unknown = await Promise.resolve(runtime.app.request(`/v1/webhooks/whatsapp/nobody?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`));
    expect(unknown.status).toBe(403);
    expect(await unknown.json()).toMatchObject({ error: { code: 'forbidden' } });
  });

  it('refuses a missing or wrong signature with 401 and stores nothing', async () => {
    await registerWithWebhook(runtime, 'wa-sig');
    const body = fixture('whatsapp-text');
    const before = await countAllEvents(runtime);
    for (const signature of [null, 'sha256=' + '0'.repeat(64), hubSignature(body, 'another-secret'), hubSignature(`${body} `, APP_SECRET)]) {
      const res = await postWebhook(runtime, 'whatsapp', 'wa-sig', body, signature);
      expect(res.status).toBe(401);
      const text = await res.text();
      expect(JSON.parse(text)).toMatchObject({ error: { code: 'unauthorized' } });
      expect(text).not.toContain('Sheena');
    }
    // A business without configured secrets cannot receive webhooks either.
    await runtime.registerBusiness('wa-nosecret');
    expect((await postWebhook(runtime, 'whatsapp', 'wa-nosecret', body)).status).toBe(401);
    expect(await countAllEvents(runtime)).toBe(before);
  });

  it('stores a text message as message.received, pseudonymised, and a retry as a duplicate', async () => {
    await registerWithWebhook(runtime, 'wa-text');
    const body = fixture('whatsapp-text');
    const first = await postWebhook(runtime, 'whatsapp', 'wa-text', body);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ accepted: 1, duplicates: 0, problems: 0 });
    const again = await postWebhook(runtime, 'whatsapp', 'wa-text', body);
    expect(await again.json()).toEqual({ accepted: 0, duplicates: 1, problems: 0 });
    const events = await storedEvents(runtime, 'wa-text');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'message.received', channel: 'whatsapp', customer_region: 'US', occurred_at: '2025-06-08T20:59:43Z' });
    for (const column of ['event_id', 'customer', 'conversation', 'message'] as const) expect(events[0]![column]).toMatch(/^[0-9a-f]{64}$/);
  });

  it('stores image, click-to-WhatsApp and username (BSUID) messages as message.received', async () => {
    for (const [business, name, region] of [['wa-img', 'whatsapp-image', 'US'], ['wa-ad', 'whatsapp-text-ctwa-ad', 'US'], ['wa-bsuid', 'whatsapp-text-bsuid', 'US']] as const) {
      await registerWithWebhook(runtime, business);
      expect(await (await postWebhook(runtime, 'whatsapp', business, fixture(name))).json()).toMatchObject({ accepted: 1 });
      expect(await storedEvents(runtime, business)).toMatchObject([{ type: 'message.received', customer_region: region }]);
    }
  });

  it('stores statuses: sent with the pricing category (PMP and CBP), delivered in the same conversation, failed with 131049', async () => {
    await registerWithWebhook(runtime, 'wa-status');
    for (const name of ['whatsapp-status-sent-pmp', 'whatsapp-status-delivered-pmp', 'whatsapp-status-sent-cbp', 'whatsapp-status-failed-131049']) {
      const res = await postWebhook(runtime, 'whatsapp', 'wa-status', fixture(name));
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ accepted: 1, problems: 0 });
    }
    const events = await storedEvents(runtime, 'wa-status');
    const sent = events.filter((e) => e.type === 'message.sent');
    expect(sent.map((e) => [e.category, e.sender]).sort()).toEqual([['marketing', 'agent'], ['utility', 'agent']]);
    const marketing = sent.find((e) => e.category === 'marketing')!;
    const delivered = events.find((e) => e.type === 'message.delivered')!;
    expect(delivered.message).toBe(marketing.message);
    expect(delivered.conversation).toBe(marketing.conversation);
    expect(events.find((e) => e.type === 'message.failed')).toMatchObject({ error_code: 131049, customer: marketing.customer });
    // The v24.0 example (same message, no pricing) is a duplicate of the sent status already stored.
    expect(await (await postWebhook(runtime, 'whatsapp', 'wa-status', fixture('whatsapp-status-v24-no-pricing'))).json())
      .toEqual({ accepted: 0, duplicates: 1, problems: 0 });
  });

  it('files a sent status without pricing as service', async () => {
    await registerWithWebhook(runtime, 'wa-v24');
    await postWebhook(runtime, 'whatsapp', 'wa-v24', fixture('whatsapp-status-v24-no-pricing'));
    expect(await storedEvents(runtime, 'wa-v24')).toMatchObject([{ type: 'message.sent', category: 'service', sender: 'agent' }]);
  });

  it('stores user_preferences stop/resume as customer.opted_out / customer.opted_in', async () => {
    await registerWithWebhook(runtime, 'wa-pref');
    await postWebhook(runtime, 'whatsapp', 'wa-pref', fixture('whatsapp-user-preferences-stop'));
    await postWebhook(runtime, 'whatsapp', 'wa-pref', fixture('whatsapp-user-preferences-resume'));
    const events = await storedEvents(runtime, 'wa-pref');
    expect(events.map((e) => [e.type, e.conversation])).toEqual([['customer.opted_in', null], ['customer.opted_out', null]]);
    expect(events[0]!.customer).toBe(events[1]!.customer);
  });

  it('maps a batch of entries and changes; the thread rule gives two conversations; a retry stores nothing', async () => {
    await registerWithWebhook(runtime, 'wa-batch');
    const body = fixture('whatsapp-batch');
    expect(await (await postWebhook(runtime, 'whatsapp', 'wa-batch', body)).json()).toEqual({ accepted: 5, duplicates: 0, problems: 0 });
    expect(await (await postWebhook(runtime, 'whatsapp', 'wa-batch', body)).json()).toEqual({ accepted: 0, duplicates: 5, problems: 0 });
    const events = await storedEvents(runtime, 'wa-batch');
    expect(events.map((e) => e.type)).toEqual(['customer.opted_in', 'message.received', 'message.sent', 'message.read', 'message.received']);
    const [, received, sent, read, later] = events;
    expect(sent!.conversation).toBe(received!.conversation);
    expect(read!.conversation).toBe(received!.conversation);
    expect(read!.message).toBe(sent!.message);
    expect(later!.conversation).not.toBe(received!.conversation); // 6.9 days later: a new thread
    expect(new Set(events.map((e) => e.customer)).size).toBe(1);
  });

  it('keeps a conversation for a message that arrives late (out of order) within 24 hours', async () => {
    await registerWithWebhook(runtime, 'wa-order');
    const text = JSON.parse(fixture('whatsapp-text'));
    const message = (id: string, timestamp: number) => {
      const copy = structuredClone(text);
      Object.assign(copy.entry[0].changes[0].value.messages[0], { id, timestamp: String(timestamp) });
      return JSON.stringify(copy);
    };
    const t = 1751000000;
    await postWebhook(runtime, 'whatsapp', 'wa-order', message('wamid.B', t + 3600));
    await postWebhook(runtime, 'whatsapp', 'wa-order', message('wamid.A', t)); // earlier, delivered later
    await postWebhook(runtime, 'whatsapp', 'wa-order', message('wamid.C', t + 3600 + 25 * 3600)); // 25 h after B
    const events = await storedEvents(runtime, 'wa-order');
    expect(events).toHaveLength(3);
    expect(events[0]!.conversation).toBe(events[1]!.conversation);
    expect(events[2]!.conversation).not.toBe(events[1]!.conversation);
  });

  it('acknowledges what it cannot map (200), stores nothing of it, and counts it per business', async () => {
    await registerWithWebhook(runtime, 'wa-bad');
    const before = await countAllEvents(runtime);
    const notJson = '{"object": "whatsapp_business_account", "entry": [';
    expect((await postWebhook(runtime, 'whatsapp', 'wa-bad', notJson)).status).toBe(200);
    const wrongObject = JSON.stringify({ object: 'instagram', entry: [{ secret: 'Sheena Nelson' }] });
    expect(await (await postWebhook(runtime, 'whatsapp', 'wa-bad', wrongObject)).json()).toEqual({ accepted: 0, duplicates: 0, problems: 1 });
    // Meta's example is older than the retention period when the clock is a year later: rejected, counted.
    const old = JSON.parse(fixture('whatsapp-user-preferences-resume'));
    old.entry[0].changes[0].value.user_preferences[0].timestamp = 1500000000;
    expect(await (await postWebhook(runtime, 'whatsapp', 'wa-bad', JSON.stringify(old))).json()).toEqual({ accepted: 0, duplicates: 0, problems: 1 });
    expect(await countAllEvents(runtime)).toBe(before);
    const res = await runtime.admin('GET', '/v1/businesses/wa-bad/intake-problems');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { total: number; problems: { channel: string; kind: string; count: number }[] };
    expect(body.total).toBe(3);
    expect(body.problems.map((p) => [p.channel, p.kind, p.count])).toEqual([
      ['whatsapp', 'rejected_event', 1], ['whatsapp', 'unmappable', 1], ['whatsapp', 'unparseable_payload', 1],
    ]);
    expect(JSON.stringify(body)).not.toContain('Sheena');
  });

  it('sets and rotates the webhook secrets through the admin API and never returns them', async () => {
    await runtime.registerBusiness('wa-admin');
    expect((await Promise.resolve(runtime.app.request('/v1/businesses/wa-admin/webhooks', {
      method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ app_secret: 'x', verify_token: 'y' }),
    }))).status).toBe(401);
    const put = await runtime.admin('PUT', '/v1/businesses/wa-admin/webhooks', {
      app_secret: 'first-secret', verify_token: 'first-verify-token', accounts: { whatsapp: FIXTURE_ACCOUNTS.whatsapp },
    });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ webhooks_configured: true, callback_urls: { whatsapp: '/v1/webhooks/whatsapp/wa-admin' } });
    const body = fixture('whatsapp-text');
    expect((await postWebhook(runtime, 'whatsapp', 'wa-admin', body, hubSignature(body, 'first-secret'))).status).toBe(200);
    await runtime.admin('PUT', '/v1/businesses/wa-admin/webhooks', { app_secret: 'second-secret', verify_token: 'second-verify-token' });
    expect((await postWebhook(runtime, 'whatsapp', 'wa-admin', body, hubSignature(body, 'first-secret'))).status).toBe(401);
    expect((await postWebhook(runtime, 'whatsapp', 'wa-admin', body, hubSignature(body, 'second-secret'))).status).toBe(200);
    for (const path of ['/v1/businesses/wa-admin', '/v1/businesses', '/v1/businesses/wa-admin/webhooks']) {
      const text = await (await runtime.admin('GET', path)).text();
      expect(text).not.toContain('second-secret');
      expect(text).not.toContain('second-verify-token');
    }
    expect((await runtime.admin('PUT', '/v1/businesses/nobody/webhooks', { app_secret: 'a', verify_token: 'b-long-enough-token' })).status).toBe(404);
    expect((await runtime.admin('PUT', '/v1/businesses/wa-admin/webhooks', { app_secret: '' })).status).toBe(400);
    // A verify token short enough to guess is refused.
    const short = await runtime.admin('PUT', '/v1/businesses/wa-admin/webhooks', { app_secret: 'third-secret', verify_token: 'short-token' });
    expect(short.status).toBe(400);
    expect(await short.json()).toMatchObject({ error: { details: [{ field: 'verify_token', error: 'verify_token must be at least 16 characters' }] } });
  });

  it('lists the webhook endpoints in the OpenAPI document', async () => {
    const doc = (await (await Promise.resolve(runtime.app.request('/v1/openapi.json'))).json()) as { paths: Record<string, unknown> };
    for (const path of ['/v1/webhooks/whatsapp/{business}', '/v1/webhooks/messenger/{business}', '/v1/businesses/{id}/webhooks', '/v1/businesses/{id}/intake-problems']) {
      expect(doc.paths).toHaveProperty([path]);
    }
  });

  it('leaves no text, name, phone number or platform id in the database, its file or its WAL', async () => {
    expect(await cellsContaining(runtime, RAW_VALUES)).toEqual([]);
    expect(await cellsContaining(runtime, ['Business wa-text'])).not.toEqual([]); // the check can see stored text
    expect(runtime.logs.join('\n')).not.toMatch(/Sheena|16505551234|color\?/);
    await runtime.close();
    expect(bytesContaining(runtime.databasePath, RAW_VALUES)).toEqual([]);
    expect(bytesContaining(runtime.databasePath, ['Example Hosting GmbH'])).not.toEqual([]); // and so can the byte scan
  });
});
