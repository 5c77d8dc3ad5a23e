/**
 * An OCI image layout directory (`oci:DIR[:TAG]`). Blob paths are built only from validated
 * digests (`blobs/<alg>/<hex>`), and every file is opened with O_NOFOLLOW after checking that its
 * directory resolves inside the layout, so a layout cannot make Portcullis read host files through
 * a symlinked blob or blobs directory.
 */
import { constants } from 'node:fs';
import { type FileHandle, lstat, open, realpath } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { PortcullisError, digestAlgorithm, digestHex, inputError } from '../../core/index.ts';
import { resolveLimits } from '../limits.ts';
import type { OpenedImage, ReadImageOptions } from '../types.ts';
import type { BlobSource, StoredBlob } from './blobs.ts';
import { withLocation } from './context.ts';
import { openOciImage } from './oci-image.ts';

const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW;

export async function openOciLayout(reference: string, dir: string, tag: string | undefined, options: ReadImageOptions = {}): Promise<OpenedImage> {
  return withLocation(dir, async () => {
    const root = await layoutRoot(dir);
    return openOciImage(
      { location: dir, blobs: layoutBlobs(root), readTopFile: (name, maxBytes) => readLayoutFile(root, join(root, name), maxBytes) },
      { reference, transport: 'oci', ...(tag !== undefined && { tag }), options, limits: resolveLimits(options.limits), close: async () => {} },
    );
  });
}

async function layoutRoot(dir: string): Promise<string> {
  try {
    return await realpath(resolve(dir));
  } catch (error) {
    throw new PortcullisError('NOT_FOUND', 'the OCI layout does not exist', { cause: error });
  }
}

function layoutBlobs(root: string): BlobSource {
  return {
    async locate(digest: string): Promise<StoredBlob> {
      const path = join(root, 'blobs', digestAlgorithm(digest), digestHex(digest));
      const size = await statPlainFile(root, path);
      return { size, createReadStream: () => Readable.from(readNoFollow(path)) };
    },
  };
}

/** Size of a regular file inside the layout; refuses symlinks and anything resolving outside. */
async function statPlainFile(root: string, path: string): Promise<number> {
  const relative = path.slice(root.length + 1);
  let stats;
  try {
    stats = await lstat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new PortcullisError('NOT_FOUND', `${relative} is missing from the layout`, { cause: error });
    throw inputError(`cannot read ${relative}: ${code ?? String(error)}`, error);
  }
  if (stats.isSymbolicLink()) throw inputError(`${relative} is a symlink; blobs must be regular files inside the layout`);
  if (!stats.isFile()) throw inputError(`${relative} is not a regular file`);
  const parent = await realpath(dirname(path));
  if (parent !== root && !parent.startsWith(root + sep)) throw inputError(`${relative} resolves outside the layout`);
  return stats.size;
}

/** The file's chunks, opened with O_NOFOLLOW so a blob swapped for a symlink after the check is refused. */
async function* readNoFollow(path: string): AsyncGenerator<Buffer> {
  const handle = await open(path, OPEN_FLAGS);
  yield* handle.createReadStream();
}

async function readLayoutFile(root: string, path: string, maxBytes: number): Promise<Buffer> {
  await statPlainFile(root, path);
  let handle: FileHandle;
  try {
    handle = await open(path, OPEN_FLAGS);
  } catch (error) {
    throw inputError(`cannot open ${path}`, error);
  }
  try {
    const { size } = await handle.stat();
    if (size > maxBytes) throw new PortcullisError('LIMIT', `${path.slice(root.length + 1)} is ${size} bytes, over the limit of ${maxBytes} bytes`);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}
