/** Manifest endpoints: GET/HEAD/PUT/DELETE /v2/<name>/manifests/<reference>. */
import type { HandlerContext } from './context.ts';
import { boundedBody, header } from './http.ts';

export async function getManifest({ request, reply, registry, pullCheck }: HandlerContext, name: string, reference: string): Promise<void> {
  const record = await registry.manifests.get(name, reference);
  pullCheck?.(request, { repository: name, digest: record.digest, mediaType: record.mediaType, content: record.content });
  reply.code(200).type(record.mediaType).header('docker-content-digest', record.digest).header('content-length', record.size);
  if (request.method === 'HEAD') return reply.send();
  return reply.send(Buffer.from(record.content.buffer, record.content.byteOffset, record.content.byteLength));
}

export async function putManifest({ request, reply, registry }: HandlerContext, name: string, reference: string): Promise<void> {
  const bytes = await boundedBody(request, registry.limits.maxManifestBytes);
  const result = await registry.manifests.put(name, reference, bytes, header(request, 'content-type'));
  reply.code(201).header('location', `/v2/${name}/manifests/${result.digest}`).header('docker-content-digest', result.digest);
  if (result.subject !== undefined) reply.header('oci-subject', result.subject);
  reply.header('content-length', 0).send();
}

export async function deleteManifest({ reply, registry }: HandlerContext, name: string, reference: string): Promise<void> {
  await registry.manifests.delete(name, reference);
  reply.code(202).header('content-length', 0).send();
}
