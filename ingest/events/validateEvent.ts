import type { z } from '@hono/zod-openapi';
import { CONTENT_FIELD_ERROR, CONTENT_FIELDS, IngestEvent, type Rejection } from './eventSchema';

export type Validated = { ok: true; event: IngestEvent } | { ok: false; rejection: Rejection };

// Only echo a field name that looks like one: a key can itself be a phone number or a text.
const PLAIN_FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

function describeUnknownKey(key: string): Omit<Rejection, 'index'> {
  if (CONTENT_FIELDS.has(key.toLowerCase())) return { field: key, error: CONTENT_FIELD_ERROR };
  if (!PLAIN_FIELD_NAME.test(key)) return { field: null, error: 'unknown field (not part of the event schema)' };
  return { field: key, error: `unknown field "${key}" (not part of the event schema)` };
}

function describeIssues(issues: z.core.$ZodIssue[], event: object): Omit<Rejection, 'index'> {
  const unknownKeys = issues.flatMap((issue) => (issue.code === 'unrecognized_keys' ? issue.keys : []));
  // Content fields first: they are the reason this API is strict.
  const contentKey = unknownKeys.find((key) => CONTENT_FIELDS.has(key.toLowerCase()));
  if (contentKey !== undefined) return describeUnknownKey(contentKey);
  const first = issues.find((issue) => issue.code !== 'unrecognized_keys');
  if (first) {
    const field = typeof first.path[0] === 'string' ? first.path[0] : null;
    const missing = first.code === 'invalid_type' && field !== null && !Object.hasOwn(event, field);
    return { field, error: missing ? `${field} is required` : first.message };
  }
  return describeUnknownKey(unknownKeys[0] ?? '');
}

/** Checks one event against the contract; the error never contains the event's values. */
export function validateEvent(value: unknown, index: number): Validated {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, rejection: { index, field: null, error: 'an event must be a JSON object' } };
  }
  const parsed = IngestEvent.safeParse(value);
  if (parsed.success) return { ok: true, event: parsed.data };
  return { ok: false, rejection: { index, ...describeIssues(parsed.error.issues, value) } };
}
