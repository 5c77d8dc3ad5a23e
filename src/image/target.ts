/**
 * What the user's target string names. Accepts the transport prefixes skopeo and podman use
 * (`oci:DIR[:TAG]`, `oci-archive:FILE[:TAG]`, `docker-archive:FILE[:REF]`, `dir:DIR`, `docker://REF`)
 * and, without a prefix, looks at the filesystem: an OCI layout directory, another directory (a root
 * filesystem), an image archive file; anything that does not exist is a registry reference.
 *
 * As in skopeo, the path ends at the first ':' after the prefix, so `oci:/images/app:v1` is the
 * layout /images/app with tag v1 (a path holding ':' must be given without the tag).
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PortcullisError, inputError } from '../core/index.ts';
import { DEFAULT_LIMITS } from './limits.ts';
import { archiveKind, openArchiveIndex } from './sources/archive.ts';
import { withLocation } from './sources/context.ts';

export type ParsedTarget =
  | { transport: 'oci'; path: string; tag?: string }
  | { transport: 'oci-archive'; path: string; tag?: string }
  | { transport: 'docker-archive'; path: string; reference?: string }
  | { transport: 'dir'; path: string }
  | { transport: 'docker'; reference: string };

const DOCKER_PREFIX = 'docker://';
/** Transports skopeo knows and Portcullis does not: named, so they are not mistaken for registry references. */
const OTHER_SKOPEO_TRANSPORTS: ReadonlySet<string> = new Set(['docker-daemon', 'containers-storage', 'ostree', 'sif', 'tarball']);

export async function parseTarget(target: string): Promise<ParsedTarget> {
  if (target.trim() === '') throw new PortcullisError('USAGE', 'the target is empty');
  if (target.startsWith(DOCKER_PREFIX)) {
    const reference = target.slice(DOCKER_PREFIX.length);
    if (reference === '') throw new PortcullisError('USAGE', 'docker:// needs an image reference, e.g. docker://alpine:3.20');
    return { transport: 'docker', reference };
  }
  const colon = target.indexOf(':');
  const prefix = colon === -1 ? '' : target.slice(0, colon);
  const rest = target.slice(colon + 1);
  switch (prefix) {
    case 'oci':
    case 'oci-archive': {
      const [path, tag] = splitPath(rest, prefix);
      return { transport: prefix, path, ...(tag !== undefined && { tag }) };
    }
    case 'docker-archive': {
      const [path, reference] = splitPath(rest, prefix);
      return { transport: 'docker-archive', path, ...(reference !== undefined && { reference }) };
    }
    case 'dir':
      if (rest === '') throw new PortcullisError('USAGE', 'dir: needs a directory, e.g. dir:./rootfs');
      return { transport: 'dir', path: rest };
    case 'docker':
      throw new PortcullisError('USAGE', `write a registry reference as docker://REF or just REF, not ${JSON.stringify(target)}`);
    default:
      if (OTHER_SKOPEO_TRANSPORTS.has(prefix)) {
        throw new PortcullisError('UNSUPPORTED', `Portcullis does not read ${prefix}: targets; export the image first, e.g. skopeo copy ${target} oci-archive:image.tar`);
      }
      return detectTarget(target);
  }
}

function splitPath(rest: string, prefix: string): [string, string | undefined] {
  const colon = rest.indexOf(':');
  const path = colon === -1 ? rest : rest.slice(0, colon);
  const name = colon === -1 ? undefined : rest.slice(colon + 1);
  if (path === '') throw new PortcullisError('USAGE', `${prefix}: needs a path, e.g. ${prefix}:./image${prefix === 'oci' ? '' : '.tar'}`);
  if (name === '') throw new PortcullisError('USAGE', `${prefix}:${path}: the name after ':' is empty`);
  return [path, name];
}

/** A target with no prefix: decided by what is at that path, if anything. */
async function detectTarget(target: string): Promise<ParsedTarget> {
  const stats = await stat(target).catch(() => undefined);
  if (stats === undefined) {
    // No reference can start like a path, so the user meant a file that is not there.
    if (/^(\/|\.\.?\/|~)/.test(target)) throw new PortcullisError('NOT_FOUND', `${target} does not exist`);
    return { transport: 'docker', reference: target };
  }
  if (stats.isDirectory()) {
    const isLayout = (await isFile(join(target, 'oci-layout'))) && (await isFile(join(target, 'index.json')));
    return isLayout ? { transport: 'oci', path: target } : { transport: 'dir', path: target };
  }
  const kind = archiveKind(await withLocation(target, () => openArchiveIndex(target, DEFAULT_LIMITS)));
  if (kind === undefined) throw inputError(`${target} is a tar file but neither a docker-archive (manifest.json) nor an oci-archive (oci-layout)`);
  return { transport: kind, path: target };
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}
