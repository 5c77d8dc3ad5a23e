/**
 * What finding signatures and attestations needs from a registry: read a manifest, read a small
 * blob, list referrers. Verification runs the same way against a remote registry (through
 * `registryClientReader`) and against Portcullis's own store in-process (admission, auto-signing).
 */
import { PortcullisError } from '../core/index.ts';
import type { Descriptor } from '../oci/index.ts';
import { listReferrers, type RegistryClient } from '../registry-client/index.ts';

export interface AttachmentReader {
  /** undefined when the manifest does not exist */
  getManifest(repository: string, reference: string): Promise<{ bytes: Buffer; mediaType?: string } | undefined>;
  /**
   * A blob read whole; more than `maxBytes` is a LIMIT error. `size` is the descriptor's size when
   * the caller knows it: readers that download check the bytes against it.
   */
  getBlob(repository: string, digest: string, maxBytes: number, size?: number): Promise<Buffer>;
  /** Manifests whose subject is `digest`, only those of `artifactType` when given. */
  referrers(repository: string, digest: string, artifactType?: string): Promise<Descriptor[]>;
}

/** An AttachmentReader over a remote registry: digests verified, sizes bounded, referrers API or tag schema. */
export function registryClientReader(client: RegistryClient): AttachmentReader {
  return {
    async getManifest(repository, reference) {
      try {
        return await client.getManifest(repository, reference);
      } catch (error) {
        if (error instanceof PortcullisError && error.code === 'NOT_FOUND') return undefined;
        throw error;
      }
    },
    async getBlob(repository, digest, maxBytes, size) {
      // The distribution API streams a blob against its descriptor; without one there is nothing
      // to check the download's length against before it starts.
      if (size === undefined) throw new PortcullisError('INPUT', `blob ${digest}: size unknown, read it through its descriptor`);
      return client.getBlob(repository, { digest, size }, maxBytes);
    },
    async referrers(repository, digest, artifactType) {
      return (await listReferrers(client, repository, digest, artifactType)).descriptors;
    },
  };
}
