import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { MiddlewareHandler } from 'hono';
import { acceptedCodings, varyOnAcceptEncoding, type ContentCoding } from './acceptEncoding';

/** Below this a reply goes as it is: the codings' headers and framing would eat the gain. */
export const MIN_COMPRESSED_BYTES = 1024;

/**
 * Text that compresses well: JSON (reports, exports, audit, the OpenAPI document), CSV, HTML,
 * scripts and styles (/docs). Not PDF, zip, Parquet or images (compressed already), and not
 * text/event-stream (a stream, not a body).
 */
const COMPRESSIBLE_TYPE = /^\s*(?:text\/(?!event-stream(?:[;\s]|$))[^;\s]+|application\/(?:json|javascript|xml|[^;\s]+\+(?:json|xml))|image\/svg\+xml)(?:[;\s]|$)/i;
const NO_TRANSFORM = /(?:^|,)\s*no-transform\s*(?:,|$)/i;

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/**
 * Fast settings, for replies compressed while the client waits: brotli quality 4 is about as
 * fast as gzip's default and smaller; the dashboard's files are compressed at build time at the
 * best settings instead. Runs on libuv's threads, so the event loop (ingest) does not wait.
 */
export function compress(body: Uint8Array, coding: ContentCoding): Promise<Buffer> {
  if (coding === 'gzip') return gzipAsync(body, { level: 6 });
  return brotli(body, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 4,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
    },
  });
}

/** A reply this middleware may compress: a full 200 body of a compressible type, not encoded yet. */
function compressible(res: Response): boolean {
  const type = res.headers.get('content-type');
  return res.status === 200 && res.body !== null && type !== null && COMPRESSIBLE_TYPE.test(type)
    && !res.headers.has('content-encoding') && !NO_TRANSFORM.test(res.headers.get('cache-control') ?? '');
}

/**
 * Compresses GET replies on the fly (brotli, else gzip, as Accept-Encoding allows) when they
 * are text above MIN_COMPRESSED_BYTES. It wraps the routes, so whatever they do with the body
 * comes first: the audit log's SHA-256 of a report or export is of the document's bytes, the
 * decoded body. Only GET: HEAD, 304s, and the request and reply handling of ingest and
 * webhooks (POST) stay as they are; request bodies are never decoded by it.
 */
export function compressReplies(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (c.req.method !== 'GET' || !compressible(c.res)) return;
    varyOnAcceptEncoding(c.res.headers);
    const declared = Number(c.res.headers.get('content-length') ?? Infinity);
    const [coding] = acceptedCodings(c.req.header('accept-encoding'));
    if (!coding || declared < MIN_COMPRESSED_BYTES) return;
    const body = new Uint8Array(await c.res.arrayBuffer());
    const encoded = body.length < MIN_COMPRESSED_BYTES ? null : await compress(body, coding);
    const headers = new Headers(c.res.headers);
    if (encoded) {
      headers.set('content-encoding', coding);
      headers.set('content-length', String(encoded.length));
    }
    // Hono's c.res setter copies the old reply's headers onto the new one, so the old reply is
    // dropped first: its Content-Length would replace the encoded one.
    const status = c.res.status;
    c.res = undefined;
    c.res = new Response((encoded ?? body) as Uint8Array<ArrayBuffer>, { status, headers });
  };
}
