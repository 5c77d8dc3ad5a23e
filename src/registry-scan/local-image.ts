/**
 * An ImageSource for images held by this registry: the manifest, config and layers come straight
 * from RegistryService (the blob store on disk), with no HTTP in between. Every blob is verified
 * against its digest and declared size as it is read, so a corrupt blob on disk fails the scan
 * with DIGEST_MISMATCH instead of producing a wrong inventory.
 */
import { pipeline, type Readable } from 'node:stream';
import { PortcullisError } from '../core/index.ts';
import { type ImageManifest, parseImageDocument } from '../oci/index.ts';
import { type OpenedImage, type ReadLimits, assembleImage, manifestParts, resolveLimits, verifyingStream } from '../image/index.ts';
import type { RegistryService } from '../registry/index.ts';

interface Expected {
  digest: string;
  size: number;
}

async function openBlob(registry: RegistryService, repository: string, expected: Expected, what: string): Promise<Readable> {
  const { stream } = await registry.readBlob(repository, expected.digest);
  // pipeline() carries a read error of the file into the verifier, which the consumer sees.
  return pipeline(stream, verifyingStream(expected, what), () => {});
}

async function readSmallBlob(registry: RegistryService, repository: string, expected: Expected, what: string, maxBytes: number): Promise<Buffer> {
  if (expected.size > maxBytes) throw new PortcullisError('LIMIT', `${what} is ${expected.size} bytes, over the limit of ${maxBytes} bytes`);
  const chunks: Buffer[] = [];
  for await (const chunk of await openBlob(registry, repository, expected, what)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The image manifest `digest` in `repository`, validated; UNSUPPORTED for indexes and artifacts. */
export async function readImageManifest(registry: RegistryService, repository: string, digest: string, limits: ReadLimits): Promise<{ manifest: ImageManifest; bytes: Buffer }> {
  const record = await registry.manifests.get(repository, digest);
  const bytes = Buffer.from(record.content);
  const document = parseImageDocument(bytes, record.mediaType, { maxBytes: limits.maxManifestBytes });
  if (document.kind !== 'manifest') throw new PortcullisError('UNSUPPORTED', `${digest} is an image index, not an image manifest`);
  return { manifest: document.manifest, bytes };
}

/** Opens image manifest `digest` of `repository` for `inventoryOf`; layers stream only when opened. */
export async function openLocalImage(registry: RegistryService, repository: string, digest: string, limits?: Partial<ReadLimits>): Promise<OpenedImage> {
  const resolved = resolveLimits(limits);
  const location = `${repository}@${digest}`;
  try {
    const { manifest, bytes } = await readImageManifest(registry, repository, digest, resolved);
    const configBytes = await readSmallBlob(registry, repository, manifest.config, `config ${manifest.config.digest}`, resolved.maxManifestBytes);
    return assembleImage(
      {
        reference: location,
        transport: 'docker',
        ...manifestParts({ manifest, bytes, digest, configBytes }, (layer) => openBlob(registry, repository, layer, `${location}: layer ${layer.digest}`)),
        repoTags: [],
        // Blobs are opened per layer and closed by the reader; nothing is held per image.
        close: async () => {},
      },
      {},
      resolved,
    );
  } catch (error) {
    throw located(location, error);
  }
}

/** Names the image in an error raised while reading it, so a failed job says which image broke. */
export function located(location: string, error: unknown): unknown {
  if (!(error instanceof PortcullisError) || error.message.startsWith(`${location}: `)) return error;
  return new PortcullisError(error.code, `${location}: ${error.message}`, { cause: error });
}
