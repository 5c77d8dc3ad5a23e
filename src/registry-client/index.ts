/**
 * Client for remote registries speaking the OCI distribution API: reading manifests, blobs and tag
 * lists, with anonymous, Basic and Docker token authentication. See docs/registries-and-auth.md.
 */
export { RegistryClient, MANIFEST_ACCEPT, type BlobRef, type FetchedManifest, type ListTagsOptions, type RegistryClientOptions } from './client.ts';
export { RegistrySession, type RegistryRequest, type RegistrySessionOptions } from './session.ts';
export { findCredentials, type AuthFileOptions, type Credentials } from './auth-file.ts';
export { parseChallenges, type Challenge } from './www-authenticate.ts';
export type { HttpMethod } from './transport.ts';
