import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import { describe, it } from 'node:test';
import { ensureInitialAdmin } from './bootstrap.ts';
import { verifyPassword } from './password.ts';
import { SqliteAuthStore } from './sqlite-store.ts';

describe('first start', () => {
  it('creates the admin with a generated password returned once and stored only hashed', async () => {
    const store = new SqliteAuthStore(new DatabaseSync(':memory:'));
    const result = await ensureInitialAdmin(store, {});
    assert.equal(result.created && result.passwordSource, 'generated');
    const password = result.created && result.passwordSource === 'generated' ? result.generatedPassword : '';
    assert.ok(password.length >= 32);
    const admin = store.getUser('admin')!;
    assert.equal(admin.admin, true);
    assert.equal(await verifyPassword(password, admin.passwordHash), true);
    assert.ok(!JSON.stringify(store.readAudit(0, 10)).includes(password));
    assert.deepEqual(await ensureInitialAdmin(store, {}), { created: false });
  });

  it('takes the password from PORTCULLIS_ADMIN_PASSWORD and does not echo it', async () => {
    const store = new SqliteAuthStore(new DatabaseSync(':memory:'));
    const result = await ensureInitialAdmin(store, { PORTCULLIS_ADMIN_PASSWORD: 'from-the-environment' });
    assert.deepEqual(result, { created: true, username: 'admin', passwordSource: 'env' });
    assert.equal(await verifyPassword('from-the-environment', store.getUser('admin')!.passwordHash), true);
  });

  it('generates a different password on each fresh store', async () => {
    const passwords = new Set<string>();
    for (let i = 0; i < 2; i++) {
      const result = await ensureInitialAdmin(new SqliteAuthStore(new DatabaseSync(':memory:')), { PORTCULLIS_ADMIN_PASSWORD: '' });
      if (result.created && result.passwordSource === 'generated') passwords.add(result.generatedPassword);
    }
    assert.equal(passwords.size, 2);
  });
});
