/**
 * The scan database: `jobs.db` under the registry's data directory, beside metadata.db. It holds the
 * durable job queue (scans and webhook deliveries) and the scan results per manifest digest. Kept
 * apart from metadata.db so the registry's own schema and transactions stay untouched by scanning.
 *
 *   jobs.db
 *     jobs    one row per job: kind, unique key, JSON payload, state, attempts, last error, run_after
 *     scans   one row per scanned manifest digest: inventory, findings, summary, advisory DB facts
 *     finding_first_seen  when each finding (findingKey) of a digest was first matched: grace periods
 */
import { DatabaseSync, type SQLOutputValue } from 'node:sqlite';
import { PortcullisError } from '../core/index.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  key TEXT NOT NULL UNIQUE,
  payload TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  last_error TEXT,
  run_after INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS jobs_ready ON jobs (kind, state, run_after, id);
CREATE TABLE IF NOT EXISTS scans (
  digest TEXT PRIMARY KEY,
  repository TEXT NOT NULL,
  inventory TEXT NOT NULL,
  findings TEXT NOT NULL,
  summary TEXT NOT NULL,
  scanned_at INTEGER NOT NULL,
  matched_at INTEGER NOT NULL,
  advisory_db TEXT,
  sbom_digest TEXT) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS scans_by_repository ON scans (repository, digest);
CREATE TABLE IF NOT EXISTS finding_first_seen (
  digest TEXT NOT NULL,
  finding TEXT NOT NULL,
  first_seen INTEGER NOT NULL,
  PRIMARY KEY (digest, finding)) WITHOUT ROWID;
`;

export type Row = Record<string, SQLOutputValue>;

/** Opens (creating when missing) the scan database with the same durability as metadata.db. */
export function openScanDatabase(path: string): DatabaseSync {
  const db = new DatabaseSync(path);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;');
  db.exec(SCHEMA);
  return db;
}

export function text(row: Row, column: string): string {
  const value = row[column];
  if (typeof value !== 'string') throw new PortcullisError('INTERNAL', `jobs.db: column ${column} is not text`);
  return value;
}

export function optionalText(row: Row, column: string): string | undefined {
  const value = row[column];
  return typeof value === 'string' ? value : undefined;
}

export function integer(row: Row, column: string): number {
  const value = row[column];
  if (typeof value !== 'number' && typeof value !== 'bigint') throw new PortcullisError('INTERNAL', `jobs.db: column ${column} is not a number`);
  return Number(value);
}
