import { deleteAlertEndpoint, getAlertEndpoint, setAlertEndpoint } from '../../../db/alerts';
import type { SecretBox } from '../../../db/secretBox';
import type { RegistryStore } from '../../../db/store';
import { badRequest, notFound } from '../http/apiError';
import { principalOf, requireRole, type AuthDeps } from '../auth/principal';
import { recordAction } from '../auth/auditAction';
import { createRouter } from '../http/router';
import { alertUrlProblem } from '../alerts/alertUrl';
import { deleteAlertEndpointRoute, getAlertEndpointRoute, putAlertEndpointRoute } from './alertEndpointSchemas';

export interface AlertEndpointDeps extends AuthDeps {
  store: RegistryStore;
  secretBox: SecretBox;
  /** ALERT_ENDPOINT_ALLOW_HTTP=1: http URLs beyond localhost are taken. */
  alertEndpointsAllowHttp?: boolean;
}

async function endpointReply(deps: AlertEndpointDeps, id: string) {
  const endpoint = await getAlertEndpoint(deps.store, id);
  if (!endpoint) throw notFound(`business ${id} has no alert endpoint`);
  return { business: id, url: endpoint.url, secret_set: endpoint.secretSet, updated_at: endpoint.updatedAt };
}

/** Admin endpoints of a business's alert delivery: where alerts are posted and their signing secret. */
export function alertEndpointRoutes(deps: AlertEndpointDeps) {
  const router = createRouter();
  router.use('/v1/businesses/:id/alert-endpoint', requireRole('admin', deps));

  router.openapi(putAlertEndpointRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { url, secret } = c.req.valid('json');
    const problem = alertUrlProblem(url, deps.alertEndpointsAllowHttp ?? false);
    if (problem) throw badRequest(problem);
    if (!(await setAlertEndpoint(deps.store, deps.secretBox, id, { url, secret }, deps.now()))) throw notFound(`business ${id} is not registered`);
    // The names of what was set, never the secret; the URL may carry a token of its own.
    await recordAction(deps, { actor: principalOf(c).actor, action: 'admin.business.alert_endpoint', target: id, filters: { changed: ['url', 'secret'] } });
    return c.json(await endpointReply(deps, id), 200);
  });
  router.openapi(getAlertEndpointRoute, async (c) => c.json(await endpointReply(deps, c.req.valid('param').id), 200));
  router.openapi(deleteAlertEndpointRoute, async (c) => {
    const { id } = c.req.valid('param');
    if (!(await deleteAlertEndpoint(deps.store, id))) throw notFound(`business ${id} has no alert endpoint`);
    await recordAction(deps, { actor: principalOf(c).actor, action: 'admin.business.alert_endpoint.delete', target: id });
    return c.body(null, 204);
  });
  return router;
}
