import { describe, expect, it } from 'vitest';
import { hubSignature } from '../../ingest/webhooks/signature';
import { useTestRuntimes, type TestRuntime } from './testing/testRuntime';
import { fixture, postWebhook, registerWithWebhook, VERIFY_TOKEN } from './routes/webhooks/webhookTestKit';

// A caller who may not use a business must not learn from the reply whether its id is
// registered: an unknown id and a registered one it may not use are refused alike.
const runtimes = useTestRuntimes();
const NOW = Date.UTC(2025, 6, 1);

async function reply(res: Response | Promise<Response>) {
  const r = await res;
  return { status: r.status, body: await r.text() };
}

async function withBusinesses(): Promise<TestRuntime> {
  const rt = await runtimes.start({ now: () => NOW });
  await registerWithWebhook(rt, 'configured');
  await rt.registerBusiness('no-webhooks');
  return rt;
}

describe('registered business ids cannot be told from rejections', () => {
  it('webhook POST: unknown business, business without webhooks and wrong signature get the same reply', async () => {
    const rt = await withBusinesses();
    const body = fixture('whatsapp-text');
    const forged = hubSignature(body, 'a-guessed-app-secret');
    const replies = await Promise.all([
      reply(postWebhook(rt, 'whatsapp', 'unknown', body, forged)),
      reply(postWebhook(rt, 'whatsapp', 'no-webhooks', body, forged)),
      reply(postWebhook(rt, 'whatsapp', 'configured', body, forged)),
    ]);
    expect(replies[0]!.status).toBe(401);
    expect(replies[1]).toEqual(replies[0]);
    expect(replies[2]).toEqual(replies[0]);
  });

  it('webhook POST: a body past the cap gets the same reply for an unknown business and a configured one', async () => {
    const rt = await withBusinesses();
    const big = `{"object":"whatsapp_business_account","entry":[],"pad":"${'x'.repeat(6 * 1024 * 1024)}"}`;
    const signature = `sha256=${'0'.repeat(64)}`;
    const unknown = await reply(postWebhook(rt, 'whatsapp', 'unknown', big, signature));
    expect(unknown.status).toBe(413);
    expect(await reply(postWebhook(rt, 'whatsapp', 'no-webhooks', big, signature))).toEqual(unknown);
    expect(await reply(postWebhook(rt, 'whatsapp', 'configured', big, signature))).toEqual(unknown);
  });

  it('webhook handshake: unknown business, business without webhooks and wrong verify token get the same reply', async () => {
    const rt = await withBusinesses();
    const handshake = (business: string, token: string) =>
      reply(rt.app.request(`/v1/webhooks/messenger/${business}?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=42`));
    const replies = await Promise.all([
      handshake('unknown', VERIFY_TOKEN), handshake('no-webhooks', VERIFY_TOKEN), handshake('configured', 'a-guessed-verify-token'),
    ]);
    expect(replies[0]!.status).toBe(403);
    expect(replies[1]).toEqual(replies[0]);
    expect(replies[2]).toEqual(replies[0]);
    expect(await handshake('configured', VERIFY_TOKEN)).toEqual({ status: 200, body: '42' });
  });

  it('events: a key sending for an unknown business and for a registered business outside its scope gets the same reply', async () => {
    const rt = await withBusinesses();
    const key = await rt.createKey('configured');
    const event = (business: string) => ({
      id: 'e-1', business, type: 'message.received', channel: 'whatsapp', customer: '+4915123456789', conversation: 'c-1',
      at: new Date(NOW - 60_000).toISOString(),
    });
    const unknown = await reply(rt.postEvents(key, [event('unknown')]));
    const outOfScope = await reply(rt.postEvents(key, [event('no-webhooks')]));
    expect(unknown.status).toBe(403);
    expect(outOfScope).toEqual(unknown);
    expect(unknown.body).toContain('this ingest key may not write events for this business');
  });
});
