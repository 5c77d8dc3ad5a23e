/**
 * The AdvisorySource contract: one published feed format read into the vulnerability model.
 * A source never writes the store; it yields records and reports problems through its context,
 * and the importer (import.ts) decides what to do with them.
 */
import type { AdvisoryRecord } from '../store/index.ts';

export type { AdvisoryRecord } from '../store/index.ts';

export interface SourceLimits {
  /** Largest single record file (OSV JSON, YAML advisory) read whole. */
  maxRecordBytes: number;
  /** Largest feed file read whole (the Debian tracker JSON, a secdb file). */
  maxFeedBytes: number;
  /** Entries one all.zip may hold. */
  maxZipEntries: number;
  /** Uncompressed bytes one all.zip may expand to. */
  maxZipBytes: number;
  /** Largest compression ratio of one zip entry (uncompressed / compressed) above 1 MiB. */
  maxZipRatio: number;
  /** YAML aliases one document may use (a billion-laughs document uses millions). */
  maxYamlAliases: number;
}

export const DEFAULT_SOURCE_LIMITS: SourceLimits = {
  maxRecordBytes: 16 * 1024 ** 2,
  maxFeedBytes: 1024 ** 3,
  maxZipEntries: 2_000_000,
  maxZipBytes: 16 * 1024 ** 3,
  maxZipRatio: 200,
  maxYamlAliases: 100,
};

export interface SourceContext {
  limits: SourceLimits;
  /** A problem the run survives: a malformed record (named by file), an unconvertible range. */
  warn(message: string): void;
  /** A record that could not be read at all; counted and skipped (warn first, naming the file). */
  skip(file: string, reason: string): void;
  /** The source withdrew this advisory: any copy is removed and later copies ignored. */
  withdrawn(id: string): void;
}

export interface AdvisorySource {
  /** Stable name, stored as `Advisory.source`: "osv", "debian-tracker", "alpine-secdb", ... */
  readonly name: string;
  /** One line for `db import --help` and the docs. */
  readonly description: string;
  /** Cheap: true when `path` (file or directory) looks like this source's format. Reads at most a few KiB. */
  detect(path: string): Promise<boolean>;
  /** Reads every record under `path` (a file or a directory tree). */
  read(path: string, context: SourceContext): AsyncIterable<AdvisoryRecord>;
}
