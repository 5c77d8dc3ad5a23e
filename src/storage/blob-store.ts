/**
 * The BlobStore contract: content-addressed blobs shared by every repository, and resumable uploads
 * that become blobs only after their digest is verified. Implementations: filesystem (fs-blob-store.ts);
 * an object store (S3) can follow by passing the same contract suite (contract.ts).
 */
import type { Readable } from 'node:stream';

/** A committed, immutable blob. */
export interface BlobInfo {
  digest: string;
  size: number;
  /** When the blob was last committed (ms since epoch); garbage collection spares recent blobs. */
  modifiedAt: number;
}

/**
 * One committed blob opened for positional reads into buffers the reader owns: what the registry
 * sends layers through, so serving a layer allocates no memory per chunk.
 */
export interface BlobReader {
  readonly size: number;
  /** Reads up to `length` bytes at `position` into the start of `buffer`; 0 at the end of the blob. */
  read(buffer: Buffer, length: number, position: number): Promise<number>;
  close(): Promise<void>;
}

/** An upload in progress. */
export interface UploadState {
  id: string;
  /** Opaque label given at start (the registry stores the repository); checked on every access. */
  owner: string;
  /** Bytes received so far: the next append must start at this offset. */
  size: number;
  /** When data last arrived (at the start, the start time): abandoned uploads are expired by it. */
  startedAt: number;
}

/** An inclusive byte range of a blob. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface BlobStore {
  /** The committed blob, or undefined when there is none. */
  stat(digest: string): Promise<BlobInfo | undefined>;

  /**
   * Streams a committed blob (or a range of it); NOT_FOUND when it is missing. Callers that know the
   * blob's size pass the whole range rather than none: the store sizes its reads by it.
   */
  read(digest: string, range?: ByteRange): Promise<Readable>;

  /** Opens a committed blob for positional reads; NOT_FOUND when it is missing. Close it after. */
  open(digest: string): Promise<BlobReader>;

  /** Stores a small blob given whole (a manifest), verified against `digest` first. */
  put(digest: string, bytes: Uint8Array): Promise<BlobInfo>;

  /** Every committed blob, in no particular order. */
  list(): AsyncIterable<BlobInfo>;

  /** Removes a committed blob; a missing blob is not an error. */
  delete(digest: string): Promise<void>;

  /** Starts an empty upload labelled with `owner`. */
  startUpload(owner: string): Promise<UploadState>;

  /** State of an upload; NOT_FOUND when it does not exist (or never did, or was committed). */
  uploadState(id: string): Promise<UploadState>;

  /**
   * Appends a stream to an upload that must currently hold exactly `offset` bytes (else an INPUT
   * error whose message says "offset"); at most `maxBytes` are read (LIMIT error past that).
   */
  append(id: string, offset: number, data: AsyncIterable<Uint8Array>, maxBytes?: number): Promise<UploadState>;

  /**
   * Verifies the upload's content against `digest` (DIGEST_MISMATCH, and the upload stays), makes it
   * durable, then publishes it as a blob atomically and forgets the upload. Committing content that
   * is already stored refreshes the stored blob's modification time.
   */
  commit(id: string, digest: string): Promise<BlobInfo>;

  /** Forgets an upload; a missing upload is not an error. */
  cancelUpload(id: string): Promise<void>;

  /** Every upload in progress (to expire abandoned ones). */
  listUploads(): AsyncIterable<UploadState>;
}
