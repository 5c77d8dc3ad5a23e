/**
 * Attaches a CycloneDX SBOM to an image as an OCI referrer artifact (image spec 1.1 "artifacts
 * guidance"): the SBOM is the one layer, the config is the empty descriptor, `artifactType` names
 * CycloneDX and `subject` points at the image, so `GET /v2/<name>/referrers/<digest>` lists it.
 * It is pushed through RegistryService like any client push, digests verified.
 */
import { createHash } from 'node:crypto';
import type { RegistryService } from '../registry/index.ts';
import { OCI_MANIFEST } from '../oci/index.ts';

export const CYCLONEDX_ARTIFACT_TYPE = 'application/vnd.cyclonedx+json';
const EMPTY_MEDIA_TYPE = 'application/vnd.oci.empty.v1+json';
const EMPTY_CONTENT = Buffer.from('{}');
/** Marks the artifact as Portcullis's own, so listeners can tell it from a client's SBOM. */
export const SBOM_CREATOR_ANNOTATION = 'dev.portcullis.sbom.creator';

function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

async function* once(content: Buffer): AsyncIterable<Uint8Array> {
  yield content;
}

async function pushBlob(registry: RegistryService, repository: string, content: Buffer): Promise<string> {
  const digest = sha256(content);
  const upload = await registry.uploads.start(repository);
  await registry.uploads.complete(repository, upload.id, digest, { body: once(content), headers: {} });
  return digest;
}

export interface ImageSubject {
  repository: string;
  digest: string;
  mediaType: string;
  size: number;
}

/** Pushes `sbom` as a referrer of `subject` and returns the artifact manifest's digest. */
export async function attachSbom(registry: RegistryService, subject: ImageSubject, sbom: string, created: Date): Promise<string> {
  const content = Buffer.from(sbom, 'utf8');
  const sbomDigest = await pushBlob(registry, subject.repository, content);
  const emptyDigest = await pushBlob(registry, subject.repository, EMPTY_CONTENT);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: CYCLONEDX_ARTIFACT_TYPE,
      config: { mediaType: EMPTY_MEDIA_TYPE, digest: emptyDigest, size: EMPTY_CONTENT.length, data: EMPTY_CONTENT.toString('base64') },
      layers: [{ mediaType: CYCLONEDX_ARTIFACT_TYPE, digest: sbomDigest, size: content.length }],
      subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
      annotations: { 'org.opencontainers.image.created': created.toISOString(), [SBOM_CREATOR_ANNOTATION]: 'portcullis' },
    }),
  );
  const digest = sha256(manifest);
  await registry.manifests.put(subject.repository, digest, manifest, OCI_MANIFEST);
  return digest;
}
