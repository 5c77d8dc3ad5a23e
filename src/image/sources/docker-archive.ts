/**
 * A `docker save` archive (`docker-archive:FILE[:REF]`), read in place. manifest.json names the
 * image (by RepoTags) and its config and layer files.
 *
 * Docker 25 and later also write an OCI layout in the same archive (`blobs/sha256/<hex>`,
 * index.json); when it holds the manifest of the chosen image, the image is read through it, with
 * its real manifest digest and media types. Otherwise (the legacy format, and skopeo's) layers are
 * read from their files: usually plain tars, whose digest is then their diff ID, but gzip and zstd
 * are sniffed and hashed. With no distribution manifest, manifestDigest is absent and the manifest
 * media type is reported as Docker schema 2, the type a registry would serve.
 */
import { createHash } from 'node:crypto';
import { inputError, sha256Digest } from '../../core/index.ts';
import { DOCKER_LAYER, DOCKER_LAYER_GZIP, DOCKER_MANIFEST, type LayerCompression, OCI_LAYER_ZSTD, parseImageConfig } from '../../oci/index.ts';
import { detectCompression } from '../decompress.ts';
import { resolveLimits } from '../limits.ts';
import type { TarIndex, TarMember } from '../tar-index.ts';
import type { OpenedImage, ReadImageOptions } from '../types.ts';
import { archiveLayoutStore, openArchiveIndex } from './archive.ts';
import { verifiedStream, verifyBuffer } from './blobs.ts';
import { withLocation } from './context.ts';
import { chooseDockerArchiveEntry, parseDockerArchiveManifest } from './docker-archive-manifest.ts';
import { type LayerBlob, assembleImage, checkLayerCount } from './image-assembly.ts';
import { findManifestByConfig, imageFromManifest } from './oci-image.ts';

/** `blobs/sha256/<hex>` (newer docker save) or `<hex>.json` (older): the name is the content's digest. */
const DIGEST_NAMED = /^(?:blobs\/(sha256)\/([a-f0-9]{64})|blobs\/(sha512)\/([a-f0-9]{128})|([a-f0-9]{64})\.json)$/;

const LAYER_MEDIA_TYPES: Record<LayerCompression, string> = { none: DOCKER_LAYER, gzip: DOCKER_LAYER_GZIP, zstd: OCI_LAYER_ZSTD };

export async function openDockerArchive(reference: string, file: string, repoTag: string | undefined, options: ReadImageOptions = {}): Promise<OpenedImage> {
  const limits = resolveLimits(options.limits);
  return withLocation(file, async () => {
    const archive = await openArchiveIndex(file, limits);
    if (!archive.has('manifest.json')) throw inputError('not a docker-archive: it has no manifest.json');
    const entries = parseDockerArchiveManifest(await archive.readFile('manifest.json', limits.maxManifestBytes), limits.maxManifestBytes);
    const entry = chooseDockerArchiveEntry(entries, repoTag);
    const configBytes = await archive.readFile(entry.config, limits.maxManifestBytes);
    const configDigest = namedDigest(entry.config) ?? sha256Digest(configBytes);
    verifyBuffer(configBytes, configDigest, `config ${entry.config}`);
    // Parsed here for the diff IDs that name plain-tar layers; assembleImage parses it again (it is small).
    const config = parseImageConfig(configBytes, { maxBytes: limits.maxManifestBytes });
    checkLayerCount(entry.layers.length, config);
    const request = { reference, transport: 'docker-archive' as const, options, limits, close: async () => {} };
    if (archive.has('oci-layout') && archive.has('index.json')) {
      const store = archiveLayoutStore(archive, file);
      const found = await findManifestByConfig(store, configDigest, limits);
      if (found !== undefined) return imageFromManifest(store, found, request, entry.repoTags);
    }
    const layers: LayerBlob[] = [];
    for (const [index, path] of entry.layers.entries()) {
      layers.push(await layerBlob(archive, path, config.rootfs.diff_ids[index] ?? '', file));
    }
    const { close, transport } = request;
    const parts = { reference, transport, manifestMediaType: DOCKER_MANIFEST, configDigest, configBytes, layers, repoTags: entry.repoTags, close };
    return assembleImage(parts, options, limits);
  });
}

function namedDigest(path: string): string | undefined {
  const match = DIGEST_NAMED.exec(path);
  if (match === null) return undefined;
  const [, sha256Alg, sha256Hex, sha512Alg, sha512Hex, legacyHex] = match;
  if (sha256Alg !== undefined) return `${sha256Alg}:${sha256Hex}`;
  if (sha512Alg !== undefined) return `${sha512Alg}:${sha512Hex}`;
  return `sha256:${legacyHex}`;
}

/**
 * A layer file as a blob. Its digest comes from its name when the name is one, else from its diff ID
 * when it is a plain tar (the two are then the same), else from hashing it once here.
 */
async function layerBlob(archive: TarIndex, path: string, diffId: string, location: string): Promise<LayerBlob> {
  const member = archive.resolveFile(path);
  const compression = detectCompression(await archive.readHead(member, 4));
  const digest = namedDigest(path) ?? (compression === 'none' ? diffId : await hashMember(archive, member));
  const stored = { size: member.size, createReadStream: () => archive.stream(member) };
  return {
    digest,
    size: member.size,
    mediaType: LAYER_MEDIA_TYPES[compression],
    open: async () => verifiedStream(stored, { digest, size: member.size }, `${location}: layer ${path}`),
  };
}

async function hashMember(archive: TarIndex, member: TarMember): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of archive.stream(member)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}
