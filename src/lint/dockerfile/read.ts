/**
 * Reads Dockerfiles from disk or stdin as untrusted input: size-limited while reading (a pipe has
 * no size to check up front), binary content and invalid UTF-8 refused with a clear error, a
 * UTF-8 byte-order mark dropped.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { PortcullisError, inputError } from '../../core/index.ts';
import type { DockerfileInput } from './lint.ts';

/** Real Dockerfiles are a few kilobytes; a megabyte leaves room for generated ones. */
export const DEFAULT_MAX_DOCKERFILE_BYTES = 1024 ** 2;

export interface ReadDockerfileOptions {
  /** Read for '-'; default process.stdin. */
  stdin?: AsyncIterable<Uint8Array>;
  maxBytes?: number;
}

export async function readDockerfiles(paths: readonly string[], options: ReadDockerfileOptions = {}): Promise<DockerfileInput[]> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_DOCKERFILE_BYTES;
  if (paths.filter((path) => path === '-').length > 1) throw new PortcullisError('USAGE', "'-' (stdin) can be named only once");
  const inputs: DockerfileInput[] = [];
  for (const path of paths) {
    const bytes = path === '-' ? await readLimited('stdin', options.stdin ?? process.stdin, maxBytes) : await readFileLimited(path, maxBytes);
    inputs.push({ file: path, text: decodeDockerfile(path === '-' ? 'stdin' : path, bytes) });
  }
  return inputs;
}

async function readFileLimited(path: string, maxBytes: number): Promise<Buffer> {
  const info = await stat(path).catch((error: unknown) => {
    throw new PortcullisError('NOT_FOUND', `${path}: no such file`, { cause: error });
  });
  if (info.isDirectory()) throw inputError(`${path}: is a directory, not a Dockerfile`);
  if (info.isFile() && info.size > maxBytes) throw limitError(path, maxBytes);
  return readLimited(path, createReadStream(path), maxBytes);
}

async function readLimited(name: string, stream: AsyncIterable<Uint8Array>, maxBytes: number): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of stream) {
    total += chunk.byteLength;
    if (total > maxBytes) {
      if ('destroy' in stream && typeof stream.destroy === 'function') stream.destroy();
      throw limitError(name, maxBytes);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function limitError(name: string, maxBytes: number): PortcullisError {
  return new PortcullisError('LIMIT', `${name}: larger than the ${maxBytes}-byte limit for a Dockerfile`);
}

/** The text of a Dockerfile, or an INPUT error naming what is wrong with the bytes. */
function decodeDockerfile(name: string, bytes: Uint8Array): string {
  if (bytes.includes(0)) throw inputError(`${name}: binary content (NUL bytes), not a Dockerfile`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw inputError(`${name}: not valid UTF-8`, error);
  }
}
