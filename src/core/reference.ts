/**
 * Image references in the docker grammar: `[host[:port]/]path[:tag][@digest]`.
 *
 * The grammar is distribution's (`reference/regexp.go`), applied strictly because references arrive
 * from users, pod specs and registries alike: path components are lowercase alphanumerics joined by
 * `.`, `_`, `__` or runs of `-`; tags are `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`; digests are validated
 * by core/digest. Docker Hub short names are normalised the way docker does (`alpine` ->
 * `docker.io/library/alpine`), and `docker.io` is reached at `registry-1.docker.io`.
 */
import { isDigest } from './digest.ts';
import { inputError } from './errors.ts';

export interface Reference {
  /** Registry as written in the reference, normalised: "docker.io", "ghcr.io", "localhost:5000". */
  domain: string;
  /** Repository path inside the registry: "library/alpine", "org/team/app". */
  repository: string;
  tag?: string;
  /** `sha256:<hex>` or `sha512:<hex>`; when present it pins the content and wins over the tag. */
  digest?: string;
}

export const DOCKER_HUB_DOMAIN = 'docker.io';
/** Where Docker Hub's registry API actually lives. */
export const DOCKER_HUB_REGISTRY_HOST = 'registry-1.docker.io';
/** Tag implied when a reference names neither a tag nor a digest. */
export const DEFAULT_TAG = 'latest';

/** distribution's NameTotalLengthMax: domain + '/' + path. */
const MAX_NAME_LENGTH = 255;
/** Longest input even looked at; stops pathological strings before any regex runs. */
const MAX_INPUT_LENGTH = 1024;

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DOMAIN_COMPONENT = /^(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])$/;
const IPV6_HOST = /^\[[0-9A-Fa-f:.]+\]$/;
const PORT = /^[0-9]{1,5}$/;

/** Aliases docker accepts for Docker Hub in references. */
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

function describe(value: string): string {
  return JSON.stringify(value.length > 120 ? `${value.slice(0, 120)}...` : value);
}

/** Parses and normalises an untrusted reference; anything outside the grammar is an INPUT error. */
export function parseReference(input: string): Reference {
  if (typeof input !== 'string' || input.length === 0) throw inputError('image reference is empty');
  if (input.length > MAX_INPUT_LENGTH) throw inputError(`image reference is longer than ${MAX_INPUT_LENGTH} characters`);

  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!isDigest(digest)) throw inputError(`invalid digest in image reference ${describe(input)}: expected sha256:<64 hex> or sha512:<128 hex>`);
  }

  // A tag is whatever follows the last ':' that comes after the last '/', so "host:5000/app" has none.
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw inputError(`invalid tag in image reference ${describe(input)}: tags are [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`);
  }

  const { domain, path } = splitDomain(rest, input);
  if (`${domain}/${path}`.length > MAX_NAME_LENGTH) {
    throw inputError(`image name in ${describe(input)} is longer than ${MAX_NAME_LENGTH} characters`);
  }
  for (const component of path.split('/')) {
    if (!PATH_COMPONENT.test(component)) {
      const hint = component !== component.toLowerCase() ? ' (repository names must be lowercase)' : '';
      throw inputError(`invalid repository path component ${describe(component)} in image reference ${describe(input)}${hint}`);
    }
  }

  const reference: Reference = { domain, repository: path };
  if (tag !== undefined) reference.tag = tag;
  if (digest !== undefined) reference.digest = digest;
  return reference;
}

/** Separates the registry domain from the repository path and applies Docker Hub's defaults. */
function splitDomain(name: string, input: string): { domain: string; path: string } {
  const slash = name.indexOf('/');
  const first = slash === -1 ? '' : name.slice(0, slash);
  // Same rule as docker: the first component is a registry when it looks like a host.
  const hasDomain = slash !== -1 && (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase());
  if (!hasDomain) {
    return { domain: DOCKER_HUB_DOMAIN, path: name.includes('/') ? name : `library/${name}` };
  }
  const domain = validateDomain(first, input);
  const path = name.slice(slash + 1);
  if (DOCKER_HUB_ALIASES.has(domain)) {
    return { domain: DOCKER_HUB_DOMAIN, path: path.includes('/') ? path : `library/${path}` };
  }
  return { domain, path };
}

function validateDomain(domain: string, input: string): string {
  let host = domain;
  let port: string | undefined;
  if (domain.startsWith('[')) {
    const close = domain.indexOf(']');
    if (close === -1) throw inputError(`invalid registry host ${describe(domain)} in image reference ${describe(input)}`);
    host = domain.slice(0, close + 1);
    const after = domain.slice(close + 1);
    if (after !== '') {
      if (!after.startsWith(':')) throw inputError(`invalid registry host ${describe(domain)} in image reference ${describe(input)}`);
      port = after.slice(1);
    }
    if (!IPV6_HOST.test(host)) throw inputError(`invalid registry host ${describe(domain)} in image reference ${describe(input)}`);
  } else {
    const colon = domain.indexOf(':');
    if (colon !== -1) {
      host = domain.slice(0, colon);
      port = domain.slice(colon + 1);
    }
    if (host === '' || !host.split('.').every((part) => DOMAIN_COMPONENT.test(part))) {
      throw inputError(`invalid registry host ${describe(domain)} in image reference ${describe(input)}`);
    }
  }
  if (port !== undefined && (!PORT.test(port) || Number(port) < 1 || Number(port) > 65535)) {
    throw inputError(`invalid registry port ${describe(port)} in image reference ${describe(input)}`);
  }
  return domain.toLowerCase();
}

/** True for a repository path in the grammar ("library/alpine"), as the registry API's `<name>`. */
export function isRepository(value: string): boolean {
  return value.length > 0 && value.length <= MAX_NAME_LENGTH && value.split('/').every((component) => PATH_COMPONENT.test(component));
}

/** True for a string the registry API accepts as a tag. */
export function isTag(value: string): boolean {
  return TAG.test(value);
}

/** The canonical, fully qualified form: `docker.io/library/alpine:3.20@sha256:...`. */
export function formatReference(reference: Reference): string {
  const tag = reference.tag === undefined ? '' : `:${reference.tag}`;
  const digest = reference.digest === undefined ? '' : `@${reference.digest}`;
  return `${reference.domain}/${reference.repository}${tag}${digest}`;
}

/** What to ask the registry's manifest endpoint for: the digest if pinned, else the tag, else "latest". */
export function manifestReference(reference: Reference): string {
  return reference.digest ?? reference.tag ?? DEFAULT_TAG;
}

/** The host (and port) that serves the registry API for a reference's domain. */
export function registryHost(domain: string): string {
  return domain === DOCKER_HUB_DOMAIN ? DOCKER_HUB_REGISTRY_HOST : domain;
}

/** True for registries on the local machine, which tools conventionally reach over plain HTTP. */
export function isLocalhost(domain: string): boolean {
  const host = domain.startsWith('[') ? domain.slice(0, domain.indexOf(']') + 1) : domain.split(':')[0] ?? '';
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
