/**
 * Maps a /v2/ request path to the distribution API endpoint it names. Repository names contain
 * slashes, so the path is matched here rather than by the router; the name is validated afterwards
 * against the reference grammar (checkRepository), never used as a path.
 */
import { RegistryError } from '../../registry/index.ts';

export type Endpoint =
  | { kind: 'base' }
  | { kind: 'catalog' }
  | { kind: 'uploads'; name: string }
  | { kind: 'upload'; name: string; id: string }
  | { kind: 'blob'; name: string; digest: string }
  | { kind: 'manifest'; name: string; reference: string }
  | { kind: 'tags'; name: string }
  | { kind: 'referrers'; name: string; digest: string };

const PATTERNS: Array<[RegExp, (match: string[]) => Endpoint]> = [
  [/^\/v2\/?$/, () => ({ kind: 'base' })],
  [/^\/v2\/_catalog$/, () => ({ kind: 'catalog' })],
  [/^\/v2\/(.+)\/blobs\/uploads\/?$/, ([, name = '']) => ({ kind: 'uploads', name })],
  [/^\/v2\/(.+)\/blobs\/uploads\/([^/]+)$/, ([, name = '', id = '']) => ({ kind: 'upload', name, id })],
  [/^\/v2\/(.+)\/blobs\/([^/]+)$/, ([, name = '', digest = '']) => ({ kind: 'blob', name, digest })],
  [/^\/v2\/(.+)\/manifests\/([^/]+)$/, ([, name = '', reference = '']) => ({ kind: 'manifest', name, reference })],
  [/^\/v2\/(.+)\/tags\/list$/, ([, name = '']) => ({ kind: 'tags', name })],
  [/^\/v2\/(.+)\/referrers\/([^/]+)$/, ([, name = '', digest = '']) => ({ kind: 'referrers', name, digest })],
];

/** Longest path looked at: names are at most 255 bytes, digests 135, so anything longer is hostile. */
const MAX_PATH_LENGTH = 1024;

function decode(component: string): string {
  try {
    return decodeURIComponent(component);
  } catch {
    throw new RegistryError('NAME_INVALID', 'malformed percent-encoding in the request path');
  }
}

export function matchEndpoint(path: string): Endpoint | undefined {
  if (path.length > MAX_PATH_LENGTH) throw new RegistryError('NAME_INVALID', `request path is longer than ${MAX_PATH_LENGTH} characters`);
  for (const [pattern, build] of PATTERNS) {
    const match = pattern.exec(path);
    if (match === null) continue;
    const endpoint = build([...match]);
    // Only the last component (digest, tag, upload id) may be percent-encoded; names never are.
    if ('digest' in endpoint) endpoint.digest = decode(endpoint.digest);
    if ('reference' in endpoint) endpoint.reference = decode(endpoint.reference);
    return endpoint;
  }
  return undefined;
}
