/**
 * PolicyStore: the feedback-loop settings in `policy.db` under the registry's data directory.
 * The server reads it on every gated pull and `portcullis admin` writes it, possibly at the same
 * time: SQLite (WAL, busy timeout) serialises the writes and every read sees the latest commit.
 *
 *   policy.db
 *     gates        (project)           min severity, block-unscanned flag, grace days per severity (JSON)
 *     exceptions   (id)                vulnerability id, digest or repository, reason, owner, expiry
 *     labels       (digest, key)       key/value labels of a manifest digest
 */
import { join } from 'node:path';
import { DatabaseSync, type SQLOutputValue, type StatementSync } from 'node:sqlite';
import { PortcullisError, parseDigest } from '../core/index.ts';
import type { Severity } from '../vuln/index.ts';
import {
  GATE_SEVERITIES,
  MAX_LABELS_PER_ARTIFACT,
  MAX_OWNER_LENGTH,
  MAX_REASON_LENGTH,
  type NewException,
  type PolicyException,
  type ProjectGate,
  parseExceptionScope,
  parseLabel,
  parseProject,
  parseSeverity,
  parseText,
  parseVulnerabilityId,
} from './model.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS gates (
  project TEXT PRIMARY KEY,
  min_severity TEXT,
  block_unscanned INTEGER NOT NULL,
  grace_days TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS exceptions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  vulnerability TEXT NOT NULL,
  digest TEXT,
  repository TEXT,
  reason TEXT NOT NULL,
  owner TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS exceptions_by_digest ON exceptions (digest);
CREATE INDEX IF NOT EXISTS exceptions_by_repository ON exceptions (repository);
CREATE TABLE IF NOT EXISTS labels (
  digest TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (digest, key)) WITHOUT ROWID;
`;

type Row = Record<string, SQLOutputValue>;

function column<T extends 'string' | 'number'>(row: Row, name: string, type: T): T extends 'string' ? string : number {
  const value = row[name];
  const actual = typeof value === 'bigint' ? 'number' : typeof value;
  if (actual !== type) throw new PortcullisError('INTERNAL', `policy.db: column ${name} is not a ${type}`);
  return (typeof value === 'bigint' ? Number(value) : value) as T extends 'string' ? string : number;
}

function toGate(row: Row): ProjectGate {
  const minSeverity = row.min_severity;
  const stored: unknown = JSON.parse(column(row, 'grace_days', 'string'));
  const graceDays: Partial<Record<Severity, number>> = {};
  for (const severity of GATE_SEVERITIES) {
    const days = (stored as Record<string, unknown>)[severity];
    if (typeof days === 'number') graceDays[severity] = days;
  }
  return {
    project: column(row, 'project', 'string'),
    ...(typeof minSeverity === 'string' && { minSeverity: parseSeverity(minSeverity) }),
    blockUnscanned: column(row, 'block_unscanned', 'number') !== 0,
    graceDays,
  };
}

function toException(row: Row): PolicyException {
  const digest = row.digest;
  return {
    id: column(row, 'id', 'number'),
    vulnerability: column(row, 'vulnerability', 'string'),
    scope: typeof digest === 'string' ? { kind: 'digest', digest } : { kind: 'repository', repository: column(row, 'repository', 'string') },
    reason: column(row, 'reason', 'string'),
    owner: column(row, 'owner', 'string'),
    expiresAt: column(row, 'expires_at', 'number'),
    createdAt: column(row, 'created_at', 'number'),
  };
}

export class PolicyStore {
  readonly #db: DatabaseSync;
  /** Prepared once: every manifest GET of a registry with pull gates asks it. */
  readonly #gateOf: StatementSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#db.exec(SCHEMA);
    this.#gateOf = db.prepare('SELECT * FROM gates WHERE project = ?');
  }

  close(): void {
    this.#db.close();
  }

  /** Creates or replaces a project's gate (every field is validated first). */
  setGate(gate: ProjectGate): ProjectGate {
    const project = parseProject(gate.project);
    const minSeverity = gate.minSeverity === undefined ? undefined : parseSeverity(gate.minSeverity);
    const graceDays: Partial<Record<Severity, number>> = {};
    for (const [severity, days] of Object.entries(gate.graceDays)) {
      if (!Number.isInteger(days) || days < 0) throw new PortcullisError('INPUT', `grace period of ${severity} must be a whole number of days`);
      graceDays[parseSeverity(severity)] = days;
    }
    this.#db
      .prepare('INSERT OR REPLACE INTO gates (project, min_severity, block_unscanned, grace_days) VALUES (?, ?, ?, ?)')
      .run(project, minSeverity ?? null, gate.blockUnscanned ? 1 : 0, JSON.stringify(graceDays));
    return { project, ...(minSeverity !== undefined && { minSeverity }), blockUnscanned: gate.blockUnscanned, graceDays };
  }

  /** Removes a project's gate; true when it had one. */
  deleteGate(project: string): boolean {
    return Number(this.#db.prepare('DELETE FROM gates WHERE project = ?').run(project).changes) > 0;
  }

  gate(project: string): ProjectGate | undefined {
    const row = this.#gateOf.get(project) as Row | undefined;
    return row === undefined ? undefined : toGate(row);
  }

  gates(): ProjectGate[] {
    return (this.#db.prepare('SELECT * FROM gates ORDER BY project').all() as Row[]).map(toGate);
  }

  addException(input: NewException, now: number): PolicyException {
    const vulnerability = parseVulnerabilityId(input.vulnerability);
    const scope = parseExceptionScope(input.scope.kind === 'digest' ? { digest: input.scope.digest } : { repository: input.scope.repository });
    const reason = parseText(input.reason, 'reason', MAX_REASON_LENGTH);
    const owner = parseText(input.owner, 'owner', MAX_OWNER_LENGTH);
    if (!Number.isSafeInteger(input.expiresAt) || input.expiresAt <= now) throw new PortcullisError('INPUT', 'an exception must expire in the future');
    const result = this.#db
      .prepare('INSERT INTO exceptions (vulnerability, digest, repository, reason, owner, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(vulnerability, scope.kind === 'digest' ? scope.digest : null, scope.kind === 'repository' ? scope.repository : null, reason, owner, input.expiresAt, now);
    return { id: Number(result.lastInsertRowid), vulnerability, scope, reason, owner, expiresAt: input.expiresAt, createdAt: now };
  }

  deleteException(id: number): boolean {
    return Number(this.#db.prepare('DELETE FROM exceptions WHERE id = ?').run(id).changes) > 0;
  }

  /** Every exception, oldest first; expired ones only when asked (they stay as a record). */
  exceptions(options: { includeExpired?: boolean; now: number }): PolicyException[] {
    const rows = options.includeExpired === true
      ? this.#db.prepare('SELECT * FROM exceptions ORDER BY id').all()
      : this.#db.prepare('SELECT * FROM exceptions WHERE expires_at > ? ORDER BY id').all(options.now);
    return (rows as Row[]).map(toException);
  }

  /** Exceptions in force at `now` for an image: those naming its digest or its repository. */
  exceptionsFor(repository: string, digest: string, now: number): PolicyException[] {
    const rows = this.#db.prepare('SELECT * FROM exceptions WHERE (digest = ? OR repository = ?) AND expires_at > ? ORDER BY id').all(digest, repository, now);
    return (rows as Row[]).map(toException);
  }

  /** Sets labels of a manifest digest; a key mapped to undefined is removed. */
  setLabels(digest: string, changes: Record<string, string | undefined>): Record<string, string> {
    parseDigest(digest, 'image digest');
    const entries = Object.entries(changes);
    if (entries.length > MAX_LABELS_PER_ARTIFACT) throw new PortcullisError('INPUT', `at most ${MAX_LABELS_PER_ARTIFACT} labels per artifact`);
    for (const [key, value] of entries) parseLabel(key, value ?? '');
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      for (const [key, value] of entries) {
        if (value === undefined) this.#db.prepare('DELETE FROM labels WHERE digest = ? AND key = ?').run(digest, key);
        else this.#db.prepare('INSERT OR REPLACE INTO labels (digest, key, value) VALUES (?, ?, ?)').run(digest, key, value);
      }
      const count = this.#db.prepare('SELECT COUNT(*) AS n FROM labels WHERE digest = ?').get(digest) as Row;
      if (column(count, 'n', 'number') > MAX_LABELS_PER_ARTIFACT) throw new PortcullisError('INPUT', `at most ${MAX_LABELS_PER_ARTIFACT} labels per artifact`);
      this.#db.exec('COMMIT');
    } catch (error) {
      this.#db.exec('ROLLBACK');
      throw error;
    }
    return this.labels(digest);
  }

  labels(digest: string): Record<string, string> {
    const rows = this.#db.prepare('SELECT key, value FROM labels WHERE digest = ? ORDER BY key').all(digest) as Row[];
    return Object.fromEntries(rows.map((row) => [column(row, 'key', 'string'), column(row, 'value', 'string')]));
  }
}

/** `policy.db` in the registry's data directory. */
export function policyDbPath(dataDir: string): string {
  return join(dataDir, 'policy.db');
}

/** Opens (creating when missing) the policy database with the registry's durability settings. */
export function openPolicyStore(dataDir: string): PolicyStore {
  const db = new DatabaseSync(policyDbPath(dataDir));
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;');
  return new PolicyStore(db);
}
