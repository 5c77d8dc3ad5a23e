/**
 * Turns what a local source found (config bytes, layer blobs, manifest facts) into an OpenedImage:
 * validates the config, pairs each layer with its rootfs.diff_ids entry and the history entry that
 * made it, and checks the image's platform against the one asked for. Errors name no target: the
 * caller runs this inside withLocation.
 */
import type { Readable } from 'node:stream';
import { PortcullisError, inputError } from '../../core/index.ts';
import { type Descriptor, type ImageConfig, type ImageManifest, formatPlatform, parseImageConfig, parsePlatform, platformMatches } from '../../oci/index.ts';
import type { ImageLayer, OpenedImage, ReadImageOptions, ReadLimits, Transport } from '../types.ts';

export interface LayerBlob {
  digest: string;
  size: number;
  mediaType: string;
  /** The raw blob, verified as it streams. */
  open(): Promise<Readable>;
}

export interface ImageParts {
  reference: string;
  transport: Transport;
  manifestDigest?: string;
  manifestMediaType: string;
  manifestBytes?: Buffer;
  configDigest: string;
  /** Config bytes, already verified against configDigest. */
  configBytes: Buffer;
  layers: LayerBlob[];
  repoTags: string[];
  close(): Promise<void>;
}

/** A manifest as it was read: its bytes and digest, and the config blob it names, already verified. */
export interface ReadManifest {
  manifest: ImageManifest;
  bytes: Buffer;
  digest: string;
  configBytes: Buffer;
}

/**
 * The parts every manifest-based source shares: the manifest's facts and one LayerBlob per layer,
 * each opened by the source's own `openLayer` (a file, the registry API, the local blob store).
 */
export function manifestParts(
  read: ReadManifest,
  openLayer: (layer: Descriptor) => Promise<Readable>,
): Pick<ImageParts, 'manifestDigest' | 'manifestMediaType' | 'manifestBytes' | 'configDigest' | 'configBytes' | 'layers'> {
  const { manifest } = read;
  return {
    manifestDigest: read.digest,
    manifestMediaType: manifest.mediaType,
    manifestBytes: read.bytes,
    configDigest: manifest.config.digest,
    configBytes: read.configBytes,
    layers: manifest.layers.map((layer) => ({ digest: layer.digest, size: layer.size, mediaType: layer.mediaType, open: () => openLayer(layer) })),
  };
}

export function assembleImage(parts: ImageParts, options: ReadImageOptions, limits: ReadLimits): OpenedImage {
  const config = parseImageConfig(parts.configBytes, { maxBytes: limits.maxManifestBytes });
  const diffIds = config.rootfs.diff_ids;
  checkLayerCount(parts.layers.length, config);
  checkPlatform(config, options.platform);
  const createdBy = layerHistory(config, parts.layers.length);
  const layers: ImageLayer[] = parts.layers.map((blob, index) => {
    const layerCreatedBy = createdBy[index];
    return {
      index,
      digest: blob.digest,
      diffId: diffIds[index],
      mediaType: blob.mediaType,
      size: blob.size,
      ...(layerCreatedBy !== undefined && { createdBy: layerCreatedBy }),
      open: () => blob.open(),
    };
  });
  return {
    kind: 'image',
    reference: parts.reference,
    transport: parts.transport,
    ...(parts.manifestDigest !== undefined && { manifestDigest: parts.manifestDigest }),
    manifestMediaType: parts.manifestMediaType,
    ...(parts.manifestBytes !== undefined && { manifestBytes: parts.manifestBytes }),
    configDigest: parts.configDigest,
    config,
    platform: { os: config.os, architecture: config.architecture, ...(config.variant && { variant: config.variant }) },
    repoTags: parts.repoTags,
    layers,
    close: parts.close,
  };
}

/** Each layer has exactly one diff ID; a config that disagrees with its manifest is not trusted. */
export function checkLayerCount(layerCount: number, config: ImageConfig): void {
  const diffIdCount = config.rootfs.diff_ids.length;
  if (diffIdCount !== layerCount) {
    throw inputError(`the manifest lists ${layerCount} layers but the config's rootfs.diff_ids has ${diffIdCount}`);
  }
}

/**
 * `created_by` per layer. History entries marked empty_layer made no layer, so the others line up
 * with the layers one to one; when the counts disagree the history is not trusted for any layer.
 */
function layerHistory(config: ImageConfig, layerCount: number): Array<string | undefined> {
  const layerEntries = (config.history ?? []).filter((entry) => entry.empty_layer !== true);
  if (layerEntries.length !== layerCount) return [];
  return layerEntries.map((entry) => entry.created_by);
}

/** An image that is not an index has one platform; a platform asked for explicitly must be it. */
function checkPlatform(config: ImageConfig, wanted: string | undefined): void {
  if (wanted === undefined) return;
  const actual = { os: config.os, architecture: config.architecture, ...(config.variant && { variant: config.variant }) };
  if (!platformMatches(actual, parsePlatform(wanted))) {
    throw new PortcullisError('NOT_FOUND', `no image for platform ${wanted}; the image is ${formatPlatform(actual)}`);
  }
}
