import type { BodyItem } from '../../../../ingest/events/bodyItem';
import { ApiError } from '../../http/apiError';

export const MAX_EVENTS_PER_REQUEST = 10_000;
export const MAX_BODY_BYTES = 5 * 1024 * 1024;

const tooManyEvents = () =>
  new ApiError(413, 'too_many_events', `at most ${MAX_EVENTS_PER_REQUEST} events per request`);

function parseJsonBody(text: string): BodyItem[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiError(400, 'malformed_json', 'the body is not valid JSON; nothing was stored');
  }
  const events = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as { events?: unknown }).events : undefined;
  if (!Array.isArray(events)) {
    throw new ApiError(400, 'bad_request', 'the body must be an object {"events": [...]}; nothing was stored');
  }
  if (events.length > MAX_EVENTS_PER_REQUEST) throw tooManyEvents();
  return events.map((value) => ({ ok: true, value }));
}

/** One event a line; a line that is not JSON rejects that event only (e.g. a truncated last line). */
function parseNdjsonBody(text: string): BodyItem[] {
  const lines = text.split('\n').map((line) => line.trim()).filter((line) => line.length > 0);
  if (lines.length > MAX_EVENTS_PER_REQUEST) throw tooManyEvents();
  const items = lines.map((line): BodyItem => {
    try {
      return { ok: true, value: JSON.parse(line) };
    } catch {
      return { ok: false, error: 'this line is not valid JSON' };
    }
  });
  if (items.length > 0 && items.every((item) => !item.ok)) {
    throw new ApiError(400, 'malformed_ndjson', 'no line of the body is valid JSON; nothing was stored');
  }
  return items;
}

export function parseEventsBody(contentType: string | undefined, body: Buffer): BodyItem[] {
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new ApiError(400, 'malformed_body', 'the body is not valid UTF-8; nothing was stored');
  }
  if (mediaType === 'application/json') return parseJsonBody(text);
  if (mediaType === 'application/x-ndjson' || mediaType === 'application/jsonl') return parseNdjsonBody(text);
  throw new ApiError(415, 'unsupported_media_type', 'send application/json ({"events": [...]}) or application/x-ndjson');
}
