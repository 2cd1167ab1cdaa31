import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';

/** One line per request: method, route pattern (not the URL: no query strings), status, time. */
export function requestLog(logger: Logger): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    await next();
    logger.info(
      { method: c.req.method, route: c.req.routePath, status: c.res.status, ms: Math.round(performance.now() - started) },
      'request',
    );
  };
}
