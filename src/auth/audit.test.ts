import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import { describe, it } from 'node:test';
import { PortcullisError } from '../core/index.ts';
import { auditHash, GENESIS_HASH } from './audit-record.ts';
import { appendAudit, verifyAuditChain } from './audit.ts';
import { SqliteAuthStore } from './sqlite-store.ts';

function logWith(count: number): { db: DatabaseSync; store: SqliteAuthStore } {
  const db = new DatabaseSync(':memory:');
  const store = new SqliteAuthStore(db);
  for (let i = 0; i < count; i++) {
    appendAudit(store, { actor: `user${i}`, action: 'push', target: `team/app@sha256:${String(i).padStart(64, '0')}`, ip: '10.0.0.1', outcome: 'ok', detail: { tag: `v${i}` } });
  }
  return { db, store };
}

/** Tampering needs the append-only triggers out of the way first, as an attacker with file access would do. */
function tamper(db: DatabaseSync, sql: string): void {
  db.exec('DROP TRIGGER auth_audit_no_update; DROP TRIGGER auth_audit_no_delete;');
  db.exec(sql);
}

describe('audit log', () => {
  it('records who, what, when and from where, chained by SHA-256', () => {
    const { store } = logWith(3);
    const records = store.readAudit(0, 10);
    assert.equal(records.length, 3);
    assert.equal(records[0]?.prevHash, GENESIS_HASH);
    assert.equal(records[1]?.prevHash, records[0]?.hash);
    assert.equal(records[2]?.prevHash, records[1]?.hash);
    assert.equal(records[2]?.actor, 'user2');
    assert.equal(records[2]?.ip, '10.0.0.1');
    assert.deepEqual(records[2]?.detail, { tag: 'v2' });
    assert.ok(!Number.isNaN(Date.parse(records[0]?.at ?? '')));
    assert.deepEqual(verifyAuditChain(store), { ok: true, records: 3 });
  });

  it('verifies an empty log and one longer than a page', () => {
    assert.deepEqual(verifyAuditChain(logWith(0).store), { ok: true, records: 0 });
    assert.deepEqual(verifyAuditChain(logWith(1205).store), { ok: true, records: 1205 });
  });

  it('refuses UPDATE and DELETE on the table', () => {
    const { db } = logWith(2);
    assert.throws(() => db.exec("UPDATE auth_audit SET actor = 'x' WHERE seq = 1"), /append-only/);
    assert.throws(() => db.exec('DELETE FROM auth_audit WHERE seq = 1'), /append-only/);
  });

  it('detects a modified row', () => {
    const { db, store } = logWith(5);
    tamper(db, "UPDATE auth_audit SET actor = 'mallory' WHERE seq = 3");
    const result = verifyAuditChain(store);
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.brokenAt, 3);
    assert.equal(result.records, 2);
  });

  it('detects a modified row whose own hash was recomputed, at the next link', () => {
    const { db, store } = logWith(4);
    const row = store.readAudit(1, 1)[0]!;
    const { hash: _old, ...unsigned } = { ...row, target: 'team/innocent' };
    tamper(db, `UPDATE auth_audit SET target = 'team/innocent', hash = '${auditHash(unsigned)}' WHERE seq = 2`);
    const result = verifyAuditChain(store);
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.brokenAt, 3);
    assert.match(!result.ok ? result.reason : '', /does not link/);
  });

  it('detects a deleted row', () => {
    const { db, store } = logWith(4);
    tamper(db, 'DELETE FROM auth_audit WHERE seq = 2');
    const result = verifyAuditChain(store);
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.brokenAt, 2);
    assert.match(!result.ok ? result.reason : '', /missing/);
  });

  it('refuses detail keys that look like secrets', () => {
    const { store } = logWith(0);
    for (const key of ['password', 'robotSecret', 'access_token', 'privateKey']) {
      assert.throws(
        () => appendAudit(store, { actor: 'a', action: 'user.update', target: 'b', ip: '', outcome: 'ok', detail: { [key]: 'x' } }),
        (error: unknown) => error instanceof PortcullisError && error.code === 'INTERNAL',
        key,
      );
    }
    assert.equal(store.readAudit(0, 10).length, 0);
  });

  it('clips oversized fields instead of storing them whole', () => {
    const { store } = logWith(0);
    appendAudit(store, { actor: 'a'.repeat(100_000), action: 'pull', target: 't', ip: '', outcome: 'denied' });
    assert.ok((store.readAudit(0, 1)[0]?.actor.length ?? 0) < 2000);
    assert.equal(verifyAuditChain(store).ok, true);
  });
});
