/**
 * Client for remote registries speaking the OCI distribution API: reading manifests, blobs and tag
 * lists, with anonymous, Basic and Docker token authentication; pushing blobs and manifests and
 * reading and recording OCI 1.1 referrers. See docs/registries-and-auth.md.
 */
export { RegistryClient, MANIFEST_ACCEPT, type BlobRef, type FetchedManifest, type ListTagsOptions, type RegistryClientOptions } from './client.ts';
export { RegistrySession, type RegistryRequest, type RegistrySessionOptions } from './session.ts';
export { findCredentials, type AuthFileOptions, type Credentials } from './auth-file.ts';
export { parseChallenges, type Challenge } from './www-authenticate.ts';
export type { HttpMethod } from './transport.ts';
export type { BlobSource, PushBlobOptions, PushedBlob } from './upload.ts';
export type { PushedManifest } from './manifest-push.ts';
export { addToReferrersTag, listReferrers, referrersTag, type Referrers } from './referrers.ts';
export { authFilePath, writeCredentials, type WriteAuthFileOptions } from './auth-file-write.ts';
export { checkLogin } from './login.ts';
export { readLimited } from './body.ts';
