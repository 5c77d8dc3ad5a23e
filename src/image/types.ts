/**
 * Contracts of the image module: an opened target (image or directory), its layers as raw blobs,
 * and the filesystem entries a layer or directory yields when walked.
 */
import type { Readable } from 'node:stream';
import type { ImageConfig } from '../oci/index.ts';

/** Resource limits applied while reading untrusted images. Every field has a default (limits.ts). */
export interface ReadLimits {
  /** Total uncompressed bytes across all layers of one image. */
  maxUncompressedBytes: number;
  /** Total tar entries across all layers of one image. */
  maxEntries: number;
  /** Largest single file an extractor may read whole into memory. */
  maxFileBytes: number;
  /** Largest manifest, index or config JSON accepted. */
  maxManifestBytes: number;
}

export type EntryType =
  | 'file'
  | 'directory'
  | 'symlink'
  | 'hardlink'
  /** A `.wh.<name>` marker: `path` is the deleted path (the marker's name without `.wh.`). */
  | 'whiteout'
  /** A `.wh..wh..opq` marker: `path` is the directory whose lower-layer content is hidden. */
  | 'opaque'
  /** Devices, FIFOs, sockets: recorded, never read. */
  | 'other';

export interface WalkEntry {
  /** Normalised path relative to the root: '/'-separated, no leading '/' or './', no '..' segment. */
  path: string;
  type: EntryType;
  /** Size in bytes of a regular file's content; 0 for everything else. */
  size: number;
  /** Unix permission bits. */
  mode: number;
  /**
   * symlink: the link text exactly as stored (may be absolute or contain '..').
   * hardlink: the normalised path of the entry it links to.
   */
  linkname?: string;
  /**
   * The content of a regular file. Valid only until the walker is asked for the next entry; a
   * consumer that does not read it loses nothing (the walker skips it).
   */
  content?: () => AsyncIterable<Buffer>;
}

/** One layer of an image, before it is read. */
export interface ImageLayer {
  /** 0-based position in the manifest. */
  index: number;
  /** Digest of the blob as stored. */
  digest: string;
  /** The config's rootfs.diff_ids entry for this layer. */
  diffId?: string;
  mediaType: string;
  /** Size in bytes as the manifest declares it. */
  size: number;
  /** `created_by` of the history entry that made this layer. */
  createdBy?: string;
  /**
   * The raw blob bytes (compressed as stored). The stream verifies size and digest while it flows
   * and fails with DIGEST_MISMATCH (or INPUT for a size mismatch) at its end.
   */
  open(): Promise<Readable>;
}

export interface ImagePlatform {
  os: string;
  architecture: string;
  variant?: string;
}

export type Transport = 'oci' | 'oci-archive' | 'docker-archive' | 'docker' | 'dir';

export interface OpenedImage {
  kind: 'image';
  /** The target as the user gave it. */
  reference: string;
  transport: Transport;
  /** Digest of the image manifest (not of an index that pointed to it). */
  manifestDigest?: string;
  manifestMediaType: string;
  /** The manifest bytes exactly as read (for signing and re-pushing). */
  manifestBytes?: Buffer;
  configDigest: string;
  /** The validated image configuration (OCI image config / Docker config JSON). */
  config: ImageConfig;
  platform: ImagePlatform;
  repoTags: string[];
  layers: ImageLayer[];
  /** Releases temporary files and connections. Always call it (try/finally). */
  close(): Promise<void>;
}

export interface OpenedDirectory {
  kind: 'directory';
  reference: string;
  /** Absolute path of the root directory. */
  root: string;
  close(): Promise<void>;
}

export type OpenedTarget = OpenedImage | OpenedDirectory;

/** The validated image configuration, as src/oci parses it. */
export type { ImageConfig } from '../oci/index.ts';

export interface ReadImageOptions {
  /** `os/arch[/variant]`; default linux/amd64. Used when the target is an index. */
  platform?: string;
  /** Allow plain HTTP and unverified TLS for remote registries. */
  insecure?: boolean;
  /**
   * Path of a docker-style auth file; default REGISTRY_AUTH_FILE, then
   * $XDG_RUNTIME_DIR/containers/auth.json, then $DOCKER_CONFIG/config.json (~/.docker/config.json).
   */
  authFile?: string;
  /** Explicit credentials for a remote registry (override the auth file). */
  credentials?: { username: string; password: string };
  limits?: Partial<ReadLimits>;
  signal?: AbortSignal;
}
