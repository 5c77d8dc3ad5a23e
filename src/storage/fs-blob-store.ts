/**
 * BlobStore on a local filesystem (layout in fs-layout.ts). Durability rule: a blob appears under
 * blobs/ only by rename(2) of a file that was fsynced after its digest was verified, so a crash at
 * any moment leaves either no blob or a whole, correct one. Uploads survive restarts as plain files.
 */
import { createHash, randomUUID, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type FileHandle, mkdir, open, readFile, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { PortcullisError, digestAlgorithm, isDigest, parseDigest } from '../core/index.ts';
import type { BlobInfo, BlobReader, BlobStore, ByteRange, UploadState } from './blob-store.ts';
import { FsLayout, isUploadId } from './fs-layout.ts';

const WRITE_BATCH_BYTES = 1024 * 1024;

/** Running sha256 of an upload appended in one process, so commit need not read the file again. */
interface RunningHash {
  hash: Hash;
  size: number;
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

function uploadNotFound(id: string): PortcullisError {
  return new PortcullisError('NOT_FOUND', `upload ${id} not found`);
}

async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function hashFile(path: string, algorithm: 'sha256' | 'sha512'): Promise<string> {
  const hash = createHash(algorithm);
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return `${algorithm}:${hash.digest('hex')}`;
}

const READ_CHUNK_BYTES = 1024 * 1024;

export class FsBlobStore implements BlobStore {
  readonly layout: FsLayout;
  readonly #running = new Map<string, RunningHash>();
  /** Uploads with an append or commit under way: a second one at the same time is refused. */
  readonly #busy = new Set<string>();

  constructor(root: string) {
    this.layout = new FsLayout(root);
  }

  /** Creates the directories; call once before use. */
  async init(): Promise<this> {
    await mkdir(this.layout.blobsDir, { recursive: true });
    await mkdir(this.layout.uploadsDir, { recursive: true });
    return this;
  }

  async stat(digest: string): Promise<BlobInfo | undefined> {
    try {
      const info = await stat(this.layout.blobPath(digest));
      return { digest, size: info.size, modifiedAt: info.mtimeMs };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async read(digest: string, range?: ByteRange): Promise<Readable> {
    const handle = await this.#openBlobFile(digest);
    // 1 MiB chunks: at the 64 KiB default, per-chunk overhead doubles the CPU cost of serving a layer.
    // A smaller range gets a buffer of its own size: each read allocates one, and a 1 MiB buffer
    // for a 2 KiB config costs the garbage collector far more than the read.
    const highWaterMark = range === undefined ? READ_CHUNK_BYTES : Math.max(1, Math.min(READ_CHUNK_BYTES, range.end - range.start + 1));
    return handle.createReadStream(range === undefined ? { highWaterMark } : { start: range.start, end: range.end, highWaterMark });
  }

  async open(digest: string): Promise<BlobReader> {
    const handle = await this.#openBlobFile(digest);
    try {
      const { size } = await handle.stat();
      return {
        size,
        read: async (buffer, length, position) => {
          // Checked here: fs asserts (aborting the process) on a length that is not a 32-bit integer.
          if (!Number.isInteger(length) || length < 0 || length > buffer.length || !Number.isSafeInteger(position) || position < 0) {
            throw new PortcullisError('INPUT', `blob ${digest}: cannot read ${length} bytes at ${position} into a buffer of ${buffer.length}`);
          }
          return (await handle.read(buffer, 0, length, position)).bytesRead;
        },
        close: () => handle.close(),
      };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async put(digest: string, bytes: Uint8Array): Promise<BlobInfo> {
    const algorithm = digestAlgorithm(digest);
    const actual = `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
    if (actual !== digest) throw new PortcullisError('DIGEST_MISMATCH', `blob digest mismatch: expected ${digest}, got ${actual}`);
    const temporary = join(this.layout.uploadsDir, `put-${randomUUID()}`);
    const handle = await open(temporary, 'w', 0o644);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return this.#publish(temporary, digest);
  }

  async *list(): AsyncIterable<BlobInfo> {
    for (const algorithm of ['sha256', 'sha512']) {
      const algorithmDir = join(this.layout.blobsDir, algorithm);
      for (const prefix of await readdir(algorithmDir).catch(() => [])) {
        for (const name of await readdir(join(algorithmDir, prefix)).catch(() => [])) {
          const digest = `${algorithm}:${name}`;
          if (!isDigest(digest)) continue; // not ours: never touched
          const info = await this.stat(digest);
          if (info !== undefined) yield info;
        }
      }
    }
  }

  async delete(digest: string): Promise<void> {
    await rm(this.layout.blobPath(digest), { force: true });
  }

  async startUpload(owner: string): Promise<UploadState> {
    const id = randomUUID();
    await mkdir(this.layout.uploadDir(id));
    await writeFile(this.layout.uploadOwner(id), owner);
    await writeFile(this.layout.uploadData(id), '');
    this.#running.set(id, { hash: createHash('sha256'), size: 0 });
    return { id, owner, size: 0, startedAt: Date.now() };
  }

  async uploadState(id: string): Promise<UploadState> {
    if (!isUploadId(id)) throw uploadNotFound(id.slice(0, 80));
    try {
      const [owner, data] = await Promise.all([readFile(this.layout.uploadOwner(id), 'utf8'), stat(this.layout.uploadData(id))]);
      return { id, owner, size: data.size, startedAt: data.mtimeMs };
    } catch (error) {
      if (isMissing(error)) throw uploadNotFound(id);
      throw error;
    }
  }

  async append(id: string, offset: number, data: AsyncIterable<Uint8Array>, maxBytes = Number.POSITIVE_INFINITY): Promise<UploadState> {
    return this.#exclusive(id, async () => {
      const state = await this.uploadState(id);
      if (state.size !== offset) {
        throw new PortcullisError('INPUT', `upload ${id}: offset ${offset} does not match the ${state.size} bytes received`);
      }
      const running = this.#running.get(id);
      const hashing = running !== undefined && running.size === state.size ? running : undefined;
      this.#running.delete(id); // restored below only when every byte was written and hashed
      const handle = await open(this.layout.uploadData(id), 'a');
      let written = 0;
      // Network chunks are small (16-64 KiB): gathering them into one writev per WRITE_BATCH_BYTES
      // saves a system call and an event-loop round trip per chunk on the push hot path.
      let batch: Uint8Array[] = [];
      let batchBytes = 0;
      const flush = async () => {
        if (batch.length > 0) await handle.writev(batch);
        batch = [];
        batchBytes = 0;
      };
      try {
        for await (const chunk of data) {
          written += chunk.byteLength;
          if (written > maxBytes) throw new PortcullisError('LIMIT', `upload ${id}: more than ${maxBytes} bytes`);
          hashing?.hash.update(chunk);
          batch.push(chunk);
          batchBytes += chunk.byteLength;
          if (batchBytes >= WRITE_BATCH_BYTES) await flush();
        }
      } finally {
        // What arrived before an error (a client that went away) is kept, so the upload can resume.
        await flush().finally(() => handle.close());
      }
      const size = state.size + written;
      if (hashing !== undefined) this.#running.set(id, { hash: hashing.hash, size });
      return { ...state, size };
    });
  }

  async commit(id: string, digest: string): Promise<BlobInfo> {
    parseDigest(digest);
    return this.#exclusive(id, async () => {
      const state = await this.uploadState(id);
      const path = this.layout.uploadData(id);
      const running = this.#running.get(id);
      const algorithm = digestAlgorithm(digest);
      const actual =
        algorithm === 'sha256' && running !== undefined && running.size === state.size
          ? `sha256:${running.hash.copy().digest('hex')}`
          : await hashFile(path, algorithm);
      if (actual !== digest) {
        throw new PortcullisError('DIGEST_MISMATCH', `upload ${id}: digest mismatch: expected ${digest}, got ${actual}`);
      }
      await fsyncPath(path);
      const info = await this.#publish(path, digest);
      this.#running.delete(id);
      await rm(this.layout.uploadDir(id), { recursive: true, force: true });
      return info;
    });
  }

  async cancelUpload(id: string): Promise<void> {
    if (!isUploadId(id)) return;
    this.#running.delete(id);
    await rm(this.layout.uploadDir(id), { recursive: true, force: true });
  }

  async *listUploads(): AsyncIterable<UploadState> {
    for (const name of await readdir(this.layout.uploadsDir)) {
      if (!isUploadId(name)) continue;
      try {
        yield await this.uploadState(name);
      } catch (error) {
        if (!(error instanceof PortcullisError && error.code === 'NOT_FOUND')) throw error;
      }
    }
  }

  /**
   * Renames a verified, fsynced file into place and fsyncs the directory. The modification time is
   * set to now first: garbage collection spares blobs committed after it started.
   */
  async #publish(source: string, digest: string): Promise<BlobInfo> {
    const dir = this.layout.blobDir(digest);
    const target = this.layout.blobPath(digest);
    await mkdir(dir, { recursive: true });
    const now = new Date();
    await utimes(source, now, now);
    await rename(source, target); // an existing blob has the same content: replacing it is harmless
    await fsyncPath(dir);
    const info = await stat(target);
    return { digest, size: info.size, modifiedAt: info.mtimeMs };
  }

  async #openBlobFile(digest: string): Promise<FileHandle> {
    try {
      return await open(this.layout.blobPath(digest), 'r');
    } catch (error) {
      if (isMissing(error)) throw new PortcullisError('NOT_FOUND', `blob ${digest} not found`);
      throw error;
    }
  }

  async #exclusive<T>(id: string, work: () => Promise<T>): Promise<T> {
    if (this.#busy.has(id)) throw new PortcullisError('INPUT', `upload ${id} is busy with another request`);
    this.#busy.add(id);
    try {
      return await work();
    } finally {
      this.#busy.delete(id);
    }
  }
}
