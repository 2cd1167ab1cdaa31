import type { Context } from 'hono';
import { ApiError, unauthorized } from '../../http/apiError';
import { bearerToken } from '../../http/bearer';
import { readBodyCapped } from '../../http/readBody';
import { writeFailure } from '../../http/writeFailure';
import { ingestBatch, type IntakeDeps } from '../../../../ingest/events/ingestBatch';
import { WriteQueueFullError } from '../../../../ingest/buffer/eventWriter';
import { KeyQuotaExceededError, type IngestKeyQuotas } from '../../../../ingest/keys/ingestQuotas';
import { MAX_BODY_BYTES, parseEventsBody } from './parseEventsBody';

export interface EventsDeps extends IntakeDeps {
  /** Per-key quotas (INGEST_KEY_*): one key cannot take the whole write queue. */
  keyQuotas: IngestKeyQuotas;
}

/** 429 key_quota_exceeded: this key's own limit, while other keys' requests go on. */
export function keyQuotaRefusal(error: KeyQuotaExceededError): ApiError {
  const message = error.exceeded === 'rate'
    ? `this ingest key sent more than its ${error.limit} events per second; nothing of this request was stored; retry after Retry-After seconds`
    : `this ingest key already has ${error.limit} events waiting to be stored (its share of the write queue); nothing of this request was stored; retry later`;
  return new ApiError(429, 'key_quota_exceeded', message, undefined, { 'Retry-After': String(error.retryAfterSeconds) });
}

const refusal = (error: unknown) => (error instanceof KeyQuotaExceededError ? keyQuotaRefusal(error) : writeFailure(error));

/**
 * Refuses a request its key's quota or a full write queue would refuse anyway, before its body
 * (up to 5 MiB) is read and parsed.
 */
function admitBeforeReading(deps: EventsDeps, keyId: string): void {
  try {
    deps.keyQuotas.admit(keyId);
    if (deps.writer.isFull) throw new WriteQueueFullError(1);
  } catch (error) {
    throw refusal(error);
  }
}

/** POST /v1/events: authenticate -> quotas -> read (capped) -> parse -> ingest -> reply after commit. */
export function postEventsHandler(deps: EventsDeps) {
  return async (c: Context) => {
    const presented = bearerToken(c);
    const key = presented === undefined ? undefined : await deps.registry.findKey(presented);
    if (!key) throw unauthorized('a valid ingest key is required: Authorization: Bearer <ingest key>');
    admitBeforeReading(deps, key.id);
    const body = await readBodyCapped(c.req.raw, MAX_BODY_BYTES);
    const items = parseEventsBody(c.req.header('content-type'), body);
    if (items.length === 0) throw new ApiError(400, 'no_events', 'the body holds no events');
    let outcome;
    try {
      outcome = await ingestBatch(items, key.scope, deps, { keyId: key.id, quotas: deps.keyQuotas });
    } catch (error) {
      throw refusal(error);
    }
    if (outcome.status === 200) return c.json(outcome.reply, 200);
    const message = outcome.status === 403
      ? 'no event of this request is for a business this key may write for'
      : 'every event of this request was rejected; see rejected';
    const code = outcome.status === 403 ? 'forbidden' : 'all_events_rejected';
    return c.json({ error: { code, message, details: outcome.reply.rejected }, ...outcome.reply }, outcome.status);
  };
}
