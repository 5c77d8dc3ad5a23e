/**
 * Turns the command line's PATH arguments into manifest texts: files as named, directories walked
 * recursively for *.yaml, *.yml and *.json, and '-' for stdin (`helm template . | portcullis lint
 * k8s -`). Every input is size-limited and must be valid UTF-8.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PortcullisError, inputError } from '../../core/index.ts';

export interface ManifestText {
  /** The file as the user named it, or as found under a named directory; '-' for stdin. */
  file: string;
  text: string;
}

/** Largest single input file or stdin stream. */
export const DEFAULT_MAX_INPUT_BYTES = 64 * 1024 ** 2;

const MANIFEST_EXTENSIONS = /\.(ya?ml|json)$/i;

/** Reads every input; a missing path is NOT_FOUND, an oversized one LIMIT, bad UTF-8 INPUT. */
export async function readManifestInputs(
  paths: readonly string[],
  stdin: AsyncIterable<Uint8Array> = process.stdin,
  maxBytes = DEFAULT_MAX_INPUT_BYTES,
): Promise<ManifestText[]> {
  const inputs: ManifestText[] = [];
  for (const path of paths) {
    if (path === '-') {
      inputs.push({ file: '-', text: decode('-', await readStream(stdin, maxBytes)) });
      continue;
    }
    const info = await stat(path).catch((error: unknown) => {
      throw new PortcullisError('NOT_FOUND', `${path}: no such file or directory`, { cause: error });
    });
    const files = info.isDirectory() ? await manifestFilesUnder(path) : [path];
    for (const file of files) inputs.push({ file, text: decode(file, await readLimited(file, maxBytes)) });
  }
  return inputs;
}

/** Manifest files under a directory, sorted for stable reports; symbolic links are not followed. */
async function manifestFilesUnder(directory: string): Promise<string[]> {
  const found: string[] = [];
  const entries = await readdir(directory, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) found.push(...(await manifestFilesUnder(path)));
    else if (entry.isFile() && MANIFEST_EXTENSIONS.test(entry.name)) found.push(path);
  }
  return found;
}

async function readLimited(file: string, maxBytes: number): Promise<Uint8Array> {
  const info = await stat(file);
  if (info.size > maxBytes) throw new PortcullisError('LIMIT', `${file}: ${info.size} bytes is over the ${maxBytes}-byte input limit`);
  return readFile(file);
}

async function readStream(stream: AsyncIterable<Uint8Array>, maxBytes: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of stream) {
    total += chunk.byteLength;
    if (total > maxBytes) throw new PortcullisError('LIMIT', `stdin: more than the ${maxBytes}-byte input limit`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function decode(file: string, bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch (error) {
    throw inputError(`${file}: not valid UTF-8`, error);
  }
}
