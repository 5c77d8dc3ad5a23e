/**
 * The image a signing command acts on: its registry client, repository and manifest digest. A tag
 * is resolved to the digest it points to now, because a signature covers content, not a name that
 * can move.
 */
import { PortcullisError, parseReference, type Reference } from '../core/index.ts';
import type { Descriptor } from '../oci/index.ts';
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
