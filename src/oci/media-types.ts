/**
 * Media types of the documents and blobs Portcullis reads: OCI image spec v1 and Docker image
 * manifest v2 schema 2. Anything not listed here is refused as UNSUPPORTED by the validators, so a
 * new format is added here first.
 */

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const OCI_LAYOUT_HEADER = 'application/vnd.oci.layout.header.v1+json';

export const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar';
export const OCI_LAYER_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const OCI_LAYER_ZSTD = 'application/vnd.oci.image.layer.v1.tar+zstd';
export const OCI_LAYER_NONDISTRIBUTABLE = 'application/vnd.oci.image.layer.nondistributable.v1.tar';
export const OCI_LAYER_NONDISTRIBUTABLE_GZIP = 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip';
export const OCI_LAYER_NONDISTRIBUTABLE_ZSTD = 'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd';

export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json';
export const DOCKER_LAYER = 'application/vnd.docker.image.rootfs.diff.tar';
export const DOCKER_LAYER_GZIP = 'application/vnd.docker.image.rootfs.diff.tar.gzip';
export const DOCKER_LAYER_FOREIGN_GZIP = 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip';

/** Docker schema 1 manifests: signed, no config blob; Portcullis refuses them. */
export const DOCKER_SCHEMA1_MANIFEST = 'application/vnd.docker.distribution.manifest.v1+json';
export const DOCKER_SCHEMA1_SIGNED_MANIFEST = 'application/vnd.docker.distribution.manifest.v1+prettyjws';

export type LayerCompression = 'none' | 'gzip' | 'zstd';

interface LayerMediaTypeInfo {
  compression: LayerCompression;
  /** Foreign (Docker) and non-distributable (OCI) layers may be absent from a registry or archive. */
  foreign: boolean;
}

const LAYER_MEDIA_TYPES: ReadonlyMap<string, LayerMediaTypeInfo> = new Map([
  [OCI_LAYER, { compression: 'none', foreign: false }],
  [OCI_LAYER_GZIP, { compression: 'gzip', foreign: false }],
  [OCI_LAYER_ZSTD, { compression: 'zstd', foreign: false }],
  [OCI_LAYER_NONDISTRIBUTABLE, { compression: 'none', foreign: true }],
  [OCI_LAYER_NONDISTRIBUTABLE_GZIP, { compression: 'gzip', foreign: true }],
  [OCI_LAYER_NONDISTRIBUTABLE_ZSTD, { compression: 'zstd', foreign: true }],
  [DOCKER_LAYER, { compression: 'none', foreign: false }],
  [DOCKER_LAYER_GZIP, { compression: 'gzip', foreign: false }],
  [DOCKER_LAYER_FOREIGN_GZIP, { compression: 'gzip', foreign: true }],
]);

export const MANIFEST_MEDIA_TYPES: ReadonlySet<string> = new Set([OCI_MANIFEST, DOCKER_MANIFEST]);
export const INDEX_MEDIA_TYPES: ReadonlySet<string> = new Set([OCI_INDEX, DOCKER_MANIFEST_LIST]);
export const CONFIG_MEDIA_TYPES: ReadonlySet<string> = new Set([OCI_CONFIG, DOCKER_CONFIG]);
export const SCHEMA1_MEDIA_TYPES: ReadonlySet<string> = new Set([DOCKER_SCHEMA1_MANIFEST, DOCKER_SCHEMA1_SIGNED_MANIFEST]);

export function isManifestMediaType(mediaType: string): boolean {
  return MANIFEST_MEDIA_TYPES.has(mediaType);
}

export function isIndexMediaType(mediaType: string): boolean {
  return INDEX_MEDIA_TYPES.has(mediaType);
}

export function isLayerMediaType(mediaType: string): boolean {
  return LAYER_MEDIA_TYPES.has(mediaType);
}

/** Compression of a known layer media type; undefined for a type that is not a layer. */
export function layerCompression(mediaType: string): LayerCompression | undefined {
  return LAYER_MEDIA_TYPES.get(mediaType)?.compression;
}

export function isForeignLayerMediaType(mediaType: string): boolean {
  return LAYER_MEDIA_TYPES.get(mediaType)?.foreign ?? false;
}
