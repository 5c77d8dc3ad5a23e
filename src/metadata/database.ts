/**
 * `grafeas.db` under the registry's data directory: the metadata store. Kept apart from the
 * registry's metadata.db and the scanner's jobs.db so each keeps its own schema and transactions.
 *
 *   grafeas.db
 *     settings              key/value: the page-token secret
 *     projects              (name)                       metadata projects
 *     notes                 (project, note_id)           latest note JSON; deleted notes keep a tombstone row
 *     occurrences           (project, id), seq           head: latest revision's JSON and the columns filters use
 *     occurrence_revisions  (project, id, revision)      every revision ever written, tombstones included
 */
import { randomBytes } from 'node:crypto';
import { DatabaseSync, type SQLOutputValue } from 'node:sqlite';
import { PortcullisError } from '../core/index.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS projects (name TEXT PRIMARY KEY, create_time TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS notes (
  project TEXT NOT NULL,
  note_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  body TEXT NOT NULL,
  create_time TEXT NOT NULL,
  update_time TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (project, note_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS occurrences (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  project TEXT NOT NULL,
  id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  resource_uri TEXT NOT NULL,
  kind TEXT NOT NULL,
  note_name TEXT NOT NULL,
  body TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  writer_key TEXT UNIQUE,
  UNIQUE (project, id));
CREATE INDEX IF NOT EXISTS occurrences_by_resource ON occurrences (resource_uri, kind);
CREATE INDEX IF NOT EXISTS occurrences_by_note ON occurrences (note_name, seq);
CREATE TABLE IF NOT EXISTS occurrence_revisions (
  project TEXT NOT NULL,
  id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  body TEXT NOT NULL,
  update_time TEXT NOT NULL,
  author TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (project, id, revision)) WITHOUT ROWID;
`;

export type Row = Record<string, SQLOutputValue>;

export function text(row: Row, column: string): string {
  const value = row[column];
  if (typeof value !== 'string') throw new PortcullisError('INTERNAL', `grafeas.db: column ${column} is not text`);
  return value;
}

export function integer(row: Row, column: string): number {
  const value = row[column];
  if (typeof value !== 'number' && typeof value !== 'bigint') throw new PortcullisError('INTERNAL', `grafeas.db: column ${column} is not an integer`);
  return Number(value);
}

/** JSON the store itself wrote; anything else means a damaged database. */
export function storedObject<T>(row: Row, column: string): T {
  const value: unknown = JSON.parse(text(row, column));
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new PortcullisError('INTERNAL', `grafeas.db: ${column} is not a JSON object`);
  return value as T;
}

/** Opens (creating when missing) grafeas.db with the registry's durability settings. */
export function openMetadataDatabase(path: string): DatabaseSync {
  const db = new DatabaseSync(path);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;');
  db.exec(SCHEMA);
  return db;
}

/** The secret page tokens are signed with, created on first open. */
export function pageTokenSecret(db: DatabaseSync): Buffer {
  db.prepare('INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)').run('page-token-secret', randomBytes(32));
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get('page-token-secret') as Row | undefined;
  const value = row?.value;
  if (!(value instanceof Uint8Array)) throw new PortcullisError('INTERNAL', 'grafeas.db: page-token secret missing');
  return Buffer.from(value);
}
