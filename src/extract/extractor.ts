/**
 * The Extractor contract. An extractor reads one kind of file (a package database, a lock file,
 * a binary) and reports the packages it declares. Extractors never walk the filesystem or open
 * files themselves: the walker offers them each file whose path their cheap `fileRequired` test
 * accepts, exactly once per layer it appears in.
 */
import type { ExtractedPackage, OSInfo, PackageType } from '../inventory/index.ts';

/** What the walker knows about a file before reading it. */
export interface FileInfo {
  /** Path relative to the target root, '/'-separated, no leading '/' or './'. */
  path: string;
  /** Size in bytes. */
  size: number;
  /** Unix permission bits (including the executable bits). */
  mode: number;
}

/** A file offered to an extractor. Call at most one of `read` and `stream`, at most once. */
export interface ExtractorFile extends FileInfo {
  /** The whole content. Rejects with a LIMIT error when the file is larger than `maxFileBytes`. */
  read(): Promise<Buffer>;
  /** The content as chunks, for large files (binaries) that must not be held in memory. */
  stream(): AsyncIterable<Buffer>;
}

export interface ExtractContext {
  /** Report a recoverable problem (malformed entry skipped, ...): it reaches the inventory's warnings. */
  warn(message: string): void;
  /** Largest file an extractor may `read()` whole. */
  maxFileBytes: number;
}

/** Files that belong to an OS package (dpkg .list files, apk db), to link language packages to it. */
export interface FileOwnership {
  type: PackageType;
  /** Package name as its database spells it (dpkg: without ':arch'). */
  name: string;
  /** Owned paths, relative to the root, no leading '/'. */
  paths: string[];
}

export interface ExtractResult {
  packages: ExtractedPackage[];
  os?: OSInfo;
  fileOwnership?: FileOwnership[];
}

export interface Extractor {
  /** Stable `category/name` ("os/dpkg", "lang/npm"). */
  readonly name: string;
  /** Bumped whenever the output for the same input changes: part of every cache key. */
  readonly version: number;
  /** Cheap test on path (and size/mode): no IO. */
  fileRequired(file: FileInfo): boolean;
  /**
   * Reads one file. Malformed content is reported through `context.warn` and yields what could be
   * read; only an internal bug throws.
   */
  extract(file: ExtractorFile, context: ExtractContext): Promise<ExtractResult>;
}
