/**
 * The embedded AuthStore on node:sqlite. It takes an open DatabaseSync so the registry can host the
 * auth tables in its own database file, or opens a file of its own through openSqliteAuthStore.
 */
import { DatabaseSync } from 'node:sqlite';
import { PortcullisError } from '../core/index.ts';
import type { AuditRecord } from './audit-record.ts';
import { migrateAuth } from './schema.ts';
import type { AuditFilter, AuthStore, StoredSigningKey } from './store.ts';
import { PROJECT_ROLES, type MemberRecord, type ProjectRecord, type ProjectRole, type RobotRecord, type RobotScope, type UserRecord } from './types.ts';

type Row = Record<string, unknown>;

const text = (row: Row, key: string): string => {
  const value = row[key];
  if (typeof value !== 'string') throw new PortcullisError('INTERNAL', `auth store column ${key} is not text`);
  return value;
};
const flag = (row: Row, key: string): boolean => row[key] === 1 || row[key] === 1n;

function toUser(row: Row): UserRecord {
  return { name: text(row, 'name'), passwordHash: text(row, 'password_hash'), admin: flag(row, 'admin'), disabled: flag(row, 'disabled'), createdAt: text(row, 'created_at') };
}

function toRobot(row: Row): RobotRecord {
  const expiresAt = row.expires_at;
  return {
    name: text(row, 'name'),
    description: text(row, 'description'),
    scopes: JSON.parse(text(row, 'scopes')) as RobotScope[],
    scanner: flag(row, 'scanner'),
    secretHash: text(row, 'secret_hash'),
    createdAt: text(row, 'created_at'),
    ...(typeof expiresAt === 'string' && { expiresAt }),
    revoked: flag(row, 'revoked'),
  };
}

function toProject(row: Row): ProjectRecord {
  return { name: text(row, 'name'), public: flag(row, 'public'), ipAllowlist: JSON.parse(text(row, 'ip_allowlist')) as string[] };
}

function toRole(value: string): ProjectRole {
  const role = PROJECT_ROLES.find((candidate) => candidate === value);
  if (role === undefined) throw new PortcullisError('INTERNAL', `auth store holds unknown role ${JSON.stringify(value)}`);
  return role;
}

function toAudit(row: Row): AuditRecord {
  const outcome = text(row, 'outcome');
  return {
    seq: Number(row.seq),
    at: text(row, 'at'),
    actor: text(row, 'actor'),
    action: text(row, 'action') as AuditRecord['action'],
    target: text(row, 'target'),
    ip: text(row, 'ip'),
    outcome: outcome as AuditRecord['outcome'],
    detail: JSON.parse(text(row, 'detail')) as AuditRecord['detail'],
    prevHash: text(row, 'prev_hash'),
    hash: text(row, 'hash'),
  };
}

function isConstraintError(error: unknown): boolean {
  return error instanceof Error && /UNIQUE constraint failed|PRIMARY KEY/.test(error.message);
}

export class SqliteAuthStore implements AuthStore {
  readonly #db: DatabaseSync;

  /** Creates or upgrades the auth tables in `db`; `path` only names the file in errors. */
  constructor(db: DatabaseSync, path = ':memory:') {
    this.#db = db;
    db.exec('PRAGMA foreign_keys = ON');
    migrateAuth(db, path);
  }

  #insert(sql: string, values: (string | number | null)[], what: string): void {
    try {
      this.#db.prepare(sql).run(...values);
    } catch (error) {
      if (isConstraintError(error)) throw new PortcullisError('INPUT', `${what} already exists`, { cause: error });
      throw error;
    }
  }

  #changed(sql: string, ...values: (string | number)[]): boolean {
    return Number(this.#db.prepare(sql).run(...values).changes) > 0;
  }

  #one(sql: string, ...values: string[]): Row | undefined {
    return this.#db.prepare(sql).get(...values) as Row | undefined;
  }

  #all(sql: string, ...values: (string | number)[]): Row[] {
    return this.#db.prepare(sql).all(...values) as Row[];
  }

  /**
   * Runs `work` atomically. A write transaction of its own (IMMEDIATE, so a second process waits
   * instead of failing to upgrade its lock), or a savepoint when the host database that shares this
   * connection is already inside a transaction.
   */
  #transaction<T>(work: () => T): T {
    const nested = this.#db.isTransaction;
    this.#db.exec(nested ? 'SAVEPOINT auth_write' : 'BEGIN IMMEDIATE');
    try {
      const result = work();
      this.#db.exec(nested ? 'RELEASE auth_write' : 'COMMIT');
      return result;
    } catch (error) {
      this.#db.exec(nested ? 'ROLLBACK TO auth_write; RELEASE auth_write' : 'ROLLBACK');
      throw error;
    }
  }

  createUser(user: UserRecord): void {
    this.#insert(
      'INSERT INTO auth_users (name, password_hash, admin, disabled, created_at) VALUES (?, ?, ?, ?, ?)',
      [user.name, user.passwordHash, Number(user.admin), Number(user.disabled), user.createdAt],
      `user ${JSON.stringify(user.name)}`,
    );
  }
  getUser(name: string): UserRecord | undefined {
    const row = this.#one('SELECT * FROM auth_users WHERE name = ?', name);
    return row && toUser(row);
  }
  listUsers(): UserRecord[] {
    return this.#all('SELECT * FROM auth_users ORDER BY name').map(toUser);
  }
  updateUser(user: UserRecord): boolean {
    return this.#changed('UPDATE auth_users SET password_hash = ?, admin = ?, disabled = ? WHERE name = ?', user.passwordHash, Number(user.admin), Number(user.disabled), user.name);
  }
  deleteUser(name: string): boolean {
    return this.#changed('DELETE FROM auth_users WHERE name = ?', name);
  }
  countUsers(): number {
    return Number((this.#one('SELECT count(*) AS n FROM auth_users') ?? {}).n ?? 0);
  }

  createRobot(robot: RobotRecord): void {
    this.#insert(
      'INSERT INTO auth_robots (name, description, scopes, scanner, secret_hash, created_at, expires_at, revoked) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [robot.name, robot.description, JSON.stringify(robot.scopes), Number(robot.scanner), robot.secretHash, robot.createdAt, robot.expiresAt ?? null, Number(robot.revoked)],
      `robot ${JSON.stringify(robot.name)}`,
    );
  }
  getRobot(name: string): RobotRecord | undefined {
    const row = this.#one('SELECT * FROM auth_robots WHERE name = ?', name);
    return row && toRobot(row);
  }
  listRobots(): RobotRecord[] {
    return this.#all('SELECT * FROM auth_robots ORDER BY name').map(toRobot);
  }
  revokeRobot(name: string): boolean {
    return this.#changed('UPDATE auth_robots SET revoked = 1 WHERE name = ?', name);
  }
  deleteRobot(name: string): boolean {
    return this.#changed('DELETE FROM auth_robots WHERE name = ?', name);
  }

  putProject(project: ProjectRecord): void {
    this.#db
      .prepare('INSERT INTO auth_projects (name, public, ip_allowlist) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET public = excluded.public, ip_allowlist = excluded.ip_allowlist')
      .run(project.name, Number(project.public), JSON.stringify(project.ipAllowlist));
  }
  getProject(name: string): ProjectRecord | undefined {
    const row = this.#one('SELECT * FROM auth_projects WHERE name = ?', name);
    return row && toProject(row);
  }
  listProjects(): ProjectRecord[] {
    return this.#all('SELECT * FROM auth_projects ORDER BY name').map(toProject);
  }
  deleteProject(name: string): boolean {
    this.#db.prepare('DELETE FROM auth_members WHERE project = ?').run(name);
    return this.#changed('DELETE FROM auth_projects WHERE name = ?', name);
  }

  setMember(member: MemberRecord): void {
    try {
      this.#db
        .prepare('INSERT INTO auth_members (project, user, role) VALUES (?, ?, ?) ON CONFLICT (project, user) DO UPDATE SET role = excluded.role')
        .run(member.project, member.user, member.role);
    } catch (error) {
      if (error instanceof Error && /FOREIGN KEY/.test(error.message)) throw new PortcullisError('NOT_FOUND', `no user ${JSON.stringify(member.user)}`, { cause: error });
      throw error;
    }
  }
  removeMember(project: string, user: string): boolean {
    return this.#changed('DELETE FROM auth_members WHERE project = ? AND user = ?', project, user);
  }
  getRole(project: string, user: string): ProjectRole | undefined {
    const row = this.#one('SELECT role FROM auth_members WHERE project = ? AND user = ?', project, user);
    return row && toRole(text(row, 'role'));
  }
  listMembers(project: string): MemberRecord[] {
    return this.#all('SELECT * FROM auth_members WHERE project = ? ORDER BY user', project).map((row) => ({
      project: text(row, 'project'),
      user: text(row, 'user'),
      role: toRole(text(row, 'role')),
    }));
  }

  getSigningKey(): StoredSigningKey | undefined {
    const row = this.#one('SELECT * FROM auth_signing_keys ORDER BY created_at LIMIT 1');
    return (
      row && { kid: text(row, 'kid'), createdAt: text(row, 'created_at'), encryptedPrivateKey: text(row, 'encrypted_private_key'), publicJwk: text(row, 'public_jwk') }
    );
  }
  insertSigningKey(key: StoredSigningKey): boolean {
    return this.#transaction(() => {
      if (this.#one('SELECT kid FROM auth_signing_keys LIMIT 1') !== undefined) return false;
      this.#db
        .prepare('INSERT INTO auth_signing_keys (kid, created_at, encrypted_private_key, public_jwk) VALUES (?, ?, ?, ?)')
        .run(key.kid, key.createdAt, key.encryptedPrivateKey, key.publicJwk);
      return true;
    });
  }

  appendAudit(build: (previous: AuditRecord | undefined) => AuditRecord): AuditRecord {
    return this.#transaction(() => {
      const last = this.#one('SELECT * FROM auth_audit ORDER BY seq DESC LIMIT 1');
      const record = build(last && toAudit(last));
      this.#db
        .prepare('INSERT INTO auth_audit (seq, at, actor, action, target, ip, outcome, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(record.seq, record.at, record.actor, record.action, record.target, record.ip, record.outcome, JSON.stringify(record.detail), record.prevHash, record.hash);
      return record;
    });
  }
  readAudit(afterSeq: number, limit: number): AuditRecord[] {
    return this.#all('SELECT * FROM auth_audit WHERE seq > ? ORDER BY seq LIMIT ?', afterSeq, limit).map(toAudit);
  }
  queryAudit(filter: AuditFilter): AuditRecord[] {
    const conditions: string[] = [];
    const values: (string | number)[] = [];
    const where = (condition: string, value: string | number | undefined) => {
      if (value === undefined) return;
      conditions.push(condition);
      values.push(value);
    };
    where('actor = ?', filter.actor);
    where('action = ?', filter.action);
    where('at >= ?', filter.since);
    where('at < ?', filter.until);
    where('seq < ?', filter.beforeSeq);
    const clause = conditions.length === 0 ? '' : ` WHERE ${conditions.join(' AND ')}`;
    return this.#all(`SELECT * FROM auth_audit${clause} ORDER BY seq DESC LIMIT ?`, ...values, filter.limit).map(toAudit);
  }
}

/** Opens (creating if needed) an auth database file of its own. */
export function openSqliteAuthStore(path: string): { store: SqliteAuthStore; close(): void } {
  const db = new DatabaseSync(path);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000');
  return { store: new SqliteAuthStore(db, path), close: () => db.close() };
}
