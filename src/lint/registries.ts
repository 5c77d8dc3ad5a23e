/**
 * Registry allow-lists shared by the Dockerfile base-image check and the Kubernetes image check, so
 * both read `--allowed-registries` / `--trusted-registries` the same way.
 */
import { DOCKER_HUB_DOMAIN, type Reference } from '../core/index.ts';

/** `ghcr.io/acme` allows `ghcr.io/acme/app` but not `ghcr.io/acme-evil/app`: prefixes end at a '/'. */
export function isAllowed(reference: Reference, allowed: readonly string[]): boolean {
  const name = `${reference.domain}/${reference.repository}`;
  return allowed.some((entry) => name === entry || name.startsWith(`${entry}/`));
}

/**
 * An allow-list entry as the names it is compared with are written: lower case, no trailing '/',
 * Docker Hub's aliases folded into `docker.io`. The first component must be a registry host, so
 * `library/alpine` is rejected rather than silently never matching.
 */
export function normaliseAllowedRegistry(entry: string): string | undefined {
  const trimmed = entry.trim().replace(/\/+$/, '').toLowerCase();
  const [host = '', ...path] = trimmed.split('/');
  if (!(host.includes('.') || host.includes(':') || host === 'localhost')) return undefined;
  if (path.some((component) => component === '')) return undefined;
  const domain = ['index.docker.io', 'registry-1.docker.io'].includes(host) ? DOCKER_HUB_DOMAIN : host;
  return [domain, ...path].join('/');
}
