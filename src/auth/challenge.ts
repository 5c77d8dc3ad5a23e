/**
 * `WWW-Authenticate` challenges the registry sends with a 401, in the form Docker, skopeo, podman
 * and Portcullis's own client (registry-client/www-authenticate.ts) read:
 * `Bearer realm="https://host/token",service="registry.example",scope="repository:team/app:pull,push"`.
 */
import { formatScope } from './scope.ts';
import type { AccessEntry } from './types.ts';

/** RFC 7230 quoted-string: backslash-escape the two characters that need it. */
function quote(value: string): string {
  return `"${value.replace(/[\\"]/g, (char) => `\\${char}`)}"`;
}

/** RFC 6750 error codes: a bad or expired token, or a valid one that lacks the scope. */
export type BearerError = 'invalid_token' | 'insufficient_scope';

export function bearerChallenge(realm: string, service: string, scopes: readonly AccessEntry[] = [], error?: BearerError): string {
  const params = [`realm=${quote(realm)}`, `service=${quote(service)}`];
  if (scopes.length > 0) params.push(`scope=${quote(scopes.map(formatScope).join(' '))}`);
  if (error !== undefined) params.push(`error=${quote(error)}`);
  return `Bearer ${params.join(',')}`;
}

/** The challenge for the token endpoint itself, which takes basic auth. */
export function basicChallenge(realm: string): string {
  return `Basic realm=${quote(realm)}`;
}

/** The distribution spec's error body for a 401. */
export function unauthorizedBody(message: string, scopes: readonly AccessEntry[] = []): { errors: { code: string; message: string; detail?: unknown }[] } {
  const detail = scopes.map((scope) => ({ Type: scope.type, Name: scope.name, Action: scope.actions.join(',') }));
  return { errors: [{ code: 'UNAUTHORIZED', message, ...(detail.length > 0 && { detail }) }] };
}
