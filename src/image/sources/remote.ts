/**
 * Images in a remote registry (`docker://REF`): the manifest for the reference (through indexes to
 * the requested platform, default linux/amd64), the config blob, and layers that stream from the
 * registry only when opened, verified as they flow. Nothing is written to disk.
 */
import { formatReference, inputError, manifestReference, parseReference, type Reference } from '../../core/index.ts';
import { DEFAULT_PLATFORM, type Descriptor, type ImageManifest, parseImageDocument, selectPlatform } from '../../oci/index.ts';
import { RegistryClient } from '../../registry-client/index.ts';
import { resolveLimits } from '../limits.ts';
import type { OpenedImage, ReadImageOptions, ReadLimits } from '../types.ts';
import { withLocation } from './context.ts';
import { assembleImage, manifestParts } from './image-assembly.ts';

/** Indexes may nest (an index of indexes); this deep is plenty. */
const MAX_INDEX_DEPTH = 4;
const TRANSPORT_PREFIX = 'docker://';

export async function openRemoteImage(reference: string, options: ReadImageOptions): Promise<OpenedImage> {
  const limits = resolveLimits(options.limits);
  const parsed = parseReference(reference.startsWith(TRANSPORT_PREFIX) ? reference.slice(TRANSPORT_PREFIX.length) : reference);
  const location = formatReference(parsed);
  const client = new RegistryClient({
    domain: parsed.domain,
    maxManifestBytes: limits.maxManifestBytes,
    ...(options.insecure !== undefined && { insecure: options.insecure }),
    ...(options.credentials !== undefined && { credentials: options.credentials }),
    ...(options.authFile !== undefined && { authFile: options.authFile }),
    ...(options.signal !== undefined && { signal: options.signal }),
  });
  const repository = parsed.repository;
  const { manifest, bytes, digest } = await resolveManifest(client, parsed, options.platform, limits, location);
  const configBytes = await client.getBlob(repository, manifest.config, limits.maxManifestBytes);

  return withLocation(location, async () =>
    assembleImage(
      {
        reference,
        transport: 'docker',
        ...manifestParts({ manifest, bytes, digest, configBytes }, (layer) => client.openBlob(repository, layer)),
        repoTags: repoTags(parsed),
        // Connections are pooled by fetch and closed when idle; nothing is held per image.
        close: async () => {},
      },
      options,
      limits,
    ),
  );
}

/** `registry/repository:tag` when the reference names a tag, as docker reports RepoTags. */
function repoTags(reference: Reference): string[] {
  if (reference.tag === undefined) return [];
  return [formatReference({ domain: reference.domain, repository: reference.repository, tag: reference.tag })];
}

/** Fetches the reference's manifest and follows indexes down to the image manifest for the platform. */
async function resolveManifest(
  client: RegistryClient,
  reference: Reference,
  platform: string | undefined,
  limits: ReadLimits,
  location: string,
): Promise<{ manifest: ImageManifest; bytes: Buffer; digest: string }> {
  let target = manifestReference(reference);
  let pointer: Descriptor | undefined;
  for (let depth = 0; depth <= MAX_INDEX_DEPTH; depth++) {
    const fetched = await client.getManifest(reference.repository, target);
    if (pointer !== undefined && fetched.bytes.length !== pointer.size) {
      throw inputError(`${location}: manifest ${target} is ${fetched.bytes.length} bytes, the index says ${pointer.size}`);
    }
    const document = await withLocation(location, async () =>
      parseImageDocument(fetched.bytes, fetched.mediaType || pointer?.mediaType, { maxBytes: limits.maxManifestBytes }),
    );
    if (document.kind === 'manifest') return { manifest: document.manifest, bytes: fetched.bytes, digest: fetched.digest };
    pointer = await withLocation(location, async () => selectPlatform(document.index, platform ?? DEFAULT_PLATFORM));
    target = pointer.digest;
  }
  throw inputError(`${location}: indexes nested more than ${MAX_INDEX_DEPTH} deep`);
}
