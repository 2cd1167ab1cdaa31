import { ApiError } from '../http/apiError';
import { createRouter } from '../http/router';
import { createUser, currentSession, login, logout, usersForApi } from './authHandlers';
import { createUserRoute, currentSessionRoute, listUsersRoute, loginRoute, logoutRoute } from './authRoutes';
import { clientAddress, LoginThrottle } from './loginThrottle';
import { requireRole, type AuthDeps } from './principal';

export function authRoutes(deps: AuthDeps) {
  const router = createRouter();
  const throttle = new LoginThrottle(deps.now);
  router.openapi(loginRoute, async (c) => {
    const { email, password } = c.req.valid('json');
    const address = clientAddress(c);
    throttle.check(email, address);
    try {
      const session = await login(c, deps, email, password);
      throttle.succeeded(email);
      return c.json(session, 200);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) throttle.failed(email, address);
      throw error;
    }
  });
  router.openapi(currentSessionRoute, async (c) => c.json(await currentSession(c, deps), 200));
  router.openapi(logoutRoute, async (c) => {
    await logout(c, deps);
    return c.body(null, 204);
  });
  router.use('/v1/users', requireRole('admin', deps));
  router.openapi(createUserRoute, async (c) => c.json(await createUser(deps, c.req.valid('json')), 201));
  router.openapi(listUsersRoute, async (c) => c.json(await usersForApi(deps), 200));
  return router;
}
