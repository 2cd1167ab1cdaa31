import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses } from '../http/openapiSchemas';
import { LoginBody, PasswordReset, SessionInfo, User, UserCreate, UserId, UserUpdate } from './authSchemas';

const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });
const adminSecurity = [{ adminToken: [] }];
const userParam = z.object({ id: UserId });

export const loginRoute = createRoute({
  method: 'post', path: '/v1/session', tags: ['Users'], summary: 'Sign in: sets an HttpOnly, SameSite session cookie',
  request: { body: { required: true, content: json(LoginBody) } },
  responses: { 200: { description: 'Signed in', content: json(SessionInfo) }, ...errorResponses(400, 401, 403, 429) },
});

export const currentSessionRoute = createRoute({
  method: 'get', path: '/v1/session', tags: ['Users'], summary: 'Who is signed in',
  responses: { 200: { description: 'The current session', content: json(SessionInfo) }, ...errorResponses(401) },
});

export const logoutRoute = createRoute({
  method: 'delete', path: '/v1/session', tags: ['Users'], summary: 'Sign out',
  responses: { 204: { description: 'Signed out' } },
});

export const createUserRoute = createRoute({
  method: 'post', path: '/v1/users', tags: ['Users'], security: adminSecurity, summary: 'Create a dashboard user (admin)',
  request: { body: { required: true, content: json(UserCreate) } },
  responses: { 201: { description: 'Created', content: json(User) }, ...errorResponses(400, 401, 403, 409) },
});

export const listUsersRoute = createRoute({
  method: 'get', path: '/v1/users', tags: ['Users'], security: adminSecurity, summary: 'List dashboard users (admin)',
  responses: { 200: { description: 'Users', content: json(z.object({ users: z.array(User) })) }, ...errorResponses(401, 403) },
});

export const updateUserRoute = createRoute({
  method: 'patch', path: '/v1/users/{id}', tags: ['Users'], security: adminSecurity,
  summary: 'Change a user\'s role or businesses (admin); ends the user\'s sessions',
  request: { params: userParam, body: { required: true, content: json(UserUpdate) } },
  responses: { 200: { description: 'Changed', content: json(User) }, ...errorResponses(400, 401, 403, 404) },
});

export const resetPasswordRoute = createRoute({
  method: 'post', path: '/v1/users/{id}/password', tags: ['Users'], security: adminSecurity,
  summary: 'Set a user\'s password (admin); ends the user\'s sessions',
  request: { params: userParam, body: { required: true, content: json(PasswordReset) } },
  responses: { 204: { description: 'Set' }, ...errorResponses(400, 401, 403, 404) },
});

export const deleteUserRoute = createRoute({
  method: 'delete', path: '/v1/users/{id}', tags: ['Users'], security: adminSecurity,
  summary: 'Delete a user (admin); their sessions end at once',
  request: { params: userParam },
  responses: { 204: { description: 'Deleted' }, ...errorResponses(401, 403, 404) },
});
