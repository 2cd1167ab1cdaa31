import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { getWebhookSecrets } from '../../../../db/registry';
import { ApiError, forbidden, unauthorized } from '../../http/apiError';
import { readBodyCapped } from '../../http/readBody';
import { writeFailure } from '../../http/writeFailure';
import { WriteQueueFullError } from '../../../../ingest/buffer/eventWriter';
import type { WebhookSource } from '../../../../ingest/webhooks/webhookSource';
import { UNPARSEABLE, type WebhookIntake, type WebhookIntakeDeps } from '../../../../ingest/webhooks/webhookIntake';
import { ForeignAccountError } from '../../../../ingest/webhooks/payloadAccounts';

/** Meta batches up to 1000 updates; far below this. */
export const MAX_WEBHOOK_BYTES = 5 * 1024 * 1024;

// An unknown business, or one without webhooks, is checked against secrets nobody has: its
// requests take the path of a wrong signature or token (body read, 413 past the cap, 401/403),
// so neither a reply nor its status tells which business ids are registered.
const NOBODYS_SECRETS = { appSecret: randomBytes(32).toString('hex'), verifyToken: randomBytes(32).toString('hex') };

async function secretsOf(deps: WebhookIntakeDeps, business: string) {
  const secrets = (await deps.registry.findBusiness(business)) ? await getWebhookSecrets(deps.store, deps.secretBox, business) : undefined;
  return secrets ?? NOBODYS_SECRETS;
}

// One refusal for an unknown business, one without webhooks and a wrong signature: which
// business ids are registered cannot be told from the reply.
const POST_REFUSED = 'missing or wrong X-Hub-Signature-256 (or no webhook is configured for this business); nothing was stored';

/** GET: the subscription handshake. */
export function handshakeHandler(deps: WebhookIntakeDeps, source: WebhookSource) {
  return async (c: Context) => {
    const secrets = await secretsOf(deps, c.req.param('business') ?? '');
    const challenge = source.handshake((name) => c.req.query(name), secrets.verifyToken);
    if (challenge === undefined) throw forbidden('the webhook subscription was refused: unknown business or wrong verify token');
    return c.body(challenge, 200, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
  };
}

/**
 * POST: the signature is computed over the raw bytes as they stream in (capped at 5 MiB); a body
 * whose signature does not match is dropped unparsed. Then, unless the write queue is full, the
 * body is parsed, mapped and ingested.
 */
export function eventsHandler(deps: WebhookIntakeDeps, intake: WebhookIntake, source: WebhookSource) {
  const { channel } = source;
  return async (c: Context) => {
    const business = c.req.param('business') ?? '';
    const secrets = await secretsOf(deps, business);
    // A missing or malformed signature header is refused before the body is read.
    const check = source.signatureCheck((name) => c.req.header(name), secrets.appSecret);
    if (!check) throw unauthorized(POST_REFUSED);
    const body = await readBodyCapped(c.req.raw, MAX_WEBHOOK_BYTES, (chunk) => check.update(chunk));
    if (!check.matches()) throw unauthorized(POST_REFUSED);
    // Not parsed when it could not be stored anyway; the platform retries a 429.
    if (deps.writer.isFull) throw writeFailure(new WriteQueueFullError(1));
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
      if (error instanceof ForeignAccountError) throw new ApiError(403, 'foreign_account', error.message);
      deps.logger.error({ err: { type: (error as Error).name }, channel }, 'webhook intake failed');
      throw writeFailure(error);
    }
  };
}
