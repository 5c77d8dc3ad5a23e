/**
 * Reads one image layer blob into filesystem entries: decompress -> tar -> WalkEntry. Paths are
 * normalised the way container runtimes apply them (absolute paths taken relative to the root);
 * entries that would escape the root are skipped with a warning; whiteout markers become
 * 'whiteout' / 'opaque' entries; the uncompressed tar is checked against the config's diffId.
 */
import { DigestVerifier, PortcullisError } from '../core/index.ts';
import type { ReadBudget } from './budget.ts';
import { decompressLayer } from './decompress.ts';
import { readTar, type TarEntry } from './tar.ts';
import type { EntryType, WalkEntry } from './types.ts';

export interface LayerReadOptions {
  budget: ReadBudget;
  /** Prefixes every error and warning, verbatim: "layer 2 (sha256:…)". */
  layerName: string;
  /** The config's rootfs.diff_ids entry: sha256 of the uncompressed tar, verified at the end. */
  diffId?: string;
  onWarning?: (message: string, path?: string) => void;
}

const WHITEOUT_PREFIX = '.wh.';
const OPAQUE_MARKER = '.wh..wh..opq';

export async function* readLayerEntries(blob: AsyncIterable<Buffer>, options: LayerReadOptions): AsyncGenerator<WalkEntry> {
  const { budget, layerName } = options;
  const warn = (message: string, path?: string): void => options.onWarning?.(`${layerName}: ${message}`, path);
  const verifier = options.diffId === undefined ? undefined : new DigestVerifier(options.diffId);
  let uncompressed: AsyncIterable<Buffer> = decompressLayer(blob, { budget, layerName });
  if (verifier !== undefined) uncompressed = hashing(uncompressed, verifier);

  for await (const entry of readTar(uncompressed, { what: layerName, onWarning: options.onWarning })) {
    budget.addEntry();
    // Fails fast on absurd size fields instead of streaming up to the limit first.
    if (entry.size > budget.limits.maxUncompressedBytes) {
      throw new PortcullisError(
        'LIMIT',
        `${layerName}: ${JSON.stringify(entry.path)} declares ${entry.size} bytes, more than the image limit of ${budget.limits.maxUncompressedBytes} uncompressed bytes (--max-image-bytes)`,
      );
    }
    const walkEntry = toWalkEntry(entry, warn);
    if (walkEntry !== undefined) yield walkEntry;
  }
  verifier?.verify(`${layerName}: uncompressed content (diffId)`);
}

/** The entry as the walker reports it, or undefined when it must be skipped. */
function toWalkEntry(entry: TarEntry, warn: (message: string, path?: string) => void): WalkEntry | undefined {
  const path = normalisePath(entry.path);
  if (path === undefined) {
    warn(`skipped entry with unsafe path ${JSON.stringify(entry.path)}`, entry.path);
    return undefined;
  }
  if (path === '') {
    // The root directory itself ('./' in most layers) carries nothing worth reporting.
    if (entry.type !== 'directory') warn(`skipped ${entry.type} entry with an empty path`, entry.path);
    return undefined;
  }
  const slash = path.lastIndexOf('/');
  const parent = slash === -1 ? '' : path.slice(0, slash);
  const name = path.slice(slash + 1);
  if (name === OPAQUE_MARKER) return { path: parent, type: 'opaque', size: 0, mode: entry.mode };
  if (name.startsWith(WHITEOUT_PREFIX)) {
    const deleted = name.slice(WHITEOUT_PREFIX.length);
    // '.wh..wh.*' names other than the opaque marker are AUFS bookkeeping, not deletions.
    if (deleted === '' || deleted === '.' || deleted === '..' || deleted.startsWith(WHITEOUT_PREFIX)) {
      warn(`skipped unsupported whiteout entry ${JSON.stringify(entry.path)}`, entry.path);
      return undefined;
    }
    return { path: parent === '' ? deleted : `${parent}/${deleted}`, type: 'whiteout', size: 0, mode: entry.mode };
  }
  switch (entry.type) {
    case 'file':
      return { path, type: 'file', size: entry.size, mode: entry.mode, content: () => entry.content() };
    case 'directory':
    case 'other':
      return { path, type: entry.type satisfies EntryType, size: 0, mode: entry.mode };
    case 'symlink':
      return { path, type: 'symlink', size: 0, mode: entry.mode, linkname: entry.linkname };
    case 'hardlink': {
      const target = normalisePath(entry.linkname);
      if (target === undefined || target === '') {
        warn(`skipped hardlink ${JSON.stringify(path)} to unsafe target ${JSON.stringify(entry.linkname)}`, path);
        return undefined;
      }
      return { path, type: 'hardlink', size: 0, mode: entry.mode, linkname: target };
    }
  }
}

/**
 * Lexically cleans a tar path relative to the root: drops leading '/', '.' segments and empty
 * segments, resolves '..' against earlier segments. Returns undefined when the path escapes the
 * root or contains a NUL byte (possible in PAX records, never valid on disk).
 */
export function normalisePath(raw: string): string | undefined {
  if (raw.includes('\u0000')) return undefined;
  const segments: string[] = [];
  for (const segment of raw.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (segments.pop() === undefined) return undefined;
      continue;
    }
    segments.push(segment);
  }
  return segments.join('/');
}

async function* hashing(source: AsyncIterable<Buffer>, verifier: DigestVerifier): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    verifier.update(chunk);
    yield chunk;
  }
}
