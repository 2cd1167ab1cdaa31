import { createRouter } from '../../web/server/http/router';
import { postEventsHandler } from './eventsHandler';
import { postEventsRoute } from './eventsRoute';
import type { IntakeDeps } from './ingestBatch';

// The body is parsed by hand (per-event errors, NDJSON, byte cap), so the route's contract is
// registered for the OpenAPI document and the handler is wired without the JSON validator.
export function eventsRoutes(deps: IntakeDeps) {
  const router = createRouter();
  router.openAPIRegistry.registerPath(postEventsRoute);
  router.post(postEventsRoute.path, postEventsHandler(deps));
  return router;
}
