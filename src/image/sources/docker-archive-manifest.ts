/**
 * `manifest.json` of a `docker save` archive: `[{ "Config": path, "RepoTags": [...], "Layers": [paths] }]`.
 * Paths are untrusted: each must be relative and free of '..' segments, and the whole file is
 * validated before anything is read. Also picks the entry a `docker-archive:FILE:REF` names.
 */
import { DEFAULT_TAG, PortcullisError, formatReference, parseReference } from '../../core/index.ts';
import { Issues, decodeJsonDocument, describeValue, joinPath, readArray, readObject, readStringArray } from '../../oci/index.ts';

export interface DockerArchiveEntry {
  config: string;
  repoTags: string[];
  layers: string[];
}

export function parseDockerArchiveManifest(bytes: Uint8Array, maxBytes: number): DockerArchiveEntry[] {
  const what = 'docker archive manifest.json';
  const document = decodeJsonDocument(bytes, what, maxBytes);
  const issues = new Issues();
  if (!Array.isArray(document)) {
    issues.add('(document)', `must be an array, got ${describeValue(document)}`);
    issues.throwIfAny(what);
  }
  const entries = (document as unknown[]).map((value, index) => {
    const path = joinPath('', index);
    const object = readObject(value, path, issues);
    if (object === undefined) return undefined;
    const config = checkMemberPath(object.Config, joinPath(path, 'Config'), issues);
    const repoTags = readStringArray(object, 'RepoTags', path, issues, true) ?? [];
    const layers = (readArray(object, 'Layers', path, issues, true) ?? []).map((layer, layerIndex) =>
      checkMemberPath(layer, joinPath(joinPath(path, 'Layers'), layerIndex), issues),
    );
    return { config, repoTags, layers };
  });
  issues.throwIfAny(what);
  if (entries.length === 0) throw new PortcullisError('NOT_FOUND', `${what} lists no images`);
  return entries as DockerArchiveEntry[];
}

/** A path inside the archive as manifest.json gives it: relative, no '..', no NUL. */
function checkMemberPath(value: unknown, path: string, issues: Issues): string | undefined {
  if (typeof value !== 'string' || value === '') {
    issues.add(path, `must be a non-empty string, got ${describeValue(value)}`);
    return undefined;
  }
  if (value.startsWith('/') || value.includes('\0') || value.split('/').includes('..')) {
    issues.add(path, `must be a relative path inside the archive, got ${describeValue(value)}`);
    return undefined;
  }
  return value;
}

/** The entry tagged `reference` (familiar or fully qualified), or the only entry when none is named. */
export function chooseDockerArchiveEntry(entries: DockerArchiveEntry[], reference: string | undefined): DockerArchiveEntry {
  const [only] = entries;
  if (reference === undefined) {
    if (entries.length === 1 && only !== undefined) return only;
    throw new PortcullisError('USAGE', `the archive holds ${entries.length} images; name one as docker-archive:FILE:REF (tags: ${allTags(entries)})`);
  }
  const wanted = canonicalTag(reference);
  const match = entries.find((entry) => entry.repoTags.some((tag) => canonicalRepoTag(tag) === wanted));
  if (match !== undefined) return match;
  throw new PortcullisError('NOT_FOUND', `no image tagged ${reference} in the archive (tags: ${allTags(entries)})`);
}

function allTags(entries: DockerArchiveEntry[]): string {
  return entries.flatMap((entry) => entry.repoTags).join(', ') || 'none';
}

/** `alpine`, `alpine:latest` and `docker.io/library/alpine:latest` name the same image. */
function canonicalTag(reference: string): string {
  const parsed = parseReference(reference);
  return formatReference({ domain: parsed.domain, repository: parsed.repository, tag: parsed.tag ?? DEFAULT_TAG });
}

/** A RepoTags entry from the archive; one that is not a valid reference matches nothing. */
function canonicalRepoTag(tag: string): string | undefined {
  try {
    return canonicalTag(tag);
  } catch {
    return undefined;
  }
}
