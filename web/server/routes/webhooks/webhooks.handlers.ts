import type { Context } from 'hono';
import { getWebhookSecrets } from '../../../../db/registry';
import { ApiError, forbidden, unauthorized } from '../../http/apiError';
import { readBodyCapped } from '../../http/readBody';
import { writeFailure } from '../../http/writeFailure';
import type { WebhookSource } from '../../../../ingest/webhooks/webhookSource';
import { UNPARSEABLE, type WebhookIntake, type WebhookIntakeDeps } from '../../../../ingest/webhooks/webhookIntake';

/** Meta batches up to 1000 updates; far below this. */
export const MAX_WEBHOOK_BYTES = 5 * 1024 * 1024;

async function secretsOf(deps: WebhookIntakeDeps, business: string) {
  if (!deps.registry.business(business)) return undefined;
  return getWebhookSecrets(deps.store, business);
}

/** GET: the subscription handshake. */
export function handshakeHandler(deps: WebhookIntakeDeps, source: WebhookSource) {
  return async (c: Context) => {
    const secrets = await secretsOf(deps, c.req.param('business') ?? '');
    const challenge = source.handshake((name) => c.req.query(name), secrets?.verifyToken);
    if (challenge === undefined) throw forbidden('the webhook subscription was refused: unknown business or wrong verify token');
    return c.body(challenge, 200, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
  };
}

/** POST: verify the signature over the raw bytes, then parse, map and ingest. */
export function eventsHandler(deps: WebhookIntakeDeps, intake: WebhookIntake, source: WebhookSource) {
  const { channel } = source;
  return async (c: Context) => {
    const business = c.req.param('business') ?? '';
    const secrets = await secretsOf(deps, business);
    if (!secrets) throw unauthorized('no webhook is configured for this business (set its app secret and verify token first)');
    const body = await readBodyCapped(c.req.raw, MAX_WEBHOOK_BYTES);
    if (!source.verify(body, (name) => c.req.header(name), secrets.appSecret)) {
      throw unauthorized('missing or wrong X-Hub-Signature-256; nothing was stored');
    }
    let payload: unknown;
    try {
      payload = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
    } catch {
      payload = UNPARSEABLE;
    }
    try {
      return c.json(await intake.intake(channel, business, payload), 200);
    } catch (error) {
      if (error instanceof ApiError) throw error;
      deps.logger.error({ err: { type: (error as Error).name }, channel }, 'webhook intake failed');
      throw writeFailure(error);
    }
  };
}
