import type { Context } from 'hono';
import { ApiError, unauthorized } from '../../http/apiError';
import { bearerToken } from '../../http/bearer';
import { readBodyCapped } from '../../http/readBody';
import { writeFailure } from '../../http/writeFailure';
import { ingestBatch, type IntakeDeps } from '../../../../ingest/events/ingestBatch';
import { MAX_BODY_BYTES, parseEventsBody } from './parseEventsBody';

/** POST /v1/events: authenticate -> read (capped) -> parse -> ingest -> reply after commit. */
export function postEventsHandler(deps: IntakeDeps) {
  return async (c: Context) => {
    const key = bearerToken(c);
    const scope = key === undefined ? undefined : deps.registry.scopeOfKey(key);
    if (!scope) throw unauthorized('a valid ingest key is required: Authorization: Bearer <ingest key>');
    const body = await readBodyCapped(c.req.raw, MAX_BODY_BYTES);
    const items = parseEventsBody(c.req.header('content-type'), body);
    if (items.length === 0) throw new ApiError(400, 'no_events', 'the body holds no events');
    let outcome;
    try {
      outcome = await ingestBatch(items, scope, deps);
    } catch (error) {
      throw writeFailure(error);
    }
    if (outcome.status === 200) return c.json(outcome.reply, 200);
    const message = outcome.status === 403
      ? 'no event of this request is for a business this key may write for'
      : 'every event of this request was rejected; see rejected';
    const code = outcome.status === 403 ? 'forbidden' : 'all_events_rejected';
    return c.json({ error: { code, message, details: outcome.reply.rejected }, ...outcome.reply }, outcome.status);
  };
}
