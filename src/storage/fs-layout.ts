/**
 * Where the filesystem stores put things under the data directory. Every path Portcullis writes is
 * built here, from validated digests and upload ids only, so nothing from a request can name a path.
 *
 * <data>/
 *   metadata.db                       SQLite: repositories, manifests, tags, blob links (sqlite-metadata-store.ts)
 *   blobs/
 *     sha256/
 *       ab/                           first two hex digits, so no directory grows too large
 *         abcdef...(64 hex)           a committed blob: immutable, content-addressed, shared by all repositories
 *     sha512/ (same shape, 128 hex)
 *   uploads/
 *     <uuid>/                         one upload in progress
 *       data                          bytes received so far (appended in order)
 *       owner                         the repository that started it
 *     put-<uuid>                      a small blob being written whole before its rename into blobs/
 */
import { join } from 'node:path';
import { digestAlgorithm, digestHex, inputError } from '../core/index.ts';

const UPLOAD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isUploadId(value: string): boolean {
  return UPLOAD_ID.test(value);
}

export class FsLayout {
  readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  get blobsDir(): string {
    return join(this.root, 'blobs');
  }

  get uploadsDir(): string {
    return join(this.root, 'uploads');
  }

  get metadataFile(): string {
    return join(this.root, 'metadata.db');
  }

  /** Directory of the blob with `digest` (validated: throws INPUT for anything else). */
  blobDir(digest: string): string {
    const hex = digestHex(digest);
    return join(this.blobsDir, digestAlgorithm(digest), hex.slice(0, 2));
  }

  blobPath(digest: string): string {
    return join(this.blobDir(digest), digestHex(digest));
  }

  uploadDir(id: string): string {
    if (!isUploadId(id)) throw inputError(`invalid upload id ${JSON.stringify(id.slice(0, 80))}`);
    return join(this.uploadsDir, id);
  }

  uploadData(id: string): string {
    return join(this.uploadDir(id), 'data');
  }

  uploadOwner(id: string): string {
    return join(this.uploadDir(id), 'owner');
  }
}
