import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, it } from 'node:test';
import { PortcullisError } from '../core/index.ts';
import { AUTH_SCHEMA_VERSION } from './schema.ts';
import { openSqliteAuthStore, SqliteAuthStore } from './sqlite-store.ts';

describe('SQLite auth store', () => {
  it('shares a host database without touching its user_version', () => {
    const db = new DatabaseSync(':memory:');
    db.exec('CREATE TABLE registry_things (id INTEGER); PRAGMA user_version = 7');
    new SqliteAuthStore(db);
    assert.equal((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version, 7);
    assert.deepEqual({ ...db.prepare('SELECT version FROM auth_schema').get() }, { version: AUTH_SCHEMA_VERSION });
  });

  it('keeps data across reopening the file and refuses a newer schema', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'portcullis-auth-'));
    try {
      const path = join(dir, 'auth.db');
      const first = openSqliteAuthStore(path);
      first.store.putProject({ name: 'team', public: true, ipAllowlist: ['10.0.0.0/8'] });
      first.store.createUser({ name: 'u', passwordHash: 'h', admin: false, disabled: false, createdAt: 'now' });
      first.store.setMember({ project: 'team', user: 'u', role: 'developer' });
      first.close();
      const second = openSqliteAuthStore(path);
      assert.deepEqual(second.store.getProject('team'), { name: 'team', public: true, ipAllowlist: ['10.0.0.0/8'] });
      assert.equal(second.store.getRole('team', 'u'), 'developer');
      second.close();

      const db = new DatabaseSync(path);
      db.exec(`UPDATE auth_schema SET version = ${AUTH_SCHEMA_VERSION + 1}`);
      db.close();
      assert.throws(() => openSqliteAuthStore(path), (error: unknown) => error instanceof PortcullisError && error.code === 'UNSUPPORTED');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('drops memberships with their user and project', () => {
    const store = new SqliteAuthStore(new DatabaseSync(':memory:'));
    store.putProject({ name: 'team', public: false, ipAllowlist: [] });
    store.createUser({ name: 'u', passwordHash: 'h', admin: false, disabled: false, createdAt: 'now' });
    store.setMember({ project: 'team', user: 'u', role: 'guest' });
    assert.equal(store.deleteUser('u'), true);
    assert.deepEqual(store.listMembers('team'), []);
    assert.equal(store.deleteUser('u'), false);
  });

  it('keeps only the first signing key when two processes race', () => {
    const store = new SqliteAuthStore(new DatabaseSync(':memory:'));
    const key = { kid: 'a', createdAt: '2026-01-01T00:00:00Z', encryptedPrivateKey: '{}', publicJwk: '{}' };
    assert.equal(store.insertSigningKey(key), true);
    assert.equal(store.insertSigningKey({ ...key, kid: 'b' }), false);
    assert.equal(store.getSigningKey()?.kid, 'a');
  });

  it('appends audit records inside a transaction the host database already opened', () => {
    const db = new DatabaseSync(':memory:');
    const store = new SqliteAuthStore(db);
    const record = (seq: number) => ({ seq, at: 'now', actor: 'a', action: 'push' as const, target: 't', ip: '', outcome: 'ok' as const, detail: {}, prevHash: '', hash: `h${seq}` });
    db.exec('BEGIN');
    store.appendAudit(() => record(1));
    assert.throws(() => store.appendAudit(() => { throw new Error('boom'); }), /boom/);
    db.exec('COMMIT');
    assert.deepEqual(store.readAudit(0, 10).map((row) => row.seq), [1]);
    db.exec('BEGIN');
    store.appendAudit(() => record(2));
    db.exec('ROLLBACK');
    assert.deepEqual(store.readAudit(0, 10).map((row) => row.seq), [1], 'the host rollback undoes the audit write with its own');
  });
});
