/**
 * The server's own registry as a place to read and store signatures, in-process: no HTTP, no
 * internal credential. Reads serve the same collector `verify` uses (AttachmentReader); writes store
 * an attachment in both layouts readers look in, cosign's tag scheme and an OCI 1.1 referrer (the
 * registry indexes `subject` itself, so no referrers tag is kept). Blobs and manifests go through
 * RegistryService like any client push: digests verified, `manifestPushed` emitted.
 */
import { PortcullisError, inputError, sha256Digest } from '../core/index.ts';
import { OCI_MANIFEST, type Descriptor } from '../oci/index.ts';
import type { RegistryService } from '../registry/index.ts';
import { ATTACHMENT, attachmentTag, parseAttachmentManifest, referrerManifest, tagSchemeManifest, type AttachmentKind, type AttachmentReader, type BuiltManifest } from '../signing/index.ts';

export interface LocalAttachment {
  kind: AttachmentKind;
  bytes: Buffer;
  annotations: Record<string, string>;
}

export interface StoredAttachment {
  tag: string;
  tagManifestDigest: string;
  referrerDigest: string;
}

async function* once(content: Buffer): AsyncIterable<Uint8Array> {
  yield content;
}

async function readStream(stream: AsyncIterable<Buffer | string>, maxBytes: number, digest: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    total += bytes.length;
    if (total > maxBytes) throw new PortcullisError('LIMIT', `blob ${digest} is more than the limit of ${maxBytes} bytes`);
    chunks.push(bytes);
  }
  return Buffer.concat(chunks, total);
}

/** An AttachmentReader over the local RegistryService (the store is trusted; sizes still bounded). */
export function localAttachmentReader(registry: RegistryService): AttachmentReader {
  return {
    async getManifest(repository, reference) {
      const record = await registry.manifests.find(repository, reference);
      return record === undefined ? undefined : { bytes: Buffer.from(record.content), mediaType: record.mediaType };
    },
    async getBlob(repository, digest, maxBytes) {
      const blob = await registry.readBlob(repository, digest);
      if (blob.size > maxBytes) {
        blob.stream.destroy();
        throw new PortcullisError('LIMIT', `blob ${digest} has ${blob.size} bytes, more than the limit of ${maxBytes}`);
      }
      return readStream(blob.stream, maxBytes, digest);
    },
    async referrers(repository, digest, artifactType) {
      const list = await registry.manifests.referrers(repository, digest, artifactType);
      return list.index.manifests as unknown as Descriptor[];
    },
  };
}

async function pushBlob(registry: RegistryService, repository: string, content: Buffer): Promise<Descriptor & { digest: string }> {
  const digest = sha256Digest(content);
  const upload = await registry.uploads.start(repository);
  await registry.uploads.complete(repository, upload.id, digest, { body: once(content), headers: {} });
  return { mediaType: 'application/octet-stream', digest, size: content.length };
}

async function pushBuilt(registry: RegistryService, repository: string, reference: string, built: BuiltManifest): Promise<void> {
  await pushBlob(registry, repository, built.config);
  await registry.manifests.put(repository, reference, built.bytes, OCI_MANIFEST);
}

/** Layers of the current tag-scheme manifest; one that is not a signature manifest is never overwritten. */
async function existingLayers(registry: RegistryService, repository: string, tag: string): Promise<Descriptor[]> {
  const existing = await localAttachmentReader(registry).getManifest(repository, tag);
  if (existing === undefined) return [];
  try {
    return parseAttachmentManifest(existing.bytes).layers;
  } catch (error) {
    throw inputError(`${repository}:${tag} is not a signature manifest; refusing to overwrite it`, error);
  }
}

/** Stores `attachment` for `subject` under its `.sig`/`.att` tag and as a referrer. */
export async function storeAttachment(registry: RegistryService, repository: string, subject: Descriptor, attachment: LocalAttachment): Promise<StoredAttachment> {
  const blob = await pushBlob(registry, repository, attachment.bytes);
  const layer: Descriptor = { mediaType: ATTACHMENT[attachment.kind].layerMediaType, digest: blob.digest, size: blob.size, annotations: attachment.annotations };
  const tag = attachmentTag(subject.digest, attachment.kind);
  const tagged = tagSchemeManifest(await existingLayers(registry, repository, tag), layer);
  await pushBuilt(registry, repository, tag, tagged);
  const referrer = referrerManifest(attachment.kind, layer, subject);
  await pushBuilt(registry, repository, referrer.digest, referrer);
  return { tag, tagManifestDigest: tagged.digest, referrerDigest: referrer.digest };
}
