import { createHash } from 'node:crypto';

// Defensive readers for platform payloads: fields may be missing, of another type, or new.

export type Json = Record<string, unknown>;

export const asObject = (value: unknown): Json | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;

export const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** A non-empty string, or a finite number given as a string. */
export function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.length > 0 ? value : undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

const MIN_MS = Date.UTC(2000, 0, 1);
const MAX_MS = Date.UTC(2200, 0, 1);

/**
 * A unix time (seconds for WhatsApp, milliseconds for Messenger; number or numeric string) as
 * RFC 3339, or undefined when it is not a plausible time.
 */
export function unixToIso(value: unknown, unit: 's' | 'ms'): string | undefined {
  const text = asText(value);
  if (text === undefined || !/^\d{1,16}(\.\d+)?$/.test(text)) return undefined;
  const ms = unit === 's' ? Number(text) * 1000 : Number(text);
  if (!(ms >= MIN_MS && ms < MAX_MS)) return undefined;
  return new Date(Math.floor(ms)).toISOString();
}

export function unixToMs(value: unknown, unit: 's' | 'ms'): number | undefined {
  const iso = unixToIso(value, unit);
  return iso === undefined ? undefined : Date.parse(iso);
}

/** Platform ids become event ids; one that would not fit (128) is shortened deterministically. */
export function eventId(prefix: string, ...parts: string[]): string {
  const id = [prefix, ...parts].join(':');
  return id.length <= 128 ? id : `${prefix}:sha256:${createHash('sha256').update(id).digest('hex')}`;
}
