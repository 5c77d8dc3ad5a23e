/** Blob endpoints: GET/HEAD/DELETE /v2/<name>/blobs/<digest> and the upload endpoints under blobs/uploads/. */
import type { OutgoingHttpHeaders } from 'node:http';
import { checkBlobRange, checkDigest, receivedRange, RegistryError } from '../../registry/index.ts';
import { isUploadId } from '../../storage/index.ts';
import type { HandlerContext } from './context.ts';
import { bodyStream, byteRange, chunkHeaders, hasBody } from './http.ts';
import { sendBlobRange } from './send-blob.ts';

function blobLocation(name: string, digest: string): string {
  return `/v2/${name}/blobs/${digest}`;
}

function uploadLocation(name: string, id: string): string {
  return `/v2/${name}/blobs/uploads/${id}`;
}

export async function getBlob(context: HandlerContext, name: string, digest: string): Promise<void> {
  const { request, reply, registry } = context;
  checkDigest(digest, 'BLOB_UNKNOWN');
  const describe = () => reply.header('docker-content-digest', digest).header('accept-ranges', 'bytes').type('application/octet-stream');
  if (request.method === 'HEAD') {
    const size = await registry.statBlob(name, digest);
    describe().header('content-length', size).code(200).send();
    return;
  }
  // One open gives the size, the range check and the bytes.
  const reader = await registry.openBlob(name, digest);
  try {
    const range = byteRange(request, reader.size);
    checkBlobRange(digest, reader.size, range);
    describe();
    if (range !== undefined) {
      reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${reader.size}`).header('content-length', range.end - range.start + 1);
    } else {
      reply.code(200).header('content-length', reader.size);
    }
    // The bytes go out by sendBlobRange, not through Fastify's reply; its onResponse hooks still run.
    reply.hijack();
    reply.raw.writeHead(reply.statusCode, reply.getHeaders() as OutgoingHttpHeaders);
    const failure = await sendBlobRange(reply.raw, reader, range?.start ?? 0, range?.end ?? reader.size - 1);
    if (failure !== undefined) context.logger.error(`GET blob ${digest} of ${name}: ${failure.message}`);
  } finally {
    await reader.close();
  }
}

export async function deleteBlob({ reply, registry }: HandlerContext, name: string, digest: string): Promise<void> {
  await registry.deleteBlob(name, checkDigest(digest, 'BLOB_UNKNOWN'));
  reply.code(202).header('content-length', 0).send();
}

function acceptedUpload({ reply }: HandlerContext, name: string, id: string, size: number, status = 202): void {
  reply.code(status).header('location', uploadLocation(name, id)).header('range', receivedRange(size)).header('docker-upload-uuid', id).header('content-length', 0).send();
}

function createdBlob({ reply }: HandlerContext, name: string, digest: string): void {
  reply.code(201).header('location', blobLocation(name, digest)).header('docker-content-digest', digest).header('content-length', 0).send();
}

async function mayPull({ request, authorize }: HandlerContext, repository: string): Promise<boolean> {
  try {
    await authorize(request, { repository, actions: ['pull'] });
    return true;
  } catch (error) {
    if (error instanceof RegistryError && (error.registryCode === 'UNAUTHORIZED' || error.registryCode === 'DENIED')) return false;
    throw error;
  }
}

/** POST /v2/<name>/blobs/uploads/: mount, monolithic upload, or the start of a chunked one. */
export async function startUpload(context: HandlerContext, name: string): Promise<void> {
  const { request, registry, query } = context;
  const mount = query.get('mount');
  const digest = query.get('digest');
  if (mount !== null) {
    checkDigest(mount);
    const from = query.get('from');
    // Without pull access to `from`, the mount is skipped like a blob `from` lacks: the spec's
    // answer is a plain upload (202), which also reveals nothing about the other repository.
    if (from !== null && from !== name && (await mayPull(context, from)) && (await registry.uploads.mount(name, mount, from))) {
      return createdBlob(context, name, mount);
    }
  }
  const upload = await registry.uploads.start(name);
  if (digest !== null) {
    checkDigest(digest);
    await registry.uploads.complete(name, upload.id, digest, { body: bodyStream(request), headers: chunkHeaders(request) });
    return createdBlob(context, name, digest);
  }
  acceptedUpload(context, name, upload.id, 0);
}

function checkUploadId(id: string): string {
  if (!isUploadId(id)) throw new RegistryError('BLOB_UPLOAD_UNKNOWN', 'unknown upload id');
  return id;
}

export async function uploadStatus(context: HandlerContext, name: string, id: string): Promise<void> {
  const progress = await context.registry.uploads.status(name, checkUploadId(id));
  acceptedUpload(context, name, id, progress.size, 204);
}

export async function appendChunk(context: HandlerContext, name: string, id: string): Promise<void> {
  checkUploadId(id);
  try {
    const progress = await context.registry.uploads.append(name, id, bodyStream(context.request), chunkHeaders(context.request));
    acceptedUpload(context, name, id, progress.size);
  } catch (error) {
    // A 416 tells the client where to resume: Location and Range of what was received.
    if (error instanceof RegistryError && error.registryCode === 'RANGE_INVALID') error.headers.location = uploadLocation(name, id);
    throw error;
  }
}

export async function completeUpload(context: HandlerContext, name: string, id: string): Promise<void> {
  checkUploadId(id);
  const digest = context.query.get('digest');
  if (digest === null) throw new RegistryError('DIGEST_INVALID', 'the digest query parameter is required to complete an upload');
  checkDigest(digest);
  const last = hasBody(context.request) ? { body: bodyStream(context.request), headers: chunkHeaders(context.request) } : undefined;
  await context.registry.uploads.complete(name, id, digest, last);
  createdBlob(context, name, digest);
}

export async function cancelUpload(context: HandlerContext, name: string, id: string): Promise<void> {
  await context.registry.uploads.cancel(name, checkUploadId(id));
  context.reply.code(204).header('content-length', 0).send();
}
