import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DatabaseSync } from 'node:sqlite';
import { PortcullisError } from '../core/index.ts';
import { createUser } from './accounts.ts';
import { LoginThrottle } from './login-throttle.ts';
import { AuthService } from './service.ts';
import { SqliteAuthStore } from './sqlite-store.ts';
import { PASSWORD, REALM, ROOT, SERVER_SECRET, SERVICE } from './testing/fixture.ts';

describe('login throttle', () => {
  it('refuses a name and address after too many failures, until the window passes', () => {
    let clock = 1_000_000;
    const throttle = new LoginThrottle({ maxFailures: 3, windowMs: 60_000, now: () => clock });
    for (let i = 0; i < 3; i++) {
      assert.equal(throttle.retryAfterMs('bob', '10.0.0.1'), 0);
      throttle.recordFailure('bob', '10.0.0.1');
    }
    assert.equal(throttle.retryAfterMs('bob', '10.0.0.1'), 60_000);
    assert.equal(throttle.retryAfterMs('bob', '10.0.0.2'), 0, 'another address is not affected');
    assert.equal(throttle.retryAfterMs('alice', '10.0.0.1'), 0, 'another name is not affected');
    clock += 59_000;
    assert.equal(throttle.retryAfterMs('bob', '10.0.0.1'), 1_000);
    clock += 1_000;
    assert.equal(throttle.retryAfterMs('bob', '10.0.0.1'), 0);
  });

  it('forgets failures after a success', () => {
    const throttle = new LoginThrottle({ maxFailures: 2 });
    throttle.recordFailure('bob', 'ip');
    throttle.recordSuccess('bob', 'ip');
    throttle.recordFailure('bob', 'ip');
    assert.equal(throttle.retryAfterMs('bob', 'ip'), 0);
  });

  it('stays bounded under a flood of distinct names', () => {
    const throttle = new LoginThrottle({ maxFailures: 1, maxEntries: 100 });
    throttle.recordFailure('victim', 'ip');
    for (let i = 0; i < 10_000; i++) throttle.recordFailure(`name${i}`, 'ip');
    assert.equal(throttle.retryAfterMs('victim', 'ip'), 0, 'the oldest entry was evicted');
    assert.ok(throttle.retryAfterMs('name9999', 'ip') > 0);
  });

  it('makes AuthService refuse even the right password while locked, with a LIMIT error', async () => {
    const store = new SqliteAuthStore(new DatabaseSync(':memory:'));
    await createUser(store, ROOT, 'bob', PASSWORD);
    const auth = await AuthService.open({ store, serverSecret: SERVER_SECRET, service: SERVICE, realm: REALM, throttle: new LoginThrottle({ maxFailures: 2 }) });
    assert.equal(await auth.login('bob', 'x', '10.0.0.1'), undefined);
    assert.equal(await auth.login('bob', 'y', '10.0.0.1'), undefined);
    await assert.rejects(auth.login('bob', PASSWORD, '10.0.0.1'), (error: unknown) => error instanceof PortcullisError && error.code === 'LIMIT');
    assert.equal((await auth.login('bob', PASSWORD, '10.0.0.2'))?.kind, 'user');
    assert.equal(store.readAudit(0, 100).at(-1)?.outcome, 'denied');
  });
});
