/** The oci module's public surface: media types, untrusted-document validation, platform choice. */
export * from './media-types.ts';
export type { Descriptor, Platform } from './descriptor.ts';
export { REF_NAME_ANNOTATION, parseDescriptor } from './descriptor.ts';
export { DEFAULT_MAX_DOCUMENT_BYTES, decodeJsonDocument, decodeJsonObject } from './json.ts';
export type { ImageManifest, ParseOptions } from './manifest.ts';
export { parseManifest } from './manifest.ts';
export type { ImageIndex } from './image-index.ts';
export { parseIndex } from './image-index.ts';
export type { ImageDocument } from './document.ts';
export { parseImageDocument } from './document.ts';
export type { HistoryEntry, ImageConfig } from './config.ts';
export { parseImageConfig } from './config.ts';
export type { PlatformSpec } from './platform.ts';
export { DEFAULT_PLATFORM, formatPlatform, normalizePlatform, parsePlatform, platformMatches, selectPlatform } from './platform.ts';
export { OCI_LAYOUT_VERSION, parseLayoutHeader } from './layout.ts';
export { Issues, describeValue, isJsonObject, join as joinPath, readArray, readMediaType, readObject, readString, readStringArray, readStringMap } from './validate.ts';
