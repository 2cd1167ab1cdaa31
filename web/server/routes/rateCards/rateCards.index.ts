import type { MiddlewareHandler } from 'hono';
import { requireRole, type AuthDeps } from '../../auth/principal';
import { createRouter } from '../../http/router';
import {
  getBusinessRateCardForApi, getRateCardForApi, listRateCardsForApi, putBusinessRateCardForApi, putRateCardHandler, type RateCardDeps,
} from './rateCards.handlers';
import {
  getBusinessRateCardRoute, getRateCardRoute, listRateCardsRoute, putBusinessRateCardRoute, putRateCardRoute,
} from './rateCards.routes';

/**
 * Rate cards: marketing and higher read them (the costs they explain are in their reports); only
 * an admin uploads a card or names a business's card, and each change is audited.
 */
export function rateCardRoutes(deps: RateCardDeps & AuthDeps) {
  const router = createRouter();
  const read = requireRole('marketing', deps);
  const write = requireRole('admin', deps);
  const guard: MiddlewareHandler = (c, next) => (c.req.method === 'GET' ? read(c, next) : write(c, next));
  router.use('/v1/rate-cards', guard);
  router.use('/v1/rate-cards/*', guard);
  router.use('/v1/businesses/:id/rate-card', write);

  // The body is JSON or CSV, parsed by hand: the contract is registered for the OpenAPI document
  // and the handler is wired without the JSON validator.
  router.openAPIRegistry.registerPath(putRateCardRoute);
  router.put('/v1/rate-cards/:id', putRateCardHandler(deps));
  router.openapi(listRateCardsRoute, async (c) => c.json(await listRateCardsForApi(deps), 200));
  router.openapi(getRateCardRoute, async (c) =>
    c.json(await getRateCardForApi(deps, c.req.valid('param').id, c.req.valid('query').version), 200));
  router.openapi(getBusinessRateCardRoute, async (c) => c.json(await getBusinessRateCardForApi(deps, c.req.valid('param').id), 200));
  router.openapi(putBusinessRateCardRoute, async (c) =>
    c.json(await putBusinessRateCardForApi(deps, c, c.req.valid('param').id, c.req.valid('json').card), 200));
  return router;
}
