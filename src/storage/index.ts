/** The storage module's public surface: blob and metadata store contracts and their implementations. */
export type { BlobInfo, BlobReader, BlobStore, ByteRange, UploadState } from './blob-store.ts';
export { FsBlobStore } from './fs-blob-store.ts';
export { isUploadId } from './fs-layout.ts';
export type { ManifestRecord, MetadataStore, Page } from './metadata-store.ts';
export { SqliteMetadataStore } from './sqlite-metadata-store.ts';
export { transaction } from './sqlite-transaction.ts';
