import { createRouter } from '../../http/router';
import type { WebhookChannel } from '../../../../ingest/webhooks/mappedEvent';
import { eventsHandler, handshakeHandler } from './webhooks.handlers';
import { webhookRouteContracts } from './webhooks.routes';
import { WebhookIntake, type WebhookIntakeDeps } from '../../../../ingest/webhooks/webhookIntake';

/**
 * GET/POST /v1/webhooks/{whatsapp|messenger}/:business (their admin endpoints are in
 * web/server/admin/webhookAdminRoutes.ts). The POST body is read raw (signature first, then JSON), so the contracts are registered
 * for the OpenAPI document and the handlers are wired without the validator.
 */
export function webhookRoutes(deps: WebhookIntakeDeps) {
  const router = createRouter();
  const intake = new WebhookIntake(deps);
  for (const route of webhookRouteContracts) router.openAPIRegistry.registerPath(route);
  for (const channel of ['whatsapp', 'messenger'] as const satisfies readonly WebhookChannel[]) {
    router.get(`/v1/webhooks/${channel}/:business`, handshakeHandler(deps));
    router.post(`/v1/webhooks/${channel}/:business`, eventsHandler(deps, intake, channel));
  }
  return router;
}
