/**
 * The image a signing command acts on: its registry client, repository and manifest digest. A tag
 * is resolved to the digest it points to now, because a signature covers content, not a name that
 * can move.
 */
import { PortcullisError, parseReference, type Reference } from '../core/index.ts';
import { formatPlatform, parseImageDocument, type Descriptor } from '../oci/index.ts';
import { RegistryClient, type RegistryClientOptions } from '../registry-client/index.ts';

export interface ImageTarget {
  client: RegistryClient;
  reference: Reference;
  /** "registry/path": what payloads and statements name. */
  name: string;
  repository: string;
  digest: string;
  /** The manifest's descriptor, when it was fetched (needed as a referrer's subject). */
  descriptor?: Descriptor;
}

export type TargetOptions = Omit<RegistryClientOptions, 'domain'>;

/**
 * Resolves `image` to a digest. With `fetch: false` a reference that already names a digest is
 * used as it is, without asking the registry (verification needs only the digest).
 */
export async function resolveTarget(image: string, options: TargetOptions, fetch = true): Promise<ImageTarget> {
  const reference = parseReference(image);
  const client = new RegistryClient({ ...options, domain: reference.domain });
  const base = { client, reference, name: `${reference.domain}/${reference.repository}`, repository: reference.repository };
  if (!fetch && reference.digest !== undefined) return { ...base, digest: reference.digest };
  const wanted = reference.digest ?? reference.tag ?? 'latest';
  const manifest = await client.getManifest(reference.repository, wanted);
  if (manifest.mediaType === '') throw new PortcullisError('NETWORK', `${image}: the registry sent the manifest without a Content-Type`);
  return { ...base, digest: manifest.digest, descriptor: { mediaType: manifest.mediaType, digest: manifest.digest, size: manifest.bytes.length } };
}

/** One image of an index, as a target of its own; `platform` as "linux/arm64/v8". */
export interface PlatformTarget extends ImageTarget {
  platform: string;
}

/** buildx marks attestation manifests in an index this way; they are not runnable images. */
const REFERENCE_TYPE_ANNOTATION = 'vnd.docker.reference.type';

/**
 * The platform images of `target` when it is an index (its own manifest is read again, verified by
 * digest); an empty list for a single image. Attestation entries (unknown/unknown, or marked by
 * buildx) are not images and are left out.
 */
export async function platformTargets(target: ImageTarget): Promise<PlatformTarget[]> {
  const fetched = await target.client.getManifest(target.repository, target.digest);
  const document = parseImageDocument(fetched.bytes, fetched.mediaType);
  if (document.kind === 'manifest') return [];
  return document.index.manifests
    .filter((entry) => entry.annotations?.[REFERENCE_TYPE_ANNOTATION] === undefined && entry.platform?.os !== 'unknown')
    .map((entry) => ({
      ...target,
      reference: { ...target.reference, digest: entry.digest },
      digest: entry.digest,
      descriptor: { mediaType: entry.mediaType, digest: entry.digest, size: entry.size },
      platform: entry.platform === undefined ? entry.digest : formatPlatform(entry.platform),
    }));
}
