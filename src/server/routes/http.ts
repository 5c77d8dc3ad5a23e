/**
 * HTTP details shared by the /v2/ handlers: request bodies as streams or bounded buffers, the
 * Content-Range and Range headers, and the Link header of paginated lists.
 */
import type { FastifyRequest } from 'fastify';
import { RegistryError } from '../../registry/index.ts';
import type { ChunkHeaders } from '../../registry/index.ts';

export function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The request body as a stream of chunks (fastify is told not to parse it). */
export function bodyStream(request: FastifyRequest): AsyncIterable<Uint8Array> {
  return request.raw;
}

/** True when the request announces a body (a length above zero or chunked encoding). */
export function hasBody(request: FastifyRequest): boolean {
  const length = header(request, 'content-length');
  return (length !== undefined && length !== '0') || header(request, 'transfer-encoding') !== undefined;
}

/** The whole body, refused as MANIFEST_TOO_LARGE past `maxBytes` before or while reading it. */
export async function boundedBody(request: FastifyRequest, maxBytes: number): Promise<Buffer> {
  const declared = Number(header(request, 'content-length') ?? '0');
  const tooLarge = () => new RegistryError('MANIFEST_TOO_LARGE', `request body is over the limit of ${maxBytes} bytes`);
  if (declared > maxBytes) throw tooLarge();
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of request.raw as AsyncIterable<Buffer>) {
    total += chunk.byteLength;
    if (total > maxBytes) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function rangeError(message: string): RegistryError {
  return new RegistryError('RANGE_INVALID', message);
}

/** Content-Range and Content-Length of an upload chunk; a malformed Content-Range is RANGE_INVALID. */
export function chunkHeaders(request: FastifyRequest): ChunkHeaders {
  const result: ChunkHeaders = {};
  const range = header(request, 'content-range');
  if (range !== undefined) {
    // The spec's form is "<start>-<end>"; some clients prefix "bytes " or "bytes=" as in HTTP.
    const match = /^(?:bytes[ =])?(\d{1,15})-(\d{1,15})$/.exec(range.trim());
    if (match === null) throw rangeError(`malformed Content-Range ${JSON.stringify(range.slice(0, 60))}`);
    result.range = { start: Number(match[1]), end: Number(match[2]) };
  }
  const length = header(request, 'content-length');
  if (length !== undefined) {
    if (!/^\d{1,15}$/.test(length)) throw new RegistryError('SIZE_INVALID', 'malformed Content-Length');
    result.length = Number(length);
  }
  return result;
}

/**
 * A single `Range: bytes=...` of a blob of `size` bytes, as inclusive offsets; undefined when absent
 * or in a form served as the whole blob (several ranges).
 */
export function byteRange(request: FastifyRequest, size: number): { start: number; end: number } | undefined {
  const value = header(request, 'range');
  if (value === undefined) return undefined;
  const match = /^bytes=(\d{0,15})-(\d{0,15})$/.exec(value.trim());
  if (match === null) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return undefined;
  if (first === '') return { start: Math.max(size - Number(last), 0), end: size - 1 }; // suffix: the last N bytes
  return { start: Number(first), end: last === '' ? size - 1 : Math.min(Number(last), size - 1) };
}

/** `Link: <...>; rel="next"` for a list that has more entries after `last`. */
export function nextLink(path: string, n: number, last: string): string {
  return `<${path}?n=${n}&last=${encodeURIComponent(last)}>; rel="next"`;
}
