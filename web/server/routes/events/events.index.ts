import { createRouter } from '../../http/router';
import { postEventsHandler, type EventsDeps } from './events.handlers';
import { postEventsRoute } from './events.routes';

// The body is parsed by hand (per-event errors, NDJSON, byte cap), so the route's contract is
// registered for the OpenAPI document and the handler is wired without the JSON validator.
export function eventsRoutes(deps: EventsDeps) {
  const router = createRouter();
  router.openAPIRegistry.registerPath(postEventsRoute);
  router.post(postEventsRoute.path, postEventsHandler(deps));
  return router;
}
