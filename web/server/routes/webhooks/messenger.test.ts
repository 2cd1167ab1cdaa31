import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../testing/testRuntime';
import {
  bytesContaining, cellsContaining, countAllEvents, fixture, postWebhook, registerWithWebhook, storedEvents, VERIFY_TOKEN,
} from './webhookTestKit';

// Meta's Messenger examples date from March 2016: the clock is fixed the day after.
const NOW = Date.UTC(2016, 2, 24);

const RAW_VALUES = [
  'hello, world!', '<PSID>', 'PSID', '<PAGE_ID>', 'mid.1457764197618', 'mid.1458668856218', 'DEVELOPER_DEFINED',
  'NOTIFICATION-MESSAGES-TOKEN', 'violated our Platform Policies',
];

describe('Messenger webhook intake (real app, real DuckDB file)', () => {
  let runtime: TestRuntime;

  beforeAll(async () => {
    runtime = await startTestRuntime({ now: () => NOW });
  });
  afterAll(async () => {
    await runtime.stop();
  });

  it('answers the handshake and refuses unsigned payloads', async () => {
    await registerWithWebhook(runtime, 'fb-hs');
    const ok = await Promise.resolve(runtime.app.request(`/v1/webhooks/messenger/fb-hs?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=42`));
    expect([ok.status, await ok.text()]).toEqual([200, '42']);
    expect((await postWebhook(runtime, 'messenger', 'fb-hs', fixture('messenger-text'), null)).status).toBe(401);
    expect(await countAllEvents(runtime)).toBe(0);
  });

  it('stores a message as message.received and an echo as message.sent; retries are duplicates', async () => {
    await registerWithWebhook(runtime, 'fb-msg');
    expect(await (await postWebhook(runtime, 'messenger', 'fb-msg', fixture('messenger-text'))).json()).toEqual({ accepted: 1, duplicates: 0, problems: 0 });
    expect(await (await postWebhook(runtime, 'messenger', 'fb-msg', fixture('messenger-echo'))).json()).toEqual({ accepted: 1, duplicates: 0, problems: 0 });
    expect(await (await postWebhook(runtime, 'messenger', 'fb-msg', fixture('messenger-echo'))).json()).toEqual({ accepted: 0, duplicates: 1, problems: 0 });
    const events = await storedEvents(runtime, 'fb-msg');
    expect(events.map((e) => [e.type, e.channel, e.sender, e.category, e.customer_region, e.occurred_at])).toEqual([
      ['message.sent', 'messenger', 'agent', 'service', 'ZZ', '2016-03-12T06:29:57Z'],
      ['message.received', 'messenger', null, null, 'ZZ', '2016-03-23T00:25:52Z'],
    ]);
    expect(events[0]!.customer).toBe(events[1]!.customer);
    expect(events[0]!.conversation).not.toBe(events[1]!.conversation); // 11 days apart
  });

  it('expands delivery and read watermarks into each earlier sent message of that customer', async () => {
    await registerWithWebhook(runtime, 'fb-wm');
    await postWebhook(runtime, 'messenger', 'fb-wm', fixture('messenger-echo'));
    // A second message sent after the watermark is not covered by it.
    const later = JSON.parse(fixture('messenger-echo'));
    Object.assign(later.entry[0].messaging[0], { timestamp: 1458690000000 });
    later.entry[0].messaging[0].message.mid = 'mid.1458690000000:later';
    await postWebhook(runtime, 'messenger', 'fb-wm', JSON.stringify(later));
    expect(await (await postWebhook(runtime, 'messenger', 'fb-wm', fixture('messenger-delivery'))).json()).toEqual({ accepted: 1, duplicates: 0, problems: 0 });
    expect(await (await postWebhook(runtime, 'messenger', 'fb-wm', fixture('messenger-read'))).json()).toEqual({ accepted: 1, duplicates: 0, problems: 0 });
    // Retries of the receipts find nothing new.
    expect(await (await postWebhook(runtime, 'messenger', 'fb-wm', fixture('messenger-delivery'))).json()).toEqual({ accepted: 0, duplicates: 0, problems: 0 });
    const events = await storedEvents(runtime, 'fb-wm');
    const sent = events.filter((e) => e.type === 'message.sent');
    const first = sent.find((e) => e.occurred_at.startsWith('2016-03-12'))!;
    const delivered = events.filter((e) => e.type === 'message.delivered');
    const read = events.filter((e) => e.type === 'message.read');
    expect(delivered).toHaveLength(1);
    expect(read).toHaveLength(1);
    for (const receipt of [delivered[0]!, read[0]!]) {
      expect(receipt.message).toBe(first.message);
      expect(receipt.conversation).toBe(first.conversation);
      expect(receipt.customer).toBe(first.customer);
    }
  });

  it('marks a sent message whose echo arrives after the receipt that covers it', async () => {
    await registerWithWebhook(runtime, 'fb-late');
    await postWebhook(runtime, 'messenger', 'fb-late', fixture('messenger-read'));
    expect(await (await postWebhook(runtime, 'messenger', 'fb-late', fixture('messenger-echo'))).json()).toEqual({ accepted: 2, duplicates: 0, problems: 0 });
    const events = await storedEvents(runtime, 'fb-late');
    expect(events.map((e) => e.type)).toEqual(['message.read', 'message.sent']);
    expect(events[0]!.message).toBe(events[1]!.message);
  });

  it('stores optin STOP as customer.opted_out', async () => {
    await registerWithWebhook(runtime, 'fb-optin');
    expect(await (await postWebhook(runtime, 'messenger', 'fb-optin', fixture('messenger-optin-stop'))).json()).toMatchObject({ accepted: 1 });
    expect(await storedEvents(runtime, 'fb-optin')).toMatchObject([{ type: 'customer.opted_out', conversation: null, customer_region: 'ZZ' }]);
  });

  it('records policy enforcement as a business-level event, not a customer event', async () => {
    await registerWithWebhook(runtime, 'fb-policy');
    const body = fixture('messenger-policy-enforcement');
    expect(await (await postWebhook(runtime, 'messenger', 'fb-policy', body)).json()).toEqual({ accepted: 0, duplicates: 0, problems: 0 });
    await postWebhook(runtime, 'messenger', 'fb-policy', body);
    expect(await storedEvents(runtime, 'fb-policy')).toEqual([]);
    const problems = await (await runtime.admin('GET', '/v1/businesses/fb-policy/intake-problems')).json();
    expect(problems).toMatchObject({ total: 0, policy_events: [{ channel: 'messenger', action: 'block', occurred_at: '2016-03-23T00:25:52.478Z' }] });
  });

  it('leaves no text, PSID, message id or token in the database, its file or its WAL', async () => {
    expect(await cellsContaining(runtime, RAW_VALUES)).toEqual([]);
    await runtime.close();
    expect(bytesContaining(runtime.databasePath, RAW_VALUES)).toEqual([]);
  });
});
