/**
 * An AttachmentReader over Portcullis's own registry, in-process: the same signature collection
 * the CLI runs against a remote registry, without a network round trip or a token. The store is
 * content-addressed and verified on the way in, so bytes are read as stored.
 */
import { PortcullisError } from '../core/index.ts';
import type { Descriptor } from '../oci/index.ts';
import { isRegistryError, type RegistryService } from '../registry/index.ts';
import type { AttachmentReader } from '../signing/index.ts';

const NOT_THERE = new Set(['MANIFEST_UNKNOWN', 'NAME_UNKNOWN', 'BLOB_UNKNOWN']);

export function registryServiceReader(registry: RegistryService): AttachmentReader {
  return {
    async getManifest(repository, reference) {
      try {
        const record = await registry.manifests.get(repository, reference);
        return { bytes: Buffer.from(record.content), mediaType: record.mediaType };
      } catch (error) {
        if (isRegistryError(error) && NOT_THERE.has(error.registryCode)) return undefined;
        throw error;
      }
    },
    async getBlob(repository, digest, maxBytes) {
      const { size, stream } = await registry.readBlob(repository, digest);
      if (size > maxBytes) {
        stream.destroy();
        throw new PortcullisError('LIMIT', `blob ${digest} is ${size} bytes, over the limit of ${maxBytes}`);
      }
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    },
    async referrers(repository, digest, artifactType) {
      const { index } = await registry.manifests.referrers(repository, digest, artifactType);
      return index.manifests as unknown as Descriptor[];
    },
  };
}
