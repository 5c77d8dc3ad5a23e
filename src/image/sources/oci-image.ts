/**
 * Reading an image out of an OCI image layout, wherever its files live (a directory or an
 * oci-archive tar): oci-layout header, index.json, the entry for the tag, nested indexes down to
 * the manifest for the platform, then config and layers. The storage itself is a BlobSource plus a
 * way to read the two top-level files.
 */
import { PortcullisError, inputError, sha256Digest } from '../../core/index.ts';
import {
  DEFAULT_PLATFORM,
  type Descriptor,
  type ImageIndex,
  type ImageManifest,
  REF_NAME_ANNOTATION,
  parseImageDocument,
  parseIndex,
  parseLayoutHeader,
  selectPlatform,
} from '../../oci/index.ts';
import type { OpenedImage, ReadImageOptions, ReadLimits, Transport } from '../types.ts';
import { type BlobSource, openVerifiedBlob, readVerifiedBlob } from './blobs.ts';
import { assembleImage, manifestParts } from './image-assembly.ts';

/** Indexes may nest (an index.json entry pointing at a multi-platform index); this deep is plenty. */
const MAX_INDEX_DEPTH = 4;
/** Bounds the search of a hostile index.json for a manifest by its config. */
const MAX_SEARCHED_DOCUMENTS = 64;

export interface OciLayoutStore {
  /** Where the layout is, for messages about layers read later. */
  location: string;
  blobs: BlobSource;
  /** Reads `oci-layout` or `index.json` at the layout's top level. */
  readTopFile(name: 'oci-layout' | 'index.json', maxBytes: number): Promise<Buffer>;
}

export interface OciImageRequest {
  reference: string;
  transport: Transport;
  /** The org.opencontainers.image.ref.name to pick from index.json. */
  tag?: string;
  options: ReadImageOptions;
  limits: ReadLimits;
  close(): Promise<void>;
}

interface FoundManifest {
  manifest: ImageManifest;
  /** The manifest exactly as stored, verified against its descriptor. */
  bytes: Buffer;
}

/** Errors name no target: callers run this inside withLocation. */
export async function openOciImage(store: OciLayoutStore, request: OciImageRequest): Promise<OpenedImage> {
  const { limits, options } = request;
  const indexJson = await readIndexJson(store, limits);
  const entry = chooseEntry(indexJson, request.tag, options.platform);
  const found = await resolveManifest(store.blobs, entry, options.platform, limits);
  const tag = request.tag ?? entry.annotations?.[REF_NAME_ANNOTATION];
  return imageFromManifest(store, found, request, tag === undefined ? [] : [tag]);
}

/** The validated index.json of a layout, after checking its oci-layout header. */
export async function readIndexJson(store: OciLayoutStore, limits: ReadLimits): Promise<ImageIndex> {
  parseLayoutHeader(await store.readTopFile('oci-layout', limits.maxManifestBytes));
  return parseIndex(await store.readTopFile('index.json', limits.maxManifestBytes), { maxBytes: limits.maxManifestBytes });
}

/** Reads the config of a resolved manifest and assembles the image; layers stay unread until opened. */
export async function imageFromManifest(
  store: OciLayoutStore,
  { manifest, bytes }: FoundManifest,
  request: OciImageRequest,
  repoTags: string[],
): Promise<OpenedImage> {
  const { limits } = request;
  const configBytes = await readVerifiedBlob(store.blobs, manifest.config, `config ${manifest.config.digest}`, limits.maxManifestBytes);
  return assembleImage(
    {
      reference: request.reference,
      transport: request.transport,
      ...manifestParts({ manifest, bytes, digest: sha256Digest(bytes), configBytes }, (layer) =>
        openVerifiedBlob(store.blobs, layer, `${store.location}: layer ${layer.digest}`),
      ),
      repoTags,
      close: request.close,
    },
    request.options,
    limits,
  );
}

/**
 * The manifest reachable from index.json whose config is `configDigest`, if any. Newer `docker save`
 * writes an OCI layout beside manifest.json; this finds the manifest (and so the manifest digest)
 * of the image manifest.json names. Entries whose blobs the archive leaves out (other platforms) and
 * documents that are not images (attestations) are passed over.
 */
export async function findManifestByConfig(store: OciLayoutStore, configDigest: string, limits: ReadLimits): Promise<FoundManifest | undefined> {
  const pending = [...(await readIndexJson(store, limits)).manifests];
  for (let visited = 0; pending.length > 0 && visited < MAX_SEARCHED_DOCUMENTS; visited++) {
    const descriptor = pending.shift() as Descriptor;
    let document;
    try {
      const bytes = await readVerifiedBlob(store.blobs, descriptor, `manifest ${descriptor.digest}`, limits.maxManifestBytes);
      document = { bytes, parsed: parseImageDocument(bytes, descriptor.mediaType, { maxBytes: limits.maxManifestBytes }) };
    } catch (error) {
      if (error instanceof PortcullisError && (error.code === 'NOT_FOUND' || error.code === 'UNSUPPORTED')) continue;
      throw error;
    }
    if (document.parsed.kind === 'index') pending.push(...document.parsed.index.manifests);
    else if (document.parsed.manifest.config.digest === configDigest) return { manifest: document.parsed.manifest, bytes: document.bytes };
  }
  return undefined;
}

/** The index.json entry for `tag`, or the only entry, or the one for the platform. */
function chooseEntry(index: ImageIndex, tag: string | undefined, platform: string | undefined): Descriptor {
  const tags = index.manifests.map((entry) => entry.annotations?.[REF_NAME_ANNOTATION]).filter((name) => name !== undefined);
  const candidates = tag === undefined ? index.manifests : index.manifests.filter((entry) => entry.annotations?.[REF_NAME_ANNOTATION] === tag);
  if (candidates.length === 0) {
    const known = tags.length > 0 ? `; tags: ${tags.join(', ')}` : '';
    throw new PortcullisError('NOT_FOUND', tag === undefined ? 'index.json lists no images' : `no image tagged ${tag}${known}`);
  }
  const [only] = candidates;
  if (candidates.length === 1 && only !== undefined) return only;
  if (candidates.some((entry) => entry.platform !== undefined)) return selectPlatform({ ...index, manifests: candidates }, platform ?? DEFAULT_PLATFORM);
  throw new PortcullisError('USAGE', `the layout holds ${candidates.length} images; name one as oci:DIR:TAG (tags: ${tags.join(', ') || 'none'})`);
}

/** Follows nested indexes from `entry` down to an image manifest for the platform. */
async function resolveManifest(
  blobs: BlobSource,
  entry: Descriptor,
  platform: string | undefined,
  limits: ReadLimits,
): Promise<FoundManifest> {
  let descriptor = entry;
  for (let depth = 0; depth <= MAX_INDEX_DEPTH; depth++) {
    const bytes = await readVerifiedBlob(blobs, descriptor, `manifest ${descriptor.digest}`, limits.maxManifestBytes);
    const document = parseImageDocument(bytes, descriptor.mediaType, { maxBytes: limits.maxManifestBytes });
    if (document.kind === 'manifest') return { manifest: document.manifest, bytes };
    const [only] = document.index.manifests;
    descriptor =
      document.index.manifests.length === 1 && only !== undefined && only.platform === undefined
        ? only
        : selectPlatform(document.index, platform ?? DEFAULT_PLATFORM);
  }
  throw inputError(`indexes nested more than ${MAX_INDEX_DEPTH} deep`);
}
