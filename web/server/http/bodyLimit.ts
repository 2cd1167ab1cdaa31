import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { tooLarge } from './readBody';

/**
 * Every request body but ingest's and the webhooks' (which have caps of their own, 5 MiB) is at
 * most this large: sign-in, the registry, users. Checked as the body streams in, before any
 * handler reads it, so a few parallel 1 GB bodies cannot exhaust the one process that owns the
 * database. A business with many processing locations is a few KB.
 */
export const MAX_BODY_BYTES = 256 * 1024;

const OWN_CAPS = (path: string) => path === '/v1/events' || path.startsWith('/v1/webhooks/');

export function requestBodyLimit(): MiddlewareHandler {
  const limit = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw tooLarge(MAX_BODY_BYTES);
    },
  });
  return (c, next) => (OWN_CAPS(c.req.path) ? next() : limit(c, next));
}
