/**
 * RegistryService: the OCI distribution semantics over a BlobStore and a MetadataStore, with no HTTP
 * in it. Routes (src/server) call it with validated names; it answers with data or a RegistryError
 * named by the spec's error code.
 */
import type { Readable } from 'node:stream';
import { PortcullisError } from '../core/index.ts';
import type { BlobReader, BlobStore, ByteRange, ManifestRecord, MetadataStore, Page } from '../storage/index.ts';
import type { RegistryContext, RegistryLimits } from './context.ts';
import { RegistryError } from './errors.ts';
import { RegistryEvents } from './events.ts';
import { type GcOptions, type GcReport, collectGarbage } from './gc.ts';
import { GcLock } from './gc-lock.ts';
import { type TagGuard, TagProtection } from './tag-guard.ts';
import { Manifests } from './manifests.ts';
import { Uploads } from './uploads.ts';

export interface RegistryServiceOptions {
  blobs: BlobStore;
  metadata: MetadataStore;
  limits?: Partial<RegistryLimits>;
  /** Milliseconds since the epoch; tests move time forward through it. */
  now?: () => number;
  /** Immutable tags (see tag-guard.ts): pushes that move them and deletes of them answer DENIED. */
  tagGuard?: TagGuard;
}

export interface BlobStream {
  size: number;
  stream: Readable;
}

function blobUnknown(repository: string, digest: string): RegistryError {
  return new RegistryError('BLOB_UNKNOWN', `blob ${digest} not found in ${repository}`, { detail: { digest } });
}

/** RANGE_INVALID unless `range` (when given) lies inside the `size` bytes of the blob. */
export function checkBlobRange(digest: string, size: number, range: ByteRange | undefined): void {
  if (range !== undefined && (range.start > range.end || range.end >= size)) {
    throw new RegistryError('RANGE_INVALID', `range ${range.start}-${range.end} is outside the ${size} bytes of ${digest}`, {
      headers: { 'content-range': `bytes */${size}` },
    });
  }
}

export const DEFAULT_REGISTRY_LIMITS: RegistryLimits = { maxManifestBytes: 4 * 1024 * 1024 };

export class RegistryService {
  readonly events = new RegistryEvents();
  readonly uploads: Uploads;
  readonly manifests: Manifests;
  readonly limits: RegistryLimits;
  readonly #context: RegistryContext;

  constructor(options: RegistryServiceOptions) {
    this.limits = { ...DEFAULT_REGISTRY_LIMITS, ...options.limits };
    this.#context = {
      blobs: options.blobs,
      metadata: options.metadata,
      events: this.events,
      lock: new GcLock(),
      tags: new TagProtection(options.tagGuard, options.metadata),
      limits: this.limits,
      now: options.now ?? Date.now,
    };
    this.uploads = new Uploads(this.#context);
    this.manifests = new Manifests(this.#context);
  }

  /** Size of a blob the repository may read; BLOB_UNKNOWN otherwise. */
  async statBlob(repository: string, digest: string): Promise<number> {
    const { metadata, blobs } = this.#context;
    const stored = (await metadata.isBlobLinked(repository, digest)) ? await blobs.stat(digest) : undefined;
    if (stored === undefined) throw blobUnknown(repository, digest);
    return stored.size;
  }

  /** A blob's bytes, or a range of them (RANGE_INVALID when the range is outside the blob). */
  async readBlob(repository: string, digest: string, range?: ByteRange): Promise<BlobStream> {
    const size = await this.statBlob(repository, digest);
    checkBlobRange(digest, size, range);
    return { size, stream: await this.#context.blobs.read(digest, range ?? (size > 0 ? { start: 0, end: size - 1 } : undefined)) };
  }

  /** A blob the repository may read, opened for positional reads (BlobReader); BLOB_UNKNOWN otherwise. The caller closes it. */
  async openBlob(repository: string, digest: string): Promise<BlobReader> {
    if (!(await this.#context.metadata.isBlobLinked(repository, digest))) throw blobUnknown(repository, digest);
    try {
      return await this.#context.blobs.open(digest);
    } catch (error) {
      if (error instanceof PortcullisError && error.code === 'NOT_FOUND') throw blobUnknown(repository, digest);
      throw error;
    }
  }

  /** Removes the repository's access to a blob; the bytes go at the next garbage collection. */
  async deleteBlob(repository: string, digest: string): Promise<void> {
    if (!(await this.#context.metadata.unlinkBlob(repository, digest))) {
      throw blobUnknown(repository, digest);
    }
  }

  async catalog(page: Page): Promise<string[]> {
    return this.#context.metadata.listRepositories(page);
  }

  async repositoryExists(repository: string): Promise<boolean> {
    return this.#context.metadata.repositoryExists(repository);
  }

  /** Manifests of a repository in digest order, without their content (management listings). */
  async listManifests(repository: string, page: Page): Promise<ManifestRecord[]> {
    return this.#context.metadata.listManifests(repository, page);
  }

  /** Tags pointing at one manifest of a repository. */
  async tagsOf(repository: string, digest: string): Promise<string[]> {
    return this.#context.metadata.tagsOf(repository, digest);
  }

  /**
   * Deletes a repository: every manifest (announced as `manifestDeleted`, as single deletes are),
   * then its tags and blob links; the bytes go at the next garbage collection. NAME_UNKNOWN when
   * there is no such repository.
   */
  async deleteRepository(repository: string): Promise<void> {
    const { metadata, events } = this.#context;
    if (!(await metadata.repositoryExists(repository))) throw new RegistryError('NAME_UNKNOWN', `repository ${repository} not found`, { detail: { name: repository } });
    const digests: string[] = [];
    for (;;) {
      const page = await metadata.listManifests(repository, { n: 1000, ...(digests.length > 0 && { last: digests.at(-1) }) });
      digests.push(...page.map((record) => record.digest));
      if (page.length < 1000) break;
    }
    // Immutable tags would go with the repository: refuse before anything is deleted.
    for (const digest of digests) await this.#context.tags.checkManifestDelete(repository, digest);
    await metadata.deleteRepository(repository);
    for (const digest of digests) events.publish('manifestDeleted', { repository, digest });
  }

  async collectGarbage(options?: GcOptions): Promise<GcReport> {
    return collectGarbage(this.#context, options);
  }

  async close(): Promise<void> {
    await this.#context.metadata.close();
  }
}
