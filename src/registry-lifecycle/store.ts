/**
 * LifecycleStore: the lifecycle rules in `lifecycle.db` under the registry's data directory. The
 * server reads the immutability rules on every push of a tag and the API and CLI write them,
 * possibly from another process: SQLite (WAL, busy timeout) serialises writes, and the rules are
 * cached until `PRAGMA data_version` says another connection committed.
 *
 *   lifecycle.db
 *     immutability (project)   rules as JSON, re-validated when read
 *     retention    (project)   rules as JSON, re-validated when read
 *     server       (one row)   pid of the `portcullis serve` using this data directory
 */
import { join } from 'node:path';
import { DatabaseSync, type SQLOutputValue } from 'node:sqlite';
import { PortcullisError } from '../core/index.ts';
import { ImmutabilityIndex } from './match.ts';
import { type ImmutabilityRule, type RetentionRule, parseImmutabilityRules, parseRetentionRules } from './model.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS immutability (project TEXT PRIMARY KEY, rules TEXT NOT NULL, updated_at INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS retention (project TEXT PRIMARY KEY, rules TEXT NOT NULL, updated_at INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS server (id INTEGER PRIMARY KEY CHECK (id = 1), pid INTEGER NOT NULL, started_at INTEGER NOT NULL);
`;

type Row = Record<string, SQLOutputValue>;
type Table = 'immutability' | 'retention';

/** A stored rules column as a body for the parsers: rows are validated again, never trusted. */
function stored(row: Row): unknown {
  const value = row.rules;
  try {
    if (typeof value !== 'string') throw new Error('not text');
    return { rules: JSON.parse(value) as unknown };
  } catch (error) {
    throw new PortcullisError('INTERNAL', `lifecycle.db: the rules of project ${JSON.stringify(String(row.project ?? '?'))} are unreadable`, { cause: error });
  }
}

export class LifecycleStore {
  readonly #db: DatabaseSync;
  #cachedVersion = -1;
  #cachedIndex = new ImmutabilityIndex(new Map());

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#db.exec(SCHEMA);
  }

  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }

  immutabilityRules(project: string): ImmutabilityRule[] {
    const row = this.#db.prepare('SELECT project, rules FROM immutability WHERE project = ?').get(project);
    return row === undefined ? [] : parseImmutabilityRules(stored(row));
  }

  setImmutabilityRules(project: string, rules: readonly ImmutabilityRule[], now: number): ImmutabilityRule[] {
    const checked = parseImmutabilityRules({ rules });
    this.#write('immutability', project, checked, now);
    return checked;
  }

  retentionRules(project: string): RetentionRule[] {
    const row = this.#db.prepare('SELECT project, rules FROM retention WHERE project = ?').get(project);
    return row === undefined ? [] : parseRetentionRules(stored(row));
  }

  setRetentionRules(project: string, rules: readonly RetentionRule[], now: number): RetentionRule[] {
    const checked = parseRetentionRules({ rules });
    this.#write('retention', project, checked, now);
    return checked;
  }

  /** Projects that have retention rules, in name order. */
  retentionProjects(): string[] {
    return this.#db.prepare("SELECT project FROM retention WHERE rules <> '[]' ORDER BY project").all().map((row) => String(row.project));
  }

  /** Every project's immutability rules, re-read only after a commit by any connection. */
  immutability(): ImmutabilityIndex {
    const version = Number(this.#db.prepare('PRAGMA data_version').get()?.data_version);
    if (version !== this.#cachedVersion) {
      const rules = new Map<string, ImmutabilityRule[]>();
      for (const row of this.#db.prepare('SELECT project, rules FROM immutability').all()) rules.set(String(row.project), parseImmutabilityRules(stored(row)));
      this.#cachedIndex = new ImmutabilityIndex(rules);
      this.#cachedVersion = version;
    }
    return this.#cachedIndex;
  }

  /** Records that a server process uses this data directory (see runningServer). */
  claimServer(pid: number, now: number): void {
    this.#db.prepare('INSERT OR REPLACE INTO server (id, pid, started_at) VALUES (1, ?, ?)').run(pid, now);
  }

  releaseServer(pid: number): void {
    this.#db.prepare('DELETE FROM server WHERE id = 1 AND pid = ?').run(pid);
  }

  /** The pid of a live server process using this data directory, if any (a crashed one is ignored). */
  runningServer(): number | undefined {
    const pid = Number(this.#db.prepare('SELECT pid FROM server WHERE id = 1').get()?.pid ?? Number.NaN);
    if (!Number.isSafeInteger(pid) || pid === process.pid) return undefined;
    try {
      process.kill(pid, 0);
      return pid;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
    }
  }

  #write(table: Table, project: string, rules: readonly unknown[], now: number): void {
    if (rules.length === 0) this.#db.prepare(`DELETE FROM ${table} WHERE project = ?`).run(project);
    else this.#db.prepare(`INSERT OR REPLACE INTO ${table} (project, rules, updated_at) VALUES (?, ?, ?)`).run(project, JSON.stringify(rules), now);
    // data_version does not change for this connection's own commits.
    this.#cachedVersion = -1;
  }
}

/** `lifecycle.db` in the registry's data directory. */
export function lifecycleDbPath(dataDir: string): string {
  return join(dataDir, 'lifecycle.db');
}

/** Opens (creating when missing) the lifecycle database with the registry's durability settings. */
export function openLifecycleStore(dataDir: string): LifecycleStore {
  const db = new DatabaseSync(lifecycleDbPath(dataDir));
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;');
  return new LifecycleStore(db);
}
