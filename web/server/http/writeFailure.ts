import { ApiError } from './apiError';
import { WriteQueueFullError } from '../../../ingest/buffer/eventWriter';

/**
 * What a client is told when its events could not be handed to or committed by the writer.
 * Either way nothing of the request was stored, so retrying it as it is is safe.
 */
export function writeFailure(error: unknown): ApiError {
  if (error instanceof WriteQueueFullError) {
    return new ApiError(429, 'overloaded', 'the write queue is full; nothing of this request was stored; retry later', undefined, {
      'Retry-After': String(error.retryAfterSeconds),
    });
  }
  return new ApiError(503, 'storage_unavailable', 'the events could not be committed; nothing of this request was stored; retry later', undefined, {
    'Retry-After': '5',
  });
}
