/**
 * The writing side of the store, used only inside `AdvisoryStore.importRun` (one transaction).
 * The first time a run touches a source, everything that source held is dropped, so re-importing
 * a source replaces it; within the run, repeated copies of one advisory are merged and repeated
 * affected-package records are stored once.
 */
import { createHash } from 'node:crypto';
import type { DatabaseSync } from 'node:sqlite';
import { normalizePackageName } from '../match/index.ts';
import type { Advisory, AffectedPackage } from '../model.ts';
import { mergeAdvisories } from './merge.ts';

export interface AdvisoryRecord {
  advisory: Advisory;
  affected: AffectedPackage[];
}

export interface FeedState {
  url: string;
  source: string;
  etag?: string | undefined;
  lastModified?: string | undefined;
  bytes: number;
}

export interface ImportRun {
  /** Drops what `source` held before this run (once per run; later calls do nothing). */
  replace(source: string): void;
  /** Stores a record under `record.advisory.source`; false when the id was withdrawn in this run. */
  put(record: AdvisoryRecord): boolean;
  /** Removes an advisory withdrawn by its source; copies met later in this run are ignored. */
  withdraw(source: string, id: string): void;
  /** Counts a record the source could not read. */
  skipped(source: string): void;
  /** Remembers what a downloaded feed was, for the next conditional request. */
  recordFeed(feed: FeedState): void;
  /** Writes the per-source counts; called by the store just before COMMIT. */
  finish(): void;
}

interface SourceTally {
  skipped: number;
  withdrawn: Set<string>;
}

function fingerprint(affected: AffectedPackage): string {
  return createHash('sha1').update(JSON.stringify(affected)).digest('base64');
}

export function openImportRun(db: DatabaseSync): ImportRun {
  const dropAdvisories = db.prepare('DELETE FROM advisories WHERE source = ?');
  const dropAffected = db.prepare('DELETE FROM affected WHERE source = ?');
  const dropAliases = db.prepare('DELETE FROM aliases WHERE source = ?');
  const findAdvisory = db.prepare('SELECT data FROM advisories WHERE source = ? AND id = ?');
  const insertAdvisory = db.prepare('INSERT OR REPLACE INTO advisories (source, id, data) VALUES (?, ?, ?)');
  const insertAlias = db.prepare('INSERT OR IGNORE INTO aliases (id, alias, source) VALUES (?, ?, ?)');
  const insertAffected = db.prepare(
    'INSERT OR IGNORE INTO affected (source, advisory_id, ecosystem, name, fingerprint, data) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const removeAdvisory = db.prepare('DELETE FROM advisories WHERE source = ? AND id = ?');
  const removeAffected = db.prepare('DELETE FROM affected WHERE source = ? AND advisory_id = ?');
  const removeAliases = db.prepare('DELETE FROM aliases WHERE source = ? AND id = ?');
  const tallies = new Map<string, SourceTally>();

  const tally = (source: string): SourceTally => {
    let found = tallies.get(source);
    if (!found) {
      found = { skipped: 0, withdrawn: new Set() };
      tallies.set(source, found);
      dropAdvisories.run(source);
      dropAffected.run(source);
      dropAliases.run(source);
    }
    return found;
  };

  return {
    replace(source) {
      tally(source);
    },
    put({ advisory, affected }) {
      const { source, id } = advisory;
      if (tally(source).withdrawn.has(id)) return false;
      const existing = findAdvisory.get(source, id) as { data: string } | undefined;
      const stored = existing ? mergeAdvisories(JSON.parse(existing.data) as Advisory, advisory) : advisory;
      insertAdvisory.run(source, id, JSON.stringify(stored));
      for (const alias of advisory.aliases) {
        if (alias !== id) insertAlias.run(id, alias, source);
      }
      for (const entry of affected) {
        const record: AffectedPackage = { ...entry, advisoryId: id };
        insertAffected.run(source, id, record.ecosystem, normalizePackageName(record.ecosystem, record.name), fingerprint(record), JSON.stringify(record));
      }
      return true;
    },
    withdraw(source, id) {
      tally(source).withdrawn.add(id);
      removeAdvisory.run(source, id);
      removeAffected.run(source, id);
      removeAliases.run(source, id);
    },
    skipped(source) {
      tally(source).skipped++;
    },
    recordFeed(feed) {
      db.prepare(
        'INSERT OR REPLACE INTO feeds (url, source, etag, last_modified, bytes, fetched_at) VALUES (?, ?, ?, ?, ?, ?)',
      ).run(feed.url, feed.source, feed.etag ?? null, feed.lastModified ?? null, feed.bytes, new Date().toISOString());
    },
    finish() {
      const countAdvisories = db.prepare('SELECT count(*) AS n FROM advisories WHERE source = ?');
      const countAffected = db.prepare('SELECT count(*) AS n FROM affected WHERE source = ?');
      const writeSource = db.prepare(
        'INSERT OR REPLACE INTO sources (name, updated_at, advisories, affected, skipped, withdrawn) VALUES (?, ?, ?, ?, ?, ?)',
      );
      const now = new Date().toISOString();
      for (const [source, { skipped, withdrawn }] of tallies) {
        const advisories = (countAdvisories.get(source) as { n: number }).n;
        const affected = (countAffected.get(source) as { n: number }).n;
        writeSource.run(source, now, advisories, affected, skipped, withdrawn.size);
      }
    },
  };
}
