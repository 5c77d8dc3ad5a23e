/**
 * Blob uploads of the OCI distribution API (spec "Pushing blobs"): a HEAD first so content the
 * registry already holds is never sent again, then a cross-repository mount when the caller knows a
 * repository on the same registry that has the blob, then a monolithic upload (POST for a session,
 * one PUT with the bytes and `?digest=`) for small blobs, or a chunked one (PATCH with
 * Content-Range per chunk, then the closing PUT) for blobs larger than one chunk, so a layer of any
 * size is pushed with one chunk in memory at a time.
 */
import { PortcullisError, inputError, parseDigest, sha256Digest } from '../core/index.ts';
import type { RegistrySession } from './session.ts';

/** A blob to push: the bytes, or a way to stream them with the digest and size they must have. */
export type BlobSource = Buffer | { digest: string; size: number; open(): Promise<AsyncIterable<Buffer>> };

export interface PushBlobOptions {
  /** Another repository on the same registry that holds the blob: tried as a mount first. */
  mountFrom?: string;
  /** Bytes per PATCH for chunked uploads; default 8 MiB. Blobs up to one chunk go up in one PUT. */
  chunkBytes?: number;
}

export interface PushedBlob {
  digest: string;
  size: number;
  /** How the registry came to hold it. */
  how: 'existed' | 'mounted' | 'uploaded';
}

const PUSH = ['pull', 'push'];
const DEFAULT_CHUNK_BYTES = 8 * 1024 * 1024;
const MAX_CHUNK_BYTES = 64 * 1024 * 1024;
const OCTET_STREAM = 'application/octet-stream';

/** Digest and size of a source, validated before anything is sent. */
function describeSource(source: BlobSource): { digest: string; size: number } {
  if (Buffer.isBuffer(source)) {
    return { digest: sha256Digest(source), size: source.length };
  }
  if (!Number.isSafeInteger(source.size) || source.size < 0) throw inputError(`blob ${source.digest}: invalid size ${source.size}`);
  return { digest: parseDigest(source.digest, 'blob digest'), size: source.size };
}

async function blobExists(session: RegistrySession, repository: string, digest: string): Promise<boolean> {
  const response = await session.request({
    method: 'HEAD',
    repository,
    actions: ['pull'],
    path: `/v2/${repository}/blobs/${parseDigest(digest, 'blob digest')}`,
    accept: (status) => status === 200 || status === 404,
    what: `checking blob ${digest}`,
  });
  await response.body?.cancel().catch(() => {});
  return response.status === 200;
}

/** The upload session URL from a 202's Location header, resolved against the registry origin. */
async function uploadLocation(session: RegistrySession, response: Response, action: string): Promise<URL> {
  await response.body?.cancel().catch(() => {});
  const location = response.headers.get('location');
  if (location === null || location === '') throw new PortcullisError('NETWORK', `${action}: the registry started an upload without a Location header`);
  try {
    return new URL(location, await session.origin());
  } catch {
    throw new PortcullisError('NETWORK', `${action}: the registry sent an invalid upload Location`);
  }
}

export async function pushBlob(session: RegistrySession, repository: string, source: BlobSource, options: PushBlobOptions = {}): Promise<PushedBlob> {
  const { digest, size } = describeSource(source);
  const action = session.describe(`pushing blob ${digest}`, repository);
  if (await blobExists(session, repository, digest)) return { digest, size, how: 'existed' };

  const mount = options.mountFrom !== undefined && options.mountFrom !== repository ? `?mount=${digest}&from=${encodeURIComponent(options.mountFrom)}` : '';
  const started = await session.request({
    method: 'POST',
    repository,
    actions: PUSH,
    path: `/v2/${repository}/blobs/uploads/${mount}`,
    accept: (status) => status === 201 || status === 202,
    what: `pushing blob ${digest}`,
  });
  // 201: the mount worked. 202: it did not (or none was asked); the answer opened an upload session.
  if (started.status === 201) {
    await started.body?.cancel().catch(() => {});
    return { digest, size, how: 'mounted' };
  }
  // The spec lets a registry ask for chunks of at least OCI-Chunk-Min-Length bytes; a chunk is held
  // in memory, so the request is honoured only up to MAX_CHUNK_BYTES.
  const minimum = Number(started.headers.get('oci-chunk-min-length') ?? 0);
  const wanted = Number.isSafeInteger(minimum) ? Math.min(minimum, MAX_CHUNK_BYTES) : 0;
  const chunkBytes = Math.max(options.chunkBytes ?? DEFAULT_CHUNK_BYTES, wanted);
  let location = await uploadLocation(session, started, action);

  if (Buffer.isBuffer(source) && source.length <= chunkBytes) {
    await finish(session, repository, location, digest, source, action);
    return { digest, size, how: 'uploaded' };
  }
  let offset = 0;
  for await (const chunk of rechunk(Buffer.isBuffer(source) ? oneChunk(source) : await source.open(), chunkBytes)) {
    if (offset + chunk.length > size) throw inputError(`${action}: the source has more than its declared ${size} bytes`);
    const response = await session.request({
      method: 'PATCH',
      repository,
      actions: PUSH,
      path: location.href,
      headers: { 'content-type': OCTET_STREAM, 'content-range': `${offset}-${offset + chunk.length - 1}` },
      body: chunk,
      accept: (status) => status === 202,
      what: `uploading a chunk of blob ${digest}`,
    });
    location = await uploadLocation(session, response, action);
    offset += chunk.length;
  }
  if (offset !== size) throw inputError(`${action}: the source has ${offset} bytes, but its declared size is ${size}`);
  await finish(session, repository, location, digest, Buffer.alloc(0), action);
  return { digest, size, how: 'uploaded' };
}

/** The closing PUT: the registry checks the digest and answers 201, or refuses the upload. */
async function finish(session: RegistrySession, repository: string, location: URL, digest: string, body: Buffer, action: string): Promise<void> {
  const url = new URL(location);
  url.searchParams.set('digest', digest);
  const response = await session.request({
    method: 'PUT',
    repository,
    actions: PUSH,
    path: url.href,
    headers: { 'content-type': OCTET_STREAM },
    body,
    accept: (status) => status === 201 || status === 204,
    what: `finishing upload of blob ${digest}`,
  });
  await response.body?.cancel().catch(() => {});
  const stored = response.headers.get('docker-content-digest');
  if (stored !== null && stored !== '' && stored.trim() !== digest) {
    throw new PortcullisError('DIGEST_MISMATCH', `${action}: the registry stored ${stored.trim().slice(0, 80)} instead`);
  }
}

/** Regroups a byte stream into pieces of exactly `size` bytes (the last one shorter). */
async function* rechunk(source: AsyncIterable<Buffer>, size: number): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const piece of source) {
    let rest = piece;
    while (pendingBytes + rest.length >= size) {
      const take = size - pendingBytes;
      pending.push(rest.subarray(0, take));
      yield Buffer.concat(pending, size);
      rest = rest.subarray(take);
      pending = [];
      pendingBytes = 0;
    }
    if (rest.length > 0) {
      pending.push(rest);
      pendingBytes += rest.length;
    }
  }
  if (pendingBytes > 0) yield Buffer.concat(pending, pendingBytes);
}

async function* oneChunk(buffer: Buffer): AsyncGenerator<Buffer> {
  yield buffer;
}
