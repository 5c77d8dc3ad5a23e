/**
 * The advisory store: one SQLite file (node:sqlite) holding every imported advisory, read by the
 * matcher through AdvisoryLookup and written by importers through one transaction per run
 * (`importRun`), so a failed or killed import leaves the previous content in place.
 *
 * The file is in WAL mode while open; `close()` checkpoints and truncates the WAL, so once closed
 * the single `.db` file is complete and can be copied to an air-gapped machine.
 */
import { mkdirSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { PortcullisError } from '../../core/index.ts';
import { normalizePackageName } from '../match/index.ts';
import type { Advisory, AdvisoryLookup, AffectedPackage } from '../model.ts';
import { LookupCache } from './lookup-cache.ts';
import { openImportRun, type ImportRun } from './import-run.ts';
import { mergeAdvisories } from './merge.ts';
import { migrate, schemaVersionOf } from './schema.ts';

/** Largest alias group returned: real groups have a handful of ids; this bounds a hostile graph. */
const MAX_ALIAS_GROUP = 1000;
/** Packages whose parsed records stay cached: more than the packages of a large image. */
const CACHED_PACKAGES = 8192;

export interface SourceStatus {
  name: string;
  /** ISO time of the last import of this source. */
  updatedAt: string;
  advisories: number;
  affected: number;
  skipped: number;
  withdrawn: number;
}

export interface EcosystemStatus {
  ecosystem: string;
  advisories: number;
  affected: number;
}

export interface FeedStatus {
  url: string;
  source: string;
  etag?: string;
  lastModified?: string;
  bytes: number;
  fetchedAt: string;
}

export interface StoreStatus {
  path: string;
  schemaVersion: number;
  sources: SourceStatus[];
  ecosystems: EcosystemStatus[];
  feeds: FeedStatus[];
}

export interface AdvisoryStore extends AdvisoryLookup {
  readonly path: string;
  status(): StoreStatus;
  feed(url: string): FeedStatus | undefined;
  /**
   * Runs `write` inside one transaction: committed when it resolves, rolled back when it throws.
   * Sources written in the run replace what the store held for them.
   */
  importRun<T>(write: (run: ImportRun) => Promise<T>): Promise<T>;
  close(): void;
}

export interface OpenOptions {
  readOnly?: boolean;
}

function openDatabase(path: string, readOnly: boolean): DatabaseSync {
  if (readOnly && !existsSync(path)) {
    throw new PortcullisError('NOT_FOUND', `no advisory database at ${path} (create one with 'portcullis db update' or 'portcullis db import')`);
  }
  if (!readOnly) mkdirSync(dirname(path), { recursive: true });
  try {
    const db = new DatabaseSync(path, { readOnly });
    db.exec('PRAGMA busy_timeout = 5000');
    // Reading the schema version fails here, with a clear message, when the file is not SQLite.
    schemaVersionOf(db);
    return db;
  } catch (error) {
    throw new PortcullisError('INPUT', `${path} is not a readable advisory database: ${(error as Error).message}`, { cause: error });
  }
}

export function openAdvisoryStore(path: string, options: OpenOptions = {}): AdvisoryStore {
  const readOnly = options.readOnly === true;
  const db = openDatabase(path, readOnly);
  try {
    if (!readOnly) {
      db.exec('PRAGMA journal_mode = WAL');
      // With WAL, NORMAL still never corrupts the file on a crash; it only may lose the last commit on power loss.
      db.exec('PRAGMA synchronous = NORMAL');
      migrate(db, path);
    } else if (schemaVersionOf(db) === 0) {
      throw new PortcullisError('INPUT', `${path} is not an advisory database (no schema)`);
    }
  } catch (error) {
    db.close();
    throw error;
  }

  const statements = new Map<string, StatementSync>();
  const prepared = (sql: string): StatementSync => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
  const affectedStatement = db.prepare('SELECT data FROM affected WHERE ecosystem = ? AND name = ?');
  const advisoryStatement = db.prepare('SELECT data FROM advisories WHERE id = ? ORDER BY length(data) DESC');
  const aliasStatement = db.prepare(`
    WITH RECURSIVE grp(id) AS (
      SELECT ?
      UNION SELECT aliases.alias FROM aliases JOIN grp ON aliases.id = grp.id
      UNION SELECT aliases.id FROM aliases JOIN grp ON aliases.alias = grp.id
      LIMIT ${MAX_ALIAS_GROUP}
    )
    SELECT id FROM grp ORDER BY id`);
  const cache = new LookupCache(CACHED_PACKAGES);
  let inRun = false;
  let closed = false;

  return {
    path,
    affected(ecosystem: string, name: string): AffectedPackage[] {
      const normalized = normalizePackageName(ecosystem, name);
      const key = `${ecosystem}\u0000${normalized}`;
      const cached = cache.affected.get(key) ?? cache.affected.set(key, (affectedStatement.all(ecosystem, normalized) as Array<{ data: string }>).map((row) => JSON.parse(row.data) as AffectedPackage));
      return cached.slice();
    },
    advisory(id: string): Advisory | undefined {
      let cached = cache.advisories.get(id);
      if (cached === undefined) {
        const copies = (advisoryStatement.all(id) as Array<{ data: string }>).map((row) => JSON.parse(row.data) as Advisory);
        // The longest copy is the most informative (OSV text over a secdb line); the others add their lists.
        cached = cache.advisories.set(id, copies.length === 0 ? null : copies.reduce(mergeAdvisories));
      }
      return cached ?? undefined;
    },
    aliasGroup(id: string): string[] {
      const cached = cache.aliasGroups.get(id) ?? cache.aliasGroups.set(id, (aliasStatement.all(id) as Array<{ id: string }>).map((row) => row.id));
      return cached.slice();
    },
    status(): StoreStatus {
      const sources = (prepared('SELECT * FROM sources ORDER BY name').all() as Array<Record<string, string | number>>).map(
        (row): SourceStatus => ({
          name: String(row.name),
          updatedAt: String(row.updated_at),
          advisories: Number(row.advisories),
          affected: Number(row.affected),
          skipped: Number(row.skipped),
          withdrawn: Number(row.withdrawn),
        }),
      );
      const ecosystems = (
        prepared(
          'SELECT ecosystem, count(DISTINCT advisory_id) AS advisories, count(*) AS affected FROM affected GROUP BY ecosystem ORDER BY ecosystem',
        ).all() as Array<{ ecosystem: string; advisories: number; affected: number }>
      ).map((row) => ({ ecosystem: row.ecosystem, advisories: row.advisories, affected: row.affected }));
      const feeds = (prepared('SELECT url FROM feeds ORDER BY url').all() as Array<{ url: string }>).map((row) => this.feed(row.url)!);
      return { path, schemaVersion: schemaVersionOf(db), sources, ecosystems, feeds };
    },
    feed(url: string): FeedStatus | undefined {
      const row = prepared('SELECT * FROM feeds WHERE url = ?').get(url) as Record<string, string | number | null> | undefined;
      if (!row) return undefined;
      const feed: FeedStatus = { url, source: String(row.source), bytes: Number(row.bytes), fetchedAt: String(row.fetched_at) };
      if (row.etag !== null && row.etag !== undefined) feed.etag = String(row.etag);
      if (row.last_modified !== null && row.last_modified !== undefined) feed.lastModified = String(row.last_modified);
      return feed;
    },
    async importRun<T>(write: (run: ImportRun) => Promise<T>): Promise<T> {
      if (readOnly) throw new PortcullisError('USAGE', `advisory database ${path} is open read-only`);
      if (inRun) throw new PortcullisError('INTERNAL', 'an import run is already in progress on this store');
      inRun = true;
      cache.clear();
      db.exec('BEGIN IMMEDIATE');
      try {
        const run = openImportRun(db);
        const result = await write(run);
        run.finish();
        db.exec('COMMIT');
        return result;
      } catch (error) {
        db.exec('ROLLBACK');
        throw error;
      } finally {
        cache.clear();
        inRun = false;
      }
    },
    close(): void {
      if (closed) return;
      closed = true;
      if (!readOnly) db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      db.close();
    },
  };
}
