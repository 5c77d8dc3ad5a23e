/** The registry module's public surface: distribution semantics over the storage contracts. */
export { DEFAULT_REGISTRY_LIMITS, RegistryService, checkBlobRange, type BlobStream, type RegistryServiceOptions } from './service.ts';
export type { RegistryLimits } from './context.ts';
export { RegistryError, isRegistryError, type DistributionErrorCode } from './errors.ts';
export { RegistryEvents, type ManifestDeleted, type ManifestPushed, type RegistryEventMap } from './events.ts';
export { DEFAULT_GC_GRACE_MS, DEFAULT_UPLOAD_EXPIRY_MS, type GcOptions, type GcReport } from './gc.ts';
export { mediaTypeOf } from './manifest-document.ts';
export { MAX_PAGE_SIZE, checkDigest, checkRepository, parsePageSize } from './names.ts';
export { receivedRange, type ChunkHeaders, type UploadProgress } from './uploads.ts';
export type { PushResult, ReferrerList } from './manifests.ts';
export { openRegistry, type OpenRegistryOptions } from './open.ts';
export type { TagGuard } from './tag-guard.ts';
