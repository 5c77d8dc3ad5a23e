import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PortcullisError } from '../core/index.ts';
import { createRobot, createUser, deleteUser, putProject, revokeRobot, setMember, updateUser } from './accounts.ts';
import { openFixture, PASSWORD, ROOT } from './testing/fixture.ts';
import type { Principal } from './types.ts';

const hasCode = (code: string) => (error: unknown) => error instanceof PortcullisError && error.code === code;
const ALL = ['pull', 'push', 'delete'];

describe('AuthService', () => {
  it('logs users in with the right password only, and audits failures without the password', async () => {
    const { auth, store } = await openFixture();
    assert.deepEqual(await auth.login('bob', PASSWORD, '10.0.0.5'), { kind: 'user', name: 'bob', admin: false });
    assert.equal(await auth.login('bob', 'wrong', '10.0.0.5'), undefined);
    assert.equal(await auth.login('nobody', PASSWORD, '10.0.0.5'), undefined);
    const failures = store.readAudit(0, 100).filter((record) => record.action === 'login.failed');
    assert.deepEqual(failures.map((record) => [record.actor, record.ip]), [['bob', '10.0.0.5'], ['nobody', '10.0.0.5']]);
    assert.ok(!JSON.stringify(store.readAudit(0, 100)).includes(PASSWORD));
  });

  it('refuses disabled users', async () => {
    const { auth, store } = await openFixture();
    await updateUser(store, ROOT, 'dave', { disabled: true });
    assert.equal(await auth.login('dave', PASSWORD, ''), undefined);
  });

  it('authorizes by project role through the store', async () => {
    const { auth } = await openFixture();
    const as = (name: string, admin = false): Principal => ({ kind: 'user', name, admin });
    const ask = { repository: 'team/app', actions: ALL, ip: '127.0.0.1' };
    assert.deepEqual(auth.authorize(as('bob'), ask), ['pull', 'push']);
    assert.deepEqual(auth.authorize(as('carol'), ask), ALL);
    assert.deepEqual(auth.authorize(as('dave'), ask), []);
    assert.deepEqual(auth.authorize(as('alice', true), ask), ALL);
    assert.deepEqual(auth.authorize({ kind: 'anonymous' }, { ...ask, repository: 'pub/base' }), ['pull']);
    assert.deepEqual(auth.authorize(as('bob'), { ...ask, repository: 'ops/tool', ip: '10.9.9.9' }), ['pull']);
    assert.deepEqual(auth.authorize(as('bob'), { ...ask, repository: 'ops/tool', ip: '172.16.0.1' }), []);
  });

  it('gives robots their scopes, shows the secret once and stores only its hash', async () => {
    const { auth, store } = await openFixture();
    const { login, secret } = createRobot(store, ROOT, { name: 'ci', scopes: [{ pattern: 'team/**', actions: ['pull', 'push'] }] });
    assert.equal(login, 'robot$ci');
    assert.ok(!JSON.stringify(store.getRobot('ci')).includes(secret));
    assert.ok(!JSON.stringify(store.readAudit(0, 100)).includes(secret));
    const robot = await auth.login(login, secret, '');
    assert.equal(robot?.kind, 'robot');
    assert.deepEqual(auth.authorize(robot!, { repository: 'team/a/b', actions: ALL, ip: '' }), ['pull', 'push']);
    assert.deepEqual(auth.authorize(robot!, { repository: 'pub/base', actions: ['push'], ip: '' }), []);
    assert.equal(await auth.login(login, `${secret}x`, ''), undefined);
    assert.equal(await auth.login('robot$nobody', secret, ''), undefined);
  });

  it('refuses expired and revoked robots, at login and for tokens already issued', async () => {
    const { auth, store } = await openFixture();
    const expired = createRobot(store, ROOT, { name: 'old', scopes: [{ pattern: 'team/*', actions: ['pull'] }], expiresAt: new Date(Date.now() - 1000) });
    assert.equal(await auth.login(expired.login, expired.secret, ''), undefined);

    const live = createRobot(store, ROOT, { name: 'ci', scopes: [{ pattern: 'team/*', actions: ['pull'] }], expiresAt: new Date(Date.now() + 3_600_000) });
    const principal = await auth.login(live.login, live.secret, '');
    assert.ok(principal);
    const { token } = await auth.issue(principal, [{ type: 'repository', name: 'team/app', actions: ['pull'] }], '');
    assert.equal((await auth.authenticate({ scheme: 'bearer', token }, '')).kind, 'robot');
    revokeRobot(store, ROOT, 'ci');
    assert.equal(await auth.login(live.login, live.secret, ''), undefined);
    await assert.rejects(auth.authenticate({ scheme: 'bearer', token }, ''), hasCode('AUTH'));
  });

  it('gives scanner robots pull on every repository', async () => {
    const { auth, store } = await openFixture();
    const { login, secret } = createRobot(store, ROOT, { name: 'scanner', scopes: [], scanner: true });
    const robot = await auth.login(login, secret, '');
    assert.deepEqual(auth.authorize(robot!, { repository: 'team/app', actions: ALL, ip: '' }), ['pull']);
  });

  it('limits a bearer principal to its token and re-reads the user', async () => {
    const { auth, store } = await openFixture();
    const bob: Principal = { kind: 'user', name: 'bob', admin: false };
    const { token } = await auth.issue(bob, [{ type: 'repository', name: 'team/app', actions: ['pull'] }], '');
    const fromToken = await auth.authenticate({ scheme: 'bearer', token }, '');
    assert.deepEqual(auth.authorize(fromToken, { repository: 'team/app', actions: ALL, ip: '' }), ['pull']);
    assert.deepEqual(auth.authorize(fromToken, { repository: 'team/other', actions: ALL, ip: '' }), []);
    await updateUser(store, ROOT, 'bob', { disabled: true });
    await assert.rejects(auth.authenticate({ scheme: 'bearer', token }, ''), hasCode('AUTH'));
  });

  it('validates account, robot and project input', async () => {
    const { store } = await openFixture();
    for (const name of ['', 'caf\u00e9', 'a b', 'robot$x', '../x', 'x'.repeat(200), '\u202eadmin']) {
      await assert.rejects(createUser(store, ROOT, name, 'pw'), hasCode('INPUT'), name);
    }
    await assert.rejects(createUser(store, ROOT, 'bob', 'pw'), hasCode('INPUT'));
    const badScopes: unknown[] = ['x', [{ pattern: 'Team/*', actions: ['pull'] }], [{ pattern: 'team/*', actions: ['fly'] }], [{ pattern: 'team/*', actions: [] }], [{ actions: ['pull'] }], [null]];
    for (const scopes of badScopes) assert.throws(() => createRobot(store, ROOT, { name: 'r', scopes }), hasCode('INPUT'), JSON.stringify(scopes));
    assert.throws(() => putProject(store, ROOT, { name: 'x', public: false, ipAllowlist: ['10.0.0.0/33'] }), hasCode('INPUT'));
    assert.throws(() => putProject(store, ROOT, { name: 'Bad/Name', public: false, ipAllowlist: [] }), hasCode('INPUT'));
    assert.throws(() => setMember(store, ROOT, 'nope', 'bob', 'guest'), hasCode('NOT_FOUND'));
    assert.throws(() => setMember(store, ROOT, 'team', 'ghost', 'guest'), hasCode('NOT_FOUND'));
    assert.throws(() => setMember(store, ROOT, 'team', 'bob', 'owner' as 'guest'), hasCode('INPUT'));
  });

  it('never removes, demotes or disables the last enabled admin', async () => {
    const { store } = await openFixture();
    await assert.rejects(updateUser(store, ROOT, 'alice', { admin: false }), hasCode('INPUT'));
    await assert.rejects(updateUser(store, ROOT, 'alice', { disabled: true }), hasCode('INPUT'));
    assert.throws(() => deleteUser(store, ROOT, 'alice'), hasCode('INPUT'));
    await updateUser(store, ROOT, 'dave', { admin: true });
    deleteUser(store, ROOT, 'alice');
    assert.equal(store.getUser('alice'), undefined);
    assert.throws(() => deleteUser(store, ROOT, 'nobody'), hasCode('NOT_FOUND'));
  });

  it('audits account and policy changes with the actor', async () => {
    const { store } = await openFixture();
    const actor = { name: 'alice', ip: '192.0.2.1' };
    await createUser(store, actor, 'erin', 'pw');
    putProject(store, actor, { name: 'team', public: true, ipAllowlist: [] });
    const tail = store.readAudit(0, 1000).slice(-2);
    assert.deepEqual(tail.map((record) => [record.actor, record.action, record.target, record.ip]), [
      ['alice', 'user.create', 'erin', '192.0.2.1'],
      ['alice', 'project.change', 'team', '192.0.2.1'],
    ]);
  });
});
