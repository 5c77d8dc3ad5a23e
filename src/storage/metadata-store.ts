/**
 * The MetadataStore contract: what the registry knows about content, as opposed to the content
 * itself (BlobStore). Repositories, which blobs each repository may use (links), manifests with
 * what they reference, tags, and referrers. Each method is one transaction. Implementations:
 * SQLite (sqlite-metadata-store.ts); PostgreSQL can follow by passing the contract suite (contract.ts).
 */

/** A stored manifest or index, exactly as pushed. */
export interface ManifestRecord {
  repository: string;
  digest: string;
  mediaType: string;
  /** artifactType, else the config media type of an image manifest (what referrers report). */
  artifactType?: string;
  /** Digest of the manifest this one refers to (`subject` field). */
  subject?: string;
  size: number;
  content: Uint8Array;
  annotations?: Record<string, string>;
  createdAt: number;
}

/** Lexical pagination as the distribution spec defines it for tags and the catalog. */
export interface Page {
  /** At most this many entries; undefined means all. */
  n?: number;
  /** Only entries lexically after this one. */
  last?: string;
}

export interface MetadataStore {
  /** Lets `repository` use blob `digest` (after an upload or mount); creates the repository. */
  linkBlob(repository: string, digest: string, at: number): Promise<void>;

  isBlobLinked(repository: string, digest: string): Promise<boolean>;

  /** Removes one repository's link to a blob; false when there was none. */
  unlinkBlob(repository: string, digest: string): Promise<boolean>;

  /**
   * Stores a manifest with the digests it references (blobs, child manifests) and points `tag` at
   * it when given; all or nothing. Storing a manifest that exists again only moves the tag.
   */
  putManifest(record: ManifestRecord, references: string[], tag?: string): Promise<void>;

  getManifest(repository: string, digest: string): Promise<ManifestRecord | undefined>;

  /** The digest a tag points to, or undefined. */
  resolveTag(repository: string, tag: string): Promise<string | undefined>;

  /** Tags of a repository in lexical (byte) order. */
  listTags(repository: string, page: Page): Promise<string[]>;

  repositoryExists(repository: string): Promise<boolean>;

  /** Repositories in lexical order. */
  listRepositories(page: Page): Promise<string[]>;

  /** false when the tag did not exist. */
  deleteTag(repository: string, tag: string): Promise<boolean>;

  /** Deletes a manifest, every tag pointing to it and its references; false when it did not exist. */
  deleteManifest(repository: string, digest: string): Promise<boolean>;

  /** Manifests of a repository in digest order (content left empty), for management listings. */
  listManifests(repository: string, page: Page): Promise<ManifestRecord[]>;

  /** Tags pointing at one manifest, in lexical order. */
  tagsOf(repository: string, digest: string): Promise<string[]>;

  /** Deletes a repository with its manifests, tags and blob links; false when it did not exist. */
  deleteRepository(repository: string): Promise<boolean>;

  /** Manifests of `repository` whose subject is `subject` (content left empty), oldest first. */
  listReferrers(repository: string, subject: string): Promise<ManifestRecord[]>;

  /**
   * Digests garbage collection must keep: every digest a manifest references, and every blob
   * linked at or after `since` (a push in flight may be about to reference it).
   */
  digestsInUse(since: number): Promise<Set<string>>;

  /** The same question for one digest, asked again just before it is deleted. */
  isDigestInUse(digest: string, since: number): Promise<boolean>;

  /** Removes every repository's link to a blob (the blob is being deleted). */
  forgetBlob(digest: string): Promise<void>;

  close(): Promise<void>;
}
