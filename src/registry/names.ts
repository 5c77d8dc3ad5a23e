/**
 * Checks of the names a request carries: repository names (the `<name>` of every route), tags,
 * digests, and the `n` of paginated lists. Only names in the docker reference grammar pass, so a
 * repository can never be `..`, absolute, or anything else that could reach a path.
 */
import { isDigest, isRepository, isTag } from '../core/index.ts';
import { RegistryError } from './errors.ts';

/** Largest page a list answers with; a larger `n` gets this many and a Link to the rest. */
export const MAX_PAGE_SIZE = 10_000;

function shown(value: string): string {
  return JSON.stringify(value.length > 100 ? `${value.slice(0, 100)}...` : value);
}

export function checkRepository(name: string): string {
  if (!isRepository(name)) throw new RegistryError('NAME_INVALID', `invalid repository name ${shown(name)}`, { detail: { name: name.slice(0, 256) } });
  return name;
}

export function checkDigest(value: string, code: 'DIGEST_INVALID' | 'BLOB_UNKNOWN' | 'MANIFEST_UNKNOWN' = 'DIGEST_INVALID'): string {
  if (!isDigest(value)) throw new RegistryError(code, `invalid digest ${shown(value)}`);
  return value;
}

/**
 * A manifest reference: a tag or a digest. Anything else names no manifest: MANIFEST_UNKNOWN when
 * reading or deleting, MANIFEST_INVALID when pushing.
 */
export function checkReference(value: string, code: 'MANIFEST_UNKNOWN' | 'MANIFEST_INVALID'): { tag: string } | { digest: string } {
  if (isDigest(value)) return { digest: value };
  if (isTag(value)) return { tag: value };
  throw new RegistryError(code, `invalid tag or digest ${shown(value)}`);
}

/** The `n` query parameter: absent, or a whole number; larger than MAX_PAGE_SIZE is capped. */
export function parsePageSize(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,15}$/.test(value)) {
    throw new RegistryError('PAGINATION_NUMBER_INVALID', `n must be a whole number, got ${shown(value)}`);
  }
  return Math.min(Number(value), MAX_PAGE_SIZE);
}
