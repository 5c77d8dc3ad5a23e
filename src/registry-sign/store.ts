/**
 * The auto-sign database: `auto-sign.db` in the registry's data directory. Rules hold no secrets
 * (PINs and passphrases stay in files or the environment), so they are stored as checked JSON.
 *
 *   auto-sign.db
 *     rules      one row per project: its AutoSignRule as JSON
 *     signed     one row per (digest, key fingerprint) the server signed: what makes signing idempotent
 *     failures   one row per image whose rescan broke the rule it was signed under
 *     pending_indexes  indexes waiting for their platform images' scans before they can be signed
 */
import { DatabaseSync, type SQLOutputValue } from 'node:sqlite';
import { join } from 'node:path';
import { PortcullisError } from '../core/index.ts';
import type { AutoSignRule } from './rule.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS rules (
  project TEXT PRIMARY KEY,
  rule TEXT NOT NULL,
  updated_at INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS signed (
  digest TEXT NOT NULL,
  key_fingerprint TEXT NOT NULL,
  repository TEXT NOT NULL,
  project TEXT NOT NULL,
  rule TEXT NOT NULL,
  signature_digest TEXT NOT NULL,
  attestation_digest TEXT NOT NULL,
  signed_at INTEGER NOT NULL,
  failing INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (digest, key_fingerprint)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS failures (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  project TEXT NOT NULL,
  repository TEXT NOT NULL,
  digest TEXT NOT NULL,
  key_fingerprint TEXT NOT NULL,
  rule TEXT NOT NULL,
  violations TEXT NOT NULL,
  failed_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS failures_by_project ON failures (project, id);
CREATE TABLE IF NOT EXISTS pending_indexes (
  repository TEXT NOT NULL,
  digest TEXT NOT NULL,
  PRIMARY KEY (repository, digest)) WITHOUT ROWID;
`;

export interface SignedRecord {
  digest: string;
  keyFingerprint: string;
  repository: string;
  project: string;
  rule: string;
  signatureDigest: string;
  attestationDigest: string;
  signedAt: number;
  /** Whether the latest rescan broke the rule (the signature stays). */
  failing: boolean;
}

/** A broken clause as recorded: its text and the finding ids that broke it. */
export interface RecordedViolation {
  clause: string;
  findings: string[];
}

export interface RuleFailure {
  id: number;
  project: string;
  repository: string;
  digest: string;
  keyFingerprint: string;
  rule: string;
  violations: RecordedViolation[];
  failedAt: number;
}

type Row = Record<string, SQLOutputValue>;

function str(row: Row, column: string): string {
  const value = row[column];
  if (typeof value !== 'string') throw new PortcullisError('INTERNAL', `auto-sign.db: column ${column} is not text`);
  return value;
}

function int(row: Row, column: string): number {
  const value = row[column];
  if (typeof value !== 'number' && typeof value !== 'bigint') throw new PortcullisError('INTERNAL', `auto-sign.db: column ${column} is not a number`);
  return Number(value);
}

function toSigned(row: Row): SignedRecord {
  return {
    digest: str(row, 'digest'),
    keyFingerprint: str(row, 'key_fingerprint'),
    repository: str(row, 'repository'),
    project: str(row, 'project'),
    rule: str(row, 'rule'),
    signatureDigest: str(row, 'signature_digest'),
    attestationDigest: str(row, 'attestation_digest'),
    signedAt: int(row, 'signed_at'),
    failing: int(row, 'failing') !== 0,
  };
}

export class AutoSignStore {
  readonly #db: DatabaseSync;

  constructor(path: string) {
    this.#db = new DatabaseSync(path);
    this.#db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;');
    this.#db.exec(SCHEMA);
  }

  static open(dataDir: string): AutoSignStore {
    return new AutoSignStore(join(dataDir, 'auto-sign.db'));
  }

  putRule(rule: AutoSignRule, now: number): void {
    this.#db.prepare('INSERT INTO rules (project, rule, updated_at) VALUES (?, ?, ?) ON CONFLICT (project) DO UPDATE SET rule = excluded.rule, updated_at = excluded.updated_at').run(rule.project, JSON.stringify(rule), now);
  }

  getRule(project: string): AutoSignRule | undefined {
    const row = this.#db.prepare('SELECT rule FROM rules WHERE project = ?').get(project);
    return row === undefined ? undefined : (JSON.parse(str(row, 'rule')) as AutoSignRule);
  }

  deleteRule(project: string): boolean {
    return Number(this.#db.prepare('DELETE FROM rules WHERE project = ?').run(project).changes) > 0;
  }

  signed(digest: string, keyFingerprint: string): SignedRecord | undefined {
    const row = this.#db.prepare('SELECT * FROM signed WHERE digest = ? AND key_fingerprint = ?').get(digest, keyFingerprint);
    return row === undefined ? undefined : toSigned(row);
  }

  /** Every signature the server made for a digest, whatever the key. */
  signedBy(digest: string): SignedRecord[] {
    return this.#db.prepare('SELECT * FROM signed WHERE digest = ? ORDER BY signed_at').all(digest).map(toSigned);
  }

  recordSigned(record: Omit<SignedRecord, 'failing'>): void {
    this.#db
      .prepare('INSERT OR REPLACE INTO signed (digest, key_fingerprint, repository, project, rule, signature_digest, attestation_digest, signed_at, failing) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)')
      .run(record.digest, record.keyFingerprint, record.repository, record.project, record.rule, record.signatureDigest, record.attestationDigest, record.signedAt);
  }

  /** Marks a signed digest as breaking (or meeting again) its rule; true when the state changed. */
  setFailing(digest: string, keyFingerprint: string, failing: boolean): boolean {
    const result = this.#db.prepare('UPDATE signed SET failing = ? WHERE digest = ? AND key_fingerprint = ? AND failing = ?').run(failing ? 1 : 0, digest, keyFingerprint, failing ? 0 : 1);
    return Number(result.changes) > 0;
  }

  recordFailure(failure: Omit<RuleFailure, 'id'>): RuleFailure {
    const result = this.#db
      .prepare('INSERT INTO failures (project, repository, digest, key_fingerprint, rule, violations, failed_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(failure.project, failure.repository, failure.digest, failure.keyFingerprint, failure.rule, JSON.stringify(failure.violations), failure.failedAt);
    return { ...failure, id: Number(result.lastInsertRowid) };
  }

  /** A project's recorded failures, newest first. */
  failures(project: string, limit = 100): RuleFailure[] {
    return this.#db
      .prepare('SELECT * FROM failures WHERE project = ? ORDER BY id DESC LIMIT ?')
      .all(project, limit)
      .map((row) => ({
        id: int(row, 'id'),
        project: str(row, 'project'),
        repository: str(row, 'repository'),
        digest: str(row, 'digest'),
        keyFingerprint: str(row, 'key_fingerprint'),
        rule: str(row, 'rule'),
        violations: JSON.parse(str(row, 'violations')) as RecordedViolation[],
        failedAt: int(row, 'failed_at'),
      }));
  }

  addPendingIndex(repository: string, digest: string): void {
    this.#db.prepare('INSERT OR IGNORE INTO pending_indexes (repository, digest) VALUES (?, ?)').run(repository, digest);
  }

  removePendingIndex(repository: string, digest: string): void {
    this.#db.prepare('DELETE FROM pending_indexes WHERE repository = ? AND digest = ?').run(repository, digest);
  }

  pendingIndexes(repository: string): string[] {
    return this.#db.prepare('SELECT digest FROM pending_indexes WHERE repository = ? ORDER BY digest').all(repository).map((row) => str(row, 'digest'));
  }

  close(): void {
    this.#db.close();
  }
}
