import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses } from '../http/openapiSchemas';
import { Business, BusinessId, BusinessPut, KeyCreate, KeyCreated, KeySummary } from './businessSchemas';

const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });
const adminSecurity = [{ adminToken: [] }];

export const putBusinessRoute = createRoute({
  method: 'put', path: '/v1/businesses/{id}', tags: ['Registry'], security: adminSecurity,
  summary: 'Create or replace a business with its hours and processing locations',
  request: { params: z.object({ id: BusinessId }), body: { required: true, content: json(BusinessPut) } },
  responses: {
    200: { description: 'Replaced', content: json(Business) },
    201: { description: 'Created', content: json(Business) },
    ...errorResponses(400, 401, 403),
  },
});

export const listBusinessesRoute = createRoute({
  method: 'get', path: '/v1/businesses', tags: ['Registry'], security: adminSecurity,
  summary: 'List businesses (secrets are never returned)',
  responses: { 200: { description: 'Businesses', content: json(z.object({ businesses: z.array(Business) })) }, ...errorResponses(401, 403) },
});

export const getBusinessRoute = createRoute({
  method: 'get', path: '/v1/businesses/{id}', tags: ['Registry'], security: adminSecurity,
  summary: 'One business (secrets are never returned)',
  request: { params: z.object({ id: BusinessId }) },
  responses: { 200: { description: 'The business', content: json(Business) }, ...errorResponses(400, 401, 403, 404) },
});

export const createKeyRoute = createRoute({
  method: 'post', path: '/v1/businesses/{id}/keys', tags: ['Registry'], security: adminSecurity,
  summary: 'Create an ingest key; the key is shown once',
  request: { params: z.object({ id: BusinessId }), body: { required: false, content: json(KeyCreate) } },
  responses: { 201: { description: 'The new key', content: json(KeyCreated) }, ...errorResponses(400, 401, 403, 404) },
});

export const listKeysRoute = createRoute({
  method: 'get', path: '/v1/businesses/{id}/keys', tags: ['Registry'], security: adminSecurity,
  summary: 'Ingest keys of a business (never the keys themselves)',
  request: { params: z.object({ id: BusinessId }) },
  responses: { 200: { description: 'Keys', content: json(z.object({ keys: z.array(KeySummary) })) }, ...errorResponses(401, 403, 404) },
});

export const revokeKeyRoute = createRoute({
  method: 'delete', path: '/v1/keys/{id}', tags: ['Registry'], security: adminSecurity,
  summary: 'Revoke an ingest key',
  request: { params: z.object({ id: z.string().min(1).max(64) }) },
  responses: { 204: { description: 'Revoked' }, ...errorResponses(401, 403, 404) },
});
