/**
 * Builds small container images for tests, byte for byte, from a spec: layers as tar entries
 * (gzip, zstd or plain), a config with diff IDs, history and labels, and a manifest in OCI or Docker
 * media types. Writes them as an OCI layout directory, an oci-archive or a docker-archive (the
 * legacy `docker save` format). Output is deterministic: the same spec gives the same digests.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gzipSync, zstdCompressSync } from 'node:zlib';
import { type TarSpecEntry, buildTar } from './tar-writer.ts';

export interface LayerSpec {
  entries: TarSpecEntry[];
  /** Default gzip. */
  compression?: 'gzip' | 'zstd' | 'none';
  createdBy?: string;
}

export interface ImageSpec {
  layers: LayerSpec[];
  /** Default linux/amd64. */
  platform?: { os: string; architecture: string; variant?: string };
  labels?: Record<string, string>;
  /** Default oci. */
  mediaTypes?: 'oci' | 'docker';
}

export interface IndexSpec {
  index: ImageSpec[];
}

/** What a writer produced: the digest index.json points to, and every image manifest's digest. */
export interface WrittenImage {
  /** The image manifest, or for an IndexSpec the index. */
  manifestDigest: string;
  /** Image manifest digests, one per image, in spec order. */
  manifests: string[];
}

const CREATED = '2024-01-01T00:00:00Z';
const REF_NAME = 'org.opencontainers.image.ref.name';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

const MEDIA_TYPES = {
  oci: {
    manifest: 'application/vnd.oci.image.manifest.v1+json',
    index: OCI_INDEX,
    config: 'application/vnd.oci.image.config.v1+json',
    none: 'application/vnd.oci.image.layer.v1.tar',
    gzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
    zstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  },
  docker: {
    manifest: 'application/vnd.docker.distribution.manifest.v2+json',
    index: 'application/vnd.docker.distribution.manifest.list.v2+json',
    config: 'application/vnd.docker.container.image.v1+json',
    none: 'application/vnd.docker.image.rootfs.diff.tar',
    gzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
    // Docker schema 2 has no zstd layer type; registries and tools use the OCI one.
    zstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  },
} as const;

export interface Blob {
  mediaType: string;
  digest: string;
  bytes: Buffer;
}

export interface BuiltImage {
  manifest: Blob;
  config: Blob;
  layers: Array<Blob & { tar: Buffer }>;
  platform: NonNullable<ImageSpec['platform']>;
}

function blob(mediaType: string, bytes: Buffer): Blob {
  return { mediaType, bytes, digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}` };
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

function descriptor(item: Blob, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { mediaType: item.mediaType, digest: item.digest, size: item.bytes.length, ...extra };
}

function compress(tar: Buffer, compression: NonNullable<LayerSpec['compression']>): Buffer {
  switch (compression) {
    case 'gzip':
      return gzipSync(tar);
    case 'zstd':
      return zstdCompressSync(tar);
    case 'none':
      return tar;
  }
}

export function buildImage(spec: ImageSpec): BuiltImage {
  const types = MEDIA_TYPES[spec.mediaTypes ?? 'oci'];
  const platform = spec.platform ?? { os: 'linux', architecture: 'amd64' };
  const layers = spec.layers.map((layer) => {
    const tar = buildTar(layer.entries);
    const compression = layer.compression ?? 'gzip';
    return { ...blob(types[compression], compress(tar, compression)), tar };
  });
  const config = blob(
    types.config,
    json({
      created: CREATED,
      ...platform,
      config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Labels: spec.labels ?? {} },
      rootfs: { type: 'layers', diff_ids: layers.map((layer) => blob('', layer.tar).digest) },
      // A trailing empty_layer entry, as a Dockerfile CMD makes, so readers must skip it to align.
      history: [
        ...spec.layers.map((layer) => ({ created: CREATED, ...(layer.createdBy !== undefined && { created_by: layer.createdBy }) })),
        { created: CREATED, created_by: '/bin/sh -c #(nop)  CMD ["sh"]', empty_layer: true },
      ],
    }),
  );
  const manifest = blob(
    types.manifest,
    json({ schemaVersion: 2, mediaType: types.manifest, config: descriptor(config), layers: layers.map((layer) => descriptor(layer)) }),
  );
  return { manifest, config, layers, platform };
}

/** The files of an OCI layout: path -> content, plus the entry index.json gets for it. */
function layoutFiles(spec: ImageSpec | IndexSpec, tag: string | undefined): { blobs: Blob[]; entry: Record<string, unknown>; written: WrittenImage } {
  const annotations = tag === undefined ? {} : { annotations: { [REF_NAME]: tag } };
  if (!('index' in spec)) {
    const image = buildImage(spec);
    return {
      blobs: [image.manifest, image.config, ...image.layers],
      entry: descriptor(image.manifest, annotations),
      written: { manifestDigest: image.manifest.digest, manifests: [image.manifest.digest] },
    };
  }
  const images = spec.index.map(buildImage);
  const allDocker = spec.index.every((image) => image.mediaTypes === 'docker');
  const indexType = allDocker ? MEDIA_TYPES.docker.index : OCI_INDEX;
  const index = blob(
    indexType,
    json({ schemaVersion: 2, mediaType: indexType, manifests: images.map((image) => descriptor(image.manifest, { platform: image.platform })) }),
  );
  return {
    blobs: [index, ...images.flatMap((image) => [image.manifest, image.config, ...image.layers])],
    entry: descriptor(index, annotations),
    written: { manifestDigest: index.digest, manifests: images.map((image) => image.manifest.digest) },
  };
}

function blobPath(item: Blob): string {
  return `blobs/sha256/${item.digest.slice('sha256:'.length)}`;
}

/**
 * Writes (or adds to) an OCI layout directory. An existing index.json keeps its other entries; an
 * entry with the same tag is replaced.
 */
export async function writeOciLayout(dir: string, spec: ImageSpec | IndexSpec, tag?: string): Promise<WrittenImage> {
  const { blobs, entry, written } = layoutFiles(spec, tag);
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  for (const item of blobs) await writeFile(join(dir, blobPath(item)), item.bytes);
  const previous = await readFile(join(dir, 'index.json'), 'utf8').then(
    (text) => (JSON.parse(text) as { manifests: Array<{ annotations?: Record<string, string> }> }).manifests,
    () => [],
  );
  const kept = previous.filter((old) => tag === undefined || old.annotations?.[REF_NAME] !== tag);
  await writeFile(join(dir, 'oci-layout'), json({ imageLayoutVersion: '1.0.0' }));
  await writeFile(join(dir, 'index.json'), json({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [...kept, entry] }));
  return written;
}

/** Writes an oci-archive: the OCI layout of `spec` as one tar file. */
export async function writeOciArchive(file: string, spec: ImageSpec | IndexSpec, tag?: string): Promise<WrittenImage> {
  const { blobs, entry, written } = layoutFiles(spec, tag);
  const entries: TarSpecEntry[] = [
    { path: 'blobs/', type: 'dir' },
    { path: 'blobs/sha256/', type: 'dir' },
    ...blobs.map((item) => ({ path: blobPath(item), content: item.bytes })),
    { path: 'index.json', content: json({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [entry] }) },
    { path: 'oci-layout', content: json({ imageLayoutVersion: '1.0.0' }) },
  ];
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, buildTar(entries));
  return written;
}

/**
 * Writes a docker-archive in the legacy `docker save` layout: `<hex>.json` config, `<hex>/layer.tar`
 * layers (kept in the spec's compression, so gzip layers exercise readers that must sniff), and
 * manifest.json. RepoTags is null when no tag is given, as docker writes it.
 */
export async function writeDockerArchive(file: string, spec: ImageSpec, repoTag?: string): Promise<void> {
  const image = buildImage(spec);
  const hex = (item: Blob) => item.digest.slice('sha256:'.length);
  const layerPaths = image.layers.map((layer) => `${hex(layer)}/layer.tar`);
  const entries: TarSpecEntry[] = [
    { path: `${hex(image.config)}.json`, content: image.config.bytes },
    ...image.layers.flatMap((layer, index) => [
      { path: `${hex(layer)}/`, type: 'dir' as const },
      { path: layerPaths[index] ?? '', content: layer.bytes },
    ]),
    { path: 'manifest.json', content: json([{ Config: `${hex(image.config)}.json`, RepoTags: repoTag === undefined ? null : [repoTag], Layers: layerPaths }]) },
  ];
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, buildTar(entries));
}
