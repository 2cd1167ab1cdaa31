import { createRouter } from '../http/router';
import { principalOf, requireRole, type AuthDeps } from '../auth/principal';
import { recordAction } from '../auth/auditAction';
import { getBusiness, listActiveKeys } from '../../../db/registry';
import { changedBusinessFields } from './adminAudit';
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
    const id = c.req.valid('param').id;
    const body = c.req.valid('json');
    const changed = changedBusinessFields(await getBusiness(deps.store, id), body);
    const { created, business } = await putBusinessFromApi(deps, id, body);
    const action = created ? 'admin.business.create' : 'admin.business.update';
    await recordAction(deps, { actor: principalOf(c).actor, action, target: id, filters: { changed } });
    return c.json(business, created ? 201 : 200);
  });
  router.openapi(listBusinessesRoute, async (c) => c.json(await listBusinessesForApi(deps), 200));
  router.openapi(getBusinessRoute, async (c) => c.json(await getBusinessForApi(deps, c.req.valid('param').id), 200));
  router.openapi(createKeyRoute, async (c) => {
    const body = c.req.header('content-type')?.includes('json') ? c.req.valid('json') : undefined;
    const key = await createKeyForApi(deps, c.req.valid('param').id, body);
    await recordAction(deps, { actor: principalOf(c).actor, action: 'admin.key.create', target: key.businesses.join(','), filters: { key_id: key.id } });
    return c.json(key, 201);
  });
  router.openapi(listKeysRoute, async (c) => c.json(await listKeysForApi(deps, c.req.valid('param').id), 200));
  router.openapi(revokeKeyRoute, async (c) => {
    const keyId = c.req.valid('param').id;
    const key = (await listActiveKeys(deps.store)).find((k) => k.id === keyId);
    await revokeKeyForApi(deps, keyId);
    await recordAction(deps, { actor: principalOf(c).actor, action: 'admin.key.revoke', target: key?.businesses.join(',') ?? null, filters: { key_id: keyId } });
    return c.body(null, 204);
  });
  return router;
}
