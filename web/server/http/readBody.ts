import { ApiError } from './apiError';

export const tooLarge = (limitBytes: number) =>
  new ApiError(413, 'payload_too_large', `request body is larger than ${limitBytes} bytes`);

/**
 * Reads a request body, counting bytes as they arrive, so a chunked body without
 * Content-Length cannot get past the limit either. onChunk sees each chunk as it arrives (a
 * webhook's signature is computed while the body streams in).
 */
export async function readBodyCapped(request: Request, limitBytes: number, onChunk?: (chunk: Uint8Array) => void): Promise<Buffer> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limitBytes) throw tooLarge(limitBytes);
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limitBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(limitBytes);
    }
    onChunk?.(value);
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}
