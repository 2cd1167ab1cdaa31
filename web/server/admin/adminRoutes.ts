import { createRouter } from '../http/router';
import { requireRole, type AuthDeps } from '../auth/principal';
import {
  createKeyForApi, getBusinessForApi, listBusinessesForApi, listKeysForApi, putBusinessFromApi, revokeKeyForApi,
  type RegistryDeps,
} from './businessHandlers';
import {
  createKeyRoute, getBusinessRoute, listBusinessesRoute, listKeysRoute, putBusinessRoute, revokeKeyRoute,
} from './businessRoutes';

export function adminRoutes(deps: RegistryDeps & AuthDeps) {
  const router = createRouter();
  const guard = requireRole('admin', deps);
  router.use('/v1/businesses', guard);
  router.use('/v1/businesses/*', guard);
  router.use('/v1/keys/*', guard);

  router.openapi(putBusinessRoute, async (c) => {
    const { created, business } = await putBusinessFromApi(deps, c.req.valid('param').id, c.req.valid('json'));
    return c.json(business, created ? 201 : 200);
  });
  router.openapi(listBusinessesRoute, async (c) => c.json(await listBusinessesForApi(deps), 200));
  router.openapi(getBusinessRoute, async (c) => c.json(await getBusinessForApi(deps, c.req.valid('param').id), 200));
  router.openapi(createKeyRoute, async (c) => {
    const body = c.req.header('content-type')?.includes('json') ? c.req.valid('json') : undefined;
    return c.json(await createKeyForApi(deps, c.req.valid('param').id, body), 201);
  });
  router.openapi(listKeysRoute, async (c) => c.json(await listKeysForApi(deps, c.req.valid('param').id), 200));
  router.openapi(revokeKeyRoute, async (c) => {
    await revokeKeyForApi(deps, c.req.valid('param').id);
    return c.body(null, 204);
  });
  return router;
}
