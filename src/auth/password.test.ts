import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import { describe, it, mock } from 'node:test';
import { PortcullisError } from '../core/index.ts';
import { hashPassword, MAX_PASSWORD_LENGTH, verifyPassword } from './password.ts';

const FAST = { N: 1024, r: 8, p: 1 };

describe('password hashing', () => {
  it('stores parameters and a per-user salt with the hash', async () => {
    const first = await hashPassword('s3cret!', FAST);
    const second = await hashPassword('s3cret!', FAST);
    assert.match(first, /^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    assert.notEqual(first, second, 'same password, different salts');
    assert.ok(!first.includes('s3cret!'));
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('s3cret!', FAST);
    assert.equal(await verifyPassword('s3cret!', stored), true);
    assert.equal(await verifyPassword('s3cret?', stored), false);
    assert.equal(await verifyPassword('', stored), false);
  });

  it('uses the default (strong) parameters when none are given', async () => {
    assert.match(await hashPassword('pw'), /^scrypt\$32768\$8\$1\$/);
  });

  it('normalises unicode so composed and decomposed forms match', async () => {
    const stored = await hashPassword('caf\u00e9', FAST);
    assert.equal(await verifyPassword('cafe\u0301', stored), true);
  });

  it('compares with crypto.timingSafeEqual', async () => {
    const stored = await hashPassword('s3cret!', FAST);
    const spy = mock.method(crypto, 'timingSafeEqual');
    syncBuiltinESMExports();
    try {
      assert.equal(await verifyPassword('wrong', stored), false);
      assert.equal(spy.mock.callCount(), 1);
      const [a, b] = spy.mock.calls[0]!.arguments as [Buffer, Buffer];
      assert.equal(a.length, 32);
      assert.equal(b.length, 32);
    } finally {
      spy.mock.restore();
      syncBuiltinESMExports();
    }
  });

  it('refuses empty and oversized passwords when hashing, and oversized ones when verifying', async () => {
    await assert.rejects(hashPassword('', FAST), (error: unknown) => error instanceof PortcullisError && error.code === 'INPUT');
    const huge = 'x'.repeat(MAX_PASSWORD_LENGTH + 1);
    await assert.rejects(hashPassword(huge, FAST), (error: unknown) => error instanceof PortcullisError && error.code === 'LIMIT');
    assert.equal(await verifyPassword(huge, await hashPassword('x', FAST)), false);
  });

  it('rejects malformed or abusive stored hashes with a clear error', async () => {
    const good = await hashPassword('pw', FAST);
    const parts = good.split('$');
    const variants = ['', 'bcrypt$x', parts.with(1, '1000').join('$'), parts.with(1, String(1 << 24)).join('$'), parts.with(2, '0').join('$'), parts.with(5, 'AAAA').join('$')];
    for (const stored of variants) {
      await assert.rejects(verifyPassword('pw', stored), (error: unknown) => error instanceof PortcullisError && error.code === 'INTERNAL', stored);
    }
  });
});
