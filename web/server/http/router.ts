import { OpenAPIHono } from '@hono/zod-openapi';
import { defaultHook } from './errorHandling';

/** Every router of the API: OpenAPI-described, with one validation error shape. */
export function createRouter() {
  return new OpenAPIHono({ defaultHook });
}
