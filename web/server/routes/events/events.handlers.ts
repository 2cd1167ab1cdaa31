import type { Context } from 'hono';
import { ApiError, unauthorized } from '../../http/apiError';
import { bearerToken } from '../../http/bearer';
import { readBodyCapped } from '../../http/readBody';
import { writeFailure } from '../../http/writeFailure';
import { commitPrepared, prepareContext, prepareItemsInTurns, type IntakeDeps, type PreparedBatch } from '../../../../ingest/events/ingestBatch';
import { WriteQueueFullError } from '../../../../ingest/buffer/eventWriter';
import { KeyQuotaExceededError, type IngestKeyQuotas } from '../../../../ingest/keys/ingestQuotas';
import { MAX_BODY_BYTES, parseEventsBody } from './parseEventsBody';
import type { IntakeThreads } from './intakeThreads';

export interface EventsDeps extends IntakeDeps {
  /** Per-key quotas (INGEST_KEY_*): one key cannot take the whole write queue. */
  keyQuotas: IngestKeyQuotas;
  /** INTAKE_THREADS above 0: bodies are parsed, checked and anonymised there, not on the main thread. */
  intakeThreads?: IntakeThreads;
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

/** The body parsed, its events checked and anonymised: on an intake thread when there are some, else here. */
function prepareBody(deps: EventsDeps, contentType: string | undefined, body: Buffer, scope: ReadonlySet<string>): Promise<PreparedBatch> {
  if (deps.intakeThreads) return deps.intakeThreads.prepare(contentType, body, scope, deps);
  const items = parseEventsBody(contentType, body);
  return prepareItemsInTurns(items, prepareContext(scope, deps));
}

/** POST /v1/events: authenticate -> quotas -> read (capped) -> parse -> ingest -> reply after commit. */
export function postEventsHandler(deps: EventsDeps) {
  return async (c: Context) => {
    const presented = bearerToken(c);
    const key = presented === undefined ? undefined : await deps.registry.findKey(presented);
    if (!key) throw unauthorized('a valid ingest key is required: Authorization: Bearer <ingest key>');
    admitBeforeReading(deps, key.id);
    const body = await readBodyCapped(c.req.raw, MAX_BODY_BYTES);
    const prepared = await prepareBody(deps, c.req.header('content-type'), body, key.scope);
    if (prepared.itemCount === 0) throw new ApiError(400, 'no_events', 'the body holds no events');
    let outcome;
    try {
      // Every event sent counts against the key's rate, valid or not: each one was parsed and checked.
      deps.keyQuotas.charge(key.id, prepared.itemCount);
      outcome = await commitPrepared(prepared, deps, { keyId: key.id, quotas: deps.keyQuotas });
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
