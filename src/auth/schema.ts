/**
 * The auth tables, as an ordered list of migrations. The auth store may share a database file with
 * the registry, so its schema version lives in its own row (`auth_schema.version`) instead of
 * `PRAGMA user_version`, which the host database owns. Each migration runs in its own transaction;
 * a database written by a newer Portcullis is refused.
 *
 * Layout (one row per ...):
 *   auth_users          (name)              user: scrypt hash, admin and disabled flags
 *   auth_robots         (name)              robot: scopes JSON, scanner flag, SHA-256 of secret, expiry
 *   auth_projects       (name)              project: public flag, IP allowlist JSON
 *   auth_members        (project, user)     a user's role in a project
 *   auth_signing_keys   (kid)               the token key, private half encrypted (keys.ts)
 *   auth_audit          (seq)               the hash-chained audit log; triggers refuse UPDATE and DELETE
 */
import type { DatabaseSync } from 'node:sqlite';
import { PortcullisError } from '../core/index.ts';

type Migration = (db: DatabaseSync) => void;

const MIGRATIONS: readonly Migration[] = [
  function createTables(db) {
    db.exec(`
      CREATE TABLE auth_users (
        name TEXT PRIMARY KEY,
        password_hash TEXT NOT NULL,
        admin INTEGER NOT NULL,
        disabled INTEGER NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE auth_robots (
        name TEXT PRIMARY KEY,
        description TEXT NOT NULL,
        scopes TEXT NOT NULL,
        scanner INTEGER NOT NULL,
        secret_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT,
        revoked INTEGER NOT NULL
      );
      CREATE TABLE auth_projects (
        name TEXT PRIMARY KEY,
        public INTEGER NOT NULL,
        ip_allowlist TEXT NOT NULL
      );
      CREATE TABLE auth_members (
        project TEXT NOT NULL,
        user TEXT NOT NULL REFERENCES auth_users (name) ON DELETE CASCADE,
        role TEXT NOT NULL,
        PRIMARY KEY (project, user)
      ) WITHOUT ROWID;
      CREATE TABLE auth_signing_keys (
        kid TEXT PRIMARY KEY,
        created_at TEXT NOT NULL,
        encrypted_private_key TEXT NOT NULL,
        public_jwk TEXT NOT NULL
      );
      CREATE TABLE auth_audit (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL,
        ip TEXT NOT NULL,
        outcome TEXT NOT NULL,
        detail TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      );
      -- Append-only: the chain makes tampering detectable, these make it deliberate.
      CREATE TRIGGER auth_audit_no_update BEFORE UPDATE ON auth_audit
        BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
      CREATE TRIGGER auth_audit_no_delete BEFORE DELETE ON auth_audit
        BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
    `);
  },
];

export const AUTH_SCHEMA_VERSION = MIGRATIONS.length;

function currentVersion(db: DatabaseSync): number {
  db.exec('CREATE TABLE IF NOT EXISTS auth_schema (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)');
  const row = db.prepare('SELECT version FROM auth_schema WHERE id = 1').get() as { version: number } | undefined;
  return row?.version ?? 0;
}

/** Brings the auth tables in `db` up to AUTH_SCHEMA_VERSION. */
export function migrateAuth(db: DatabaseSync, path: string): void {
  const current = currentVersion(db);
  if (current > AUTH_SCHEMA_VERSION) {
    throw new PortcullisError('UNSUPPORTED', `auth tables in ${path} have schema version ${current}, newer than this Portcullis reads (${AUTH_SCHEMA_VERSION}); upgrade Portcullis`);
  }
  for (let version = current; version < AUTH_SCHEMA_VERSION; version++) {
    db.exec('BEGIN IMMEDIATE');
    try {
      MIGRATIONS[version]!(db);
      db.prepare('INSERT INTO auth_schema (id, version) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version').run(version + 1);
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
  }
}
