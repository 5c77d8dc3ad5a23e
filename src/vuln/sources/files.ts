/**
 * Reading untrusted feed files: directory walks that never follow symlinks, size limits before
 * reading, strict UTF-8, and JSON/YAML parsing whose failures are PortcullisErrors naming the file.
 */
import { open, opendir, readFile, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { PortcullisError, inputError } from '../../core/index.ts';

/** Directory levels a walk descends: feeds are at most a few levels deep; this bounds a hostile tree. */
const MAX_DEPTH = 16;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Every regular file under `root` (or `root` itself) whose name `accept`s, in a stable order. */
export async function* walkFiles(root: string, accept: (name: string) => boolean, depth = 0): AsyncGenerator<string> {
  const info = await stat(root);
  if (info.isFile()) {
    yield root;
    return;
  }
  if (depth > MAX_DEPTH) throw new PortcullisError('LIMIT', `${root}: directory tree deeper than ${MAX_DEPTH} levels`);
  const entries: Array<{ name: string; directory: boolean }> = [];
  for await (const entry of await opendir(root)) {
    // Symlinks are never followed: a feed tree has none, and following them could escape the tree or loop.
    if (entry.isDirectory()) entries.push({ name: entry.name, directory: true });
    else if (entry.isFile() && accept(entry.name)) entries.push({ name: entry.name, directory: false });
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(root, entry.name);
    if (entry.directory) {
      if (!entry.name.startsWith('.')) yield* walkFiles(path, accept, depth + 1);
    } else {
      yield path;
    }
  }
}

/** Directory entries a cheap detection looks at before giving up. */
const SAMPLE_BUDGET = 256;

/**
 * The first file `walkFiles` would yield that `accept`s (`root` itself only if it does), looking
 * at no more than a few hundred directory entries: the sample a cheap `detect` reads.
 */
export async function firstFile(root: string, accept: (name: string) => boolean): Promise<string | undefined> {
  let budget = SAMPLE_BUDGET;
  const visit = async (path: string, depth: number): Promise<string | undefined> => {
    const info = await stat(path);
    if (info.isFile()) return accept(basename(path)) ? path : undefined;
    if (!info.isDirectory() || depth > MAX_DEPTH) return undefined;
    const entries = (await readdir(path, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (--budget < 0) return undefined;
      if (entry.isFile() && accept(entry.name)) return join(path, entry.name);
      if (entry.isDirectory() && !entry.name.startsWith('.')) {
        const found = await visit(join(path, entry.name), depth + 1);
        if (found !== undefined || budget < 0) return found;
      }
    }
    return undefined;
  };
  return visit(root, 0);
}

export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw inputError(`${file}: not valid UTF-8`);
  }
}

export async function readTextFile(file: string, maxBytes: number): Promise<string> {
  const info = await stat(file);
  if (info.size > maxBytes) {
    throw new PortcullisError('LIMIT', `${file}: ${info.size} bytes, over the ${maxBytes}-byte limit for one file`);
  }
  return decodeUtf8(await readFile(file), file);
}

/** The first bytes of a file as text (lossy): enough for a cheap format check. */
export async function peekFile(file: string, bytes = 4096): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

export function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw inputError(`${file}: malformed JSON: ${(error as Error).message}`);
  }
}

/**
 * YAML with every scalar kept as a string (the failsafe schema): secdb keys such as `1.10-r0` or
 * `0` and version lists must not turn into numbers. Alias expansion is capped against
 * billion-laughs documents.
 */
export function parseYamlText(text: string, file: string, maxAliases: number): unknown {
  try {
    return parseYaml(text, { schema: 'failsafe', maxAliasCount: maxAliases, uniqueKeys: false });
  } catch (error) {
    const message = (error as Error).message;
    if (/alias/i.test(message) && /excessive|resource/i.test(message)) {
      throw new PortcullisError('LIMIT', `${file}: YAML uses more than ${maxAliases} aliases (a resource-exhaustion document?)`);
    }
    throw inputError(`${file}: malformed YAML: ${message.split('\n')[0]}`);
  }
}

export function isJsonName(name: string): boolean {
  return name.endsWith('.json');
}

export function isYamlName(name: string): boolean {
  return name.endsWith('.yaml') || name.endsWith('.yml');
}
