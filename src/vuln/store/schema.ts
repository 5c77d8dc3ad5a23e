/**
 * The advisory database schema, as an ordered list of migrations. `PRAGMA user_version` records how
 * many have run; opening a database runs the missing ones, each in its own transaction, so a file
 * written by an older Portcullis is upgraded in place and a newer one is refused.
 *
 * Layout (one row per ...):
 *   advisories  (source, id)                     the Advisory as JSON
 *   affected    (ecosystem, name, source,        an AffectedPackage as JSON, clustered by (ecosystem, name)
 *                advisory_id, fingerprint)       for the matcher's one hot query; `name` is normalised
 *                                                (normalizePackageName: PEP 503 for PyPI, ...)
 *   aliases     (id, alias, source)              one edge of the alias graph, walked in both directions
 *   sources     (name)                           per-source import metadata and counts
 *   feeds       (url)                            per-feed download metadata (ETag, Last-Modified)
 */
import type { DatabaseSync } from 'node:sqlite';
import { PortcullisError } from '../../core/index.ts';

type Migration = (db: DatabaseSync) => void;

const MIGRATIONS: readonly Migration[] = [
  function createTables(db) {
    db.exec(`
      CREATE TABLE advisories (
        source TEXT NOT NULL,
        id TEXT NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (source, id)
      ) WITHOUT ROWID;
      CREATE INDEX advisories_by_id ON advisories (id);
      -- Clustered by (ecosystem, name): the matcher's lookup reads one contiguous key range.
      CREATE TABLE affected (
        ecosystem TEXT NOT NULL,
        name TEXT NOT NULL,
        source TEXT NOT NULL,
        advisory_id TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (ecosystem, name, source, advisory_id, fingerprint)
      ) WITHOUT ROWID;
      CREATE INDEX affected_by_advisory ON affected (source, advisory_id);
      CREATE TABLE aliases (
        id TEXT NOT NULL,
        alias TEXT NOT NULL,
        source TEXT NOT NULL,
        PRIMARY KEY (id, alias, source)
      ) WITHOUT ROWID;
      CREATE INDEX aliases_by_alias ON aliases (alias, id);
      CREATE INDEX aliases_by_source ON aliases (source);
      CREATE TABLE sources (
        name TEXT PRIMARY KEY,
        updated_at TEXT NOT NULL,
        advisories INTEGER NOT NULL,
        affected INTEGER NOT NULL,
        skipped INTEGER NOT NULL,
        withdrawn INTEGER NOT NULL
      );
      CREATE TABLE feeds (
        url TEXT PRIMARY KEY,
        source TEXT NOT NULL,
        etag TEXT,
        last_modified TEXT,
        bytes INTEGER NOT NULL,
        fetched_at TEXT NOT NULL
      );
    `);
  },
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export function schemaVersionOf(db: DatabaseSync): number {
  const row = db.prepare('PRAGMA user_version').get() as { user_version: number } | undefined;
  return row?.user_version ?? 0;
}

/** Brings `db` up to SCHEMA_VERSION; refuses files from a newer Portcullis. */
export function migrate(db: DatabaseSync, path: string): void {
  const current = schemaVersionOf(db);
  if (current > SCHEMA_VERSION) {
    throw new PortcullisError(
      'UNSUPPORTED',
      `advisory database ${path} has schema version ${current}, newer than this Portcullis reads (${SCHEMA_VERSION}); upgrade Portcullis`,
    );
  }
  for (let version = current; version < SCHEMA_VERSION; version++) {
    db.exec('BEGIN IMMEDIATE');
    try {
      MIGRATIONS[version]!(db);
      db.exec(`PRAGMA user_version = ${version + 1}`);
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
  }
}
