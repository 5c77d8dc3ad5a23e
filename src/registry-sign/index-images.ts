/**
 * The platform images of an index stored in the local registry, as auto-signing sees them: an index
 * is signed once every platform image's stored scan meets the rule, so it needs the list of those
 * images (buildx attestation entries and unknown/unknown platforms are not images).
 */
import { parseImageDocument } from '../oci/index.ts';
import type { RegistryService } from '../registry/index.ts';

const REFERENCE_TYPE_ANNOTATION = 'vnd.docker.reference.type';

/** The platform image digests of `repository@digest`, or undefined when it is not an index of images. */
export async function platformImages(registry: RegistryService, repository: string, digest: string): Promise<string[] | undefined> {
  const record = await registry.manifests.get(repository, digest);
  let document;
  try {
    document = parseImageDocument(record.content, record.mediaType, { maxBytes: registry.limits.maxManifestBytes });
  } catch {
    return undefined;
  }
  if (document.kind !== 'index') return undefined;
  const images = document.index.manifests
    .filter((entry) => entry.annotations?.[REFERENCE_TYPE_ANNOTATION] === undefined && entry.platform?.os !== 'unknown')
    .map((entry) => entry.digest);
  // An index of nothing runnable has nothing whose scan could vouch for it.
  return images.length === 0 ? undefined : images;
}
