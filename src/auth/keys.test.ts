import assert from 'node:assert/strict';
import { sign, verify } from 'node:crypto';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, it } from 'node:test';
import { PortcullisError } from '../core/index.ts';
import { loadOrCreateServerSecret, loadOrCreateSigningKey } from './keys.ts';
import { SqliteAuthStore } from './sqlite-store.ts';

const SECRET = 'keys-test-server-secret-0123456789';

describe('token signing key', () => {
  it('is generated once, stored encrypted, and reloaded with the same server secret', async () => {
    const store = new SqliteAuthStore(new DatabaseSync(':memory:'));
    const first = await loadOrCreateSigningKey(store, SECRET);
    const again = await loadOrCreateSigningKey(store, SECRET);
    assert.equal(first.kid, again.kid);
    const signature = sign('sha256', Buffer.from('data'), first.privateKey);
    assert.equal(verify('sha256', Buffer.from('data'), again.publicKey, signature), true);

    const stored = store.getSigningKey()!;
    const privateD = first.privateKey.export({ format: 'jwk' }).d!;
    assert.ok(!stored.encryptedPrivateKey.includes(privateD), 'private scalar must not be stored in clear');
    assert.ok(!('d' in (JSON.parse(stored.publicJwk) as object)));
  });

  it('refuses to load with a different server secret, or a short one', async () => {
    const store = new SqliteAuthStore(new DatabaseSync(':memory:'));
    await loadOrCreateSigningKey(store, SECRET);
    await assert.rejects(loadOrCreateSigningKey(store, `${SECRET}-other`), (error: unknown) => error instanceof PortcullisError && error.code === 'AUTH');
    await assert.rejects(loadOrCreateSigningKey(new SqliteAuthStore(new DatabaseSync(':memory:')), 'short'), (error: unknown) => error instanceof PortcullisError && error.code === 'USAGE');
  });

  it('creates the server secret file once, private to its owner', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'portcullis-auth-'));
    try {
      const path = join(dir, 'server-secret');
      const secret = await loadOrCreateServerSecret(path);
      assert.match(secret, /^[0-9a-f]{64}$/);
      assert.equal((await stat(path)).mode & 0o777, 0o600);
      assert.equal(await loadOrCreateServerSecret(path), secret);
      await writeFile(path, 'operator-provided-secret-value\n');
      assert.equal(await loadOrCreateServerSecret(path), 'operator-provided-secret-value');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
