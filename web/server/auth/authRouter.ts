import { createRouter } from '../http/router';
import { currentSession, login, logout } from './authHandlers';
import {
  createUserRoute, currentSessionRoute, deleteUserRoute, listUsersRoute, loginRoute, logoutRoute, resetPasswordRoute, updateUserRoute,
} from './authRoutes';
import { LoginThrottle } from './loginThrottle';
import type { SignInThrottle } from './throttleRules';
import { principalOf, requireRole, type AuthDeps } from './principal';
import { changeUser, createUser, removeUser, resetPassword, usersForApi } from './userHandlers';

/** signInThrottle: shared by the servers of one store (STORE=clickhouse); absent, this process counts in memory. */
export function authRoutes(deps: AuthDeps & { signInThrottle?: SignInThrottle }) {
  const router = createRouter();
  const throttle = deps.signInThrottle ?? new LoginThrottle(deps.now);
  router.openapi(loginRoute, async (c) => {
    const { email, password } = c.req.valid('json');
    return c.json(await login(c, deps, throttle, email, password), 200);
  });
  router.openapi(currentSessionRoute, async (c) => c.json(await currentSession(c, deps), 200));
  router.openapi(logoutRoute, async (c) => {
    await logout(c, deps);
    return c.body(null, 204);
  });

  const admin = requireRole('admin', deps);
  router.use('/v1/users', admin);
  router.use('/v1/users/*', admin);
  router.openapi(createUserRoute, async (c) => c.json(await createUser(deps, principalOf(c).actor, c.req.valid('json')), 201));
  router.openapi(listUsersRoute, async (c) => c.json(await usersForApi(deps), 200));
  router.openapi(updateUserRoute, async (c) =>
    c.json(await changeUser(deps, principalOf(c).actor, c.req.valid('param').id, c.req.valid('json')), 200));
  router.openapi(resetPasswordRoute, async (c) => {
    await resetPassword(deps, principalOf(c).actor, c.req.valid('param').id, c.req.valid('json').password);
    return c.body(null, 204);
  });
  router.openapi(deleteUserRoute, async (c) => {
    await removeUser(deps, principalOf(c).actor, c.req.valid('param').id);
    return c.body(null, 204);
  });
  return router;
}
