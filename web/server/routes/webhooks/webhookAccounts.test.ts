import { describe, expect, it } from 'vitest';
import { useTestRuntimes, type TestRuntime } from '../../testing/testRuntime';
import { APP_SECRET, fixture, postWebhook, registerWithWebhook, storedEvents, VERIFY_TOKEN } from './webhookTestKit';
import { hubSignature } from '../../../../ingest/webhooks/signature';

// Payloads are tied to the business of their URL by the platform accounts they name. The two
// businesses here share one Meta app secret, the case where one's events could otherwise be
// posted to (or misrouted to) the other's URL and stored as its own.
const runtimes = useTestRuntimes();
const MESSENGER_DAY = Date.UTC(2016, 2, 24);
const WHATSAPP_DAY = Date.UTC(2025, 6, 1);

/** Messenger's text fixture, for another page. */
const messengerTextOf = (page: string) => fixture('messenger-text').replaceAll('<PAGE_ID>', page);

async function problemCounts(rt: TestRuntime, business: string) {
  const reply = (await (await rt.admin('GET', `/v1/businesses/${business}/intake-problems`)).json()) as { problems: { kind: string; count: number }[] };
  return Object.fromEntries(reply.problems.map((p) => [p.kind, p.count]));
}

describe('webhook payloads tied to their business', () => {
  it("refuses a payload for business A's page posted to B's URL, and stores nothing of it for B", async () => {
    const rt = await runtimes.start({ now: () => MESSENGER_DAY });
    await registerWithWebhook(rt, 'shop-a', { messenger: ['1000000000000001'] });
    await registerWithWebhook(rt, 'shop-b', { messenger: ['2000000000000002'] });
    const forA = messengerTextOf('1000000000000001');

    const refused = await postWebhook(rt, 'messenger', 'shop-b', forA);
    expect(refused.status).toBe(403);
    const reply = (await refused.json()) as { error: { code: string; message: string } };
    expect(reply.error.code).toBe('foreign_account');
    expect(reply.error.message).toMatch(/not registered for this business; nothing was stored/);
    expect(await storedEvents(rt, 'shop-b')).toEqual([]);
    const report = (await (await rt.admin('GET', '/v1/reports/businesses/shop-b?from=2016-03-23&to=2016-03-23')).json()) as { channels: unknown[] };
    expect(report.channels).toEqual([]);
    expect(await problemCounts(rt, 'shop-b')).toEqual({ foreign_account: 1 });

    // The same bytes at A's own URL are A's.
    expect(await (await postWebhook(rt, 'messenger', 'shop-a', forA)).json()).toEqual({ accepted: 1, duplicates: 0, problems: 0 });
    expect(await storedEvents(rt, 'shop-a')).toHaveLength(1);
  });

  it('refuses a business\'s payloads until its accounts are registered, and keeps them when the secrets are rotated', async () => {
    const rt = await runtimes.start({ now: () => MESSENGER_DAY });
    await registerWithWebhook(rt, 'shop', {});
    expect((await postWebhook(rt, 'messenger', 'shop', fixture('messenger-text'))).status).toBe(403);

    const put = await rt.admin('PUT', '/v1/businesses/shop/webhooks', { app_secret: APP_SECRET, verify_token: VERIFY_TOKEN, accounts: { messenger: ['<PAGE_ID>'] } });
    expect(await put.json()).toMatchObject({ accounts: { whatsapp: [], messenger: ['<PAGE_ID>'], instagram: [] } });
    expect((await postWebhook(rt, 'messenger', 'shop', fixture('messenger-text'))).status).toBe(200);

    // Rotating the secrets without naming accounts keeps the registered ones.
    await rt.admin('PUT', '/v1/businesses/shop/webhooks', { app_secret: 'rotated-secret', verify_token: 'rotated-verify-token' });
    expect(await (await rt.admin('GET', '/v1/businesses/shop/webhooks')).json()).toMatchObject({ accounts: { messenger: ['<PAGE_ID>'] } });
    const echo = fixture('messenger-echo');
    expect((await postWebhook(rt, 'messenger', 'shop', echo, hubSignature(echo, 'rotated-secret'))).status).toBe(200);
  });

  it('takes a WhatsApp change by its business account or its phone number, and refuses a batch with one foreign part whole', async () => {
    const rt = await runtimes.start({ now: () => WHATSAPP_DAY });
    // Registered by phone number id only (metadata.phone_number_id of the fixtures).
    await registerWithWebhook(rt, 'wa-phone', { whatsapp: ['106540352242922'] });
    expect(await (await postWebhook(rt, 'whatsapp', 'wa-phone', fixture('whatsapp-text'))).json()).toMatchObject({ accepted: 1 });

    await registerWithWebhook(rt, 'wa-waba', { whatsapp: ['102290129340398'] });
    expect(await (await postWebhook(rt, 'whatsapp', 'wa-waba', fixture('whatsapp-text'))).json()).toMatchObject({ accepted: 1 });
    // The batch's second entry is another business account: its three changes are foreign, even
    // the two that name the phone number this business does not register.
    const batch = await postWebhook(rt, 'whatsapp', 'wa-waba', fixture('whatsapp-batch'));
    expect(batch.status).toBe(403);
    expect(await storedEvents(rt, 'wa-waba')).toHaveLength(1);
    expect(await problemCounts(rt, 'wa-waba')).toEqual({ foreign_account: 3 });
  });

  it('does not tie an Instagram account registered for WhatsApp to Instagram payloads', async () => {
    const rt = await runtimes.start({ now: () => Date.UTC(2025, 11, 1) });
    await registerWithWebhook(rt, 'ig', { whatsapp: ['17841405822304914'] });
    const payload = fixture('../instagram/fixtures/instagram-text');
    expect((await postWebhook(rt, 'instagram', 'ig', payload)).status).toBe(403);
  });
});
