/**
 * Blob uploads (distribution spec "Pushing blobs"): POST starts one (or mounts a blob from another
 * repository, or takes a whole blob at once), PATCH appends a chunk at the offset the registry
 * reports, PUT with `digest` verifies and commits, DELETE cancels. An upload belongs to the
 * repository that started it. Data lands in the blob store's upload area; it becomes a blob, linked
 * to the repository, only after the digest check.
 */
import { isPortcullisError } from '../core/index.ts';
import type { UploadState } from '../storage/index.ts';
import type { RegistryContext } from './context.ts';
import { RegistryError } from './errors.ts';

/** The part of a request body the registry is told to expect (Content-Range, Content-Length). */
export interface ChunkHeaders {
  /** From `Content-Range: <start>-<end>` (inclusive), when sent. */
  range?: { start: number; end: number };
  /** From Content-Length, when sent. */
  length?: number;
}

export interface UploadProgress {
  id: string;
  /** Bytes received so far. */
  size: number;
}

function unknownUpload(id: string, cause?: unknown): RegistryError {
  return new RegistryError('BLOB_UPLOAD_UNKNOWN', `upload ${id.slice(0, 80)} is not known`, { cause });
}

/** `Range` header value the spec asks for: the inclusive range received, `0-0` when empty. */
export function receivedRange(size: number): string {
  return `0-${Math.max(size - 1, 0)}`;
}

export class Uploads {
  readonly #context: RegistryContext;

  constructor(context: RegistryContext) {
    this.#context = context;
  }

  async start(repository: string): Promise<UploadProgress> {
    const state = await this.#context.blobs.startUpload(repository);
    return { id: state.id, size: 0 };
  }

  async status(repository: string, id: string): Promise<UploadProgress> {
    const state = await this.#state(repository, id);
    return { id, size: state.size };
  }

  /** Appends a chunk; a chunk that does not start where the upload ends is RANGE_INVALID (416). */
  async append(repository: string, id: string, body: AsyncIterable<Uint8Array>, headers: ChunkHeaders): Promise<UploadProgress> {
    const state = await this.#state(repository, id);
    const { range, length } = headers;
    if (range !== undefined && (range.start !== state.size || range.end < range.start - 1)) {
      throw new RegistryError('RANGE_INVALID', `chunk starts at ${range.start}, but the upload holds ${state.size} bytes`, {
        headers: { range: receivedRange(state.size) },
      });
    }
    const expected = range !== undefined ? range.end - range.start + 1 : length;
    if (range !== undefined && length !== undefined && length !== expected) {
      throw new RegistryError('RANGE_INVALID', `Content-Range covers ${expected} bytes but Content-Length is ${length}`, {
        headers: { range: receivedRange(state.size) },
      });
    }
    let after: UploadState;
    try {
      after = await this.#context.blobs.append(id, state.size, body, expected);
    } catch (error) {
      throw this.#translate(error, id);
    }
    if (expected !== undefined && after.size - state.size !== expected) {
      throw new RegistryError('SIZE_INVALID', `chunk declared ${expected} bytes but carried ${after.size - state.size}`);
    }
    return { id, size: after.size };
  }

  /** Commits an upload (after appending a last chunk, when given) as blob `digest` of `repository`. */
  async complete(repository: string, id: string, digest: string, last?: { body: AsyncIterable<Uint8Array>; headers: ChunkHeaders }): Promise<void> {
    if (last !== undefined) await this.append(repository, id, last.body, last.headers);
    else await this.#state(repository, id);
    await this.#context.lock.shared(async () => {
      try {
        await this.#context.blobs.commit(id, digest);
      } catch (error) {
        throw this.#translate(error, id);
      }
      await this.#context.metadata.linkBlob(repository, digest, this.#context.now());
    });
  }

  async cancel(repository: string, id: string): Promise<void> {
    await this.#state(repository, id);
    await this.#context.blobs.cancelUpload(id);
  }

  /** Links a blob of `from` into `repository`; false when `from` has no such blob (then upload it). */
  async mount(repository: string, digest: string, from: string): Promise<boolean> {
    return this.#context.lock.shared(async () => {
      if (!(await this.#context.metadata.isBlobLinked(from, digest))) return false;
      if ((await this.#context.blobs.stat(digest)) === undefined) return false;
      await this.#context.metadata.linkBlob(repository, digest, this.#context.now());
      return true;
    });
  }

  async #state(repository: string, id: string): Promise<UploadState> {
    let state: UploadState;
    try {
      state = await this.#context.blobs.uploadState(id);
    } catch (error) {
      throw this.#translate(error, id);
    }
    if (state.owner !== repository) throw unknownUpload(id);
    return state;
  }

  #translate(error: unknown, id: string): unknown {
    if (!isPortcullisError(error)) return error;
    switch (error.code) {
      case 'NOT_FOUND':
        return unknownUpload(id, error);
      case 'DIGEST_MISMATCH':
        return new RegistryError('DIGEST_INVALID', error.message, { cause: error });
      case 'LIMIT':
        return new RegistryError('SIZE_INVALID', error.message, { cause: error });
      case 'INPUT':
        return new RegistryError('BLOB_UPLOAD_INVALID', error.message, { cause: error });
      default:
        return error;
    }
  }
}
