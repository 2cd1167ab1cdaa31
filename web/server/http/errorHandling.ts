import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { z } from '@hono/zod-openapi';
import type { Logger } from 'pino';
import { ApiError } from './apiError';
import { redactedErrorMessage } from '../logger';
import { ReportsBusyError } from '../../../reports/reportsBusy';

export function errorResponse(c: Context, error: ApiError) {
  for (const [name, value] of Object.entries(error.headers ?? {})) c.header(name, value);
  return c.json(error.toBody(), error.status);
}

/** Validation failures of any route, as one shape: each problem with its path, never its value. */
export function validationError(error: z.ZodError, where: string): ApiError {
  const details = error.issues.map((issue) => ({ field: issue.path.join('.') || where, error: issue.message }));
  return new ApiError(400, 'validation_failed', `invalid ${where}`, details);
}

const TARGET_NAMES: Record<string, string> = { json: 'request body', query: 'query parameters', param: 'path parameters', header: 'headers' };

/** The hook every OpenAPI route uses, so validation errors look the same everywhere. */
export const defaultHook = (result: { success: boolean; error?: z.ZodError; target?: string }, c: Context) => {
  if (!result.success && result.error) {
    return errorResponse(c, validationError(result.error, TARGET_NAMES[result.target ?? ''] ?? 'request'));
  }
  return undefined;
};

export function onError(logger: Logger): ErrorHandler {
  return (error, c) => {
    if (error instanceof ApiError) return errorResponse(c, error);
    if (error instanceof ReportsBusyError) {
      return errorResponse(c, new ApiError(503, 'reports_busy', error.message, undefined, { 'Retry-After': String(error.retryAfterSeconds) }));
    }
    if (error instanceof HTTPException && error.status < 500) {
      return errorResponse(c, new ApiError(error.status as 400, 'http_error', error.message || 'request refused'));
    }
    // The error's kind and redacted message only: a stack, a cause or a DuckDB message can carry
    // request values, statements and pseudonyms.
    logger.error({ error: redactedErrorMessage(error), path: c.req.path }, 'unhandled error');
    return errorResponse(c, new ApiError(500, 'internal_error', 'internal error'));
  };
}

export const onNotFound: NotFoundHandler = (c) =>
  errorResponse(c, new ApiError(404, 'not_found', `no route for ${c.req.method} ${c.req.path}`));
