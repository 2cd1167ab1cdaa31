import { createRouter } from '../../http/router';
import { WEBHOOK_SOURCES } from '../../../../ingest/webhooks/sources';
import { eventsHandler, handshakeHandler } from './webhooks.handlers';
import { webhookRouteContracts } from './webhooks.routes';
import { WebhookIntake, type WebhookIntakeDeps } from '../../../../ingest/webhooks/webhookIntake';

/**
 * GET/POST /v1/webhooks/<source>/:business for every webhook source (ingest/webhooks/sources.ts) (their admin endpoints are in
 * web/server/admin/webhookAdminRoutes.ts). The POST body is read raw (signature first, then JSON), so the contracts are registered
 * for the OpenAPI document and the handlers are wired without the validator.
 */
export function webhookRoutes(deps: WebhookIntakeDeps) {
  const router = createRouter();
  const intake = new WebhookIntake(deps);
  for (const route of webhookRouteContracts) router.openAPIRegistry.registerPath(route);
  for (const source of WEBHOOK_SOURCES) {
    router.get(`/v1/webhooks/${source.channel}/:business`, handshakeHandler(deps, source));
    router.post(`/v1/webhooks/${source.channel}/:business`, eventsHandler(deps, intake, source));
  }
  return router;
}
