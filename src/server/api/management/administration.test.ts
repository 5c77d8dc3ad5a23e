/**
 * The management API's administration routes through build() + inject(): pull gates and
 * exceptions per project, projects and members, users and robots, and the audit log with its
 * filters, pagination and chain check. Every change must land in the audit log with its actor.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type Bench, basic, body, openBench } from './testing.ts';

describe('management API: gates, exceptions, projects, accounts, audit', () => {
  let bench: Bench;

  before(async () => {
    bench = await openBench();
  });
  after(async () => bench?.close());

  it('sets, shows and removes a project\'s pull gate with the policy store\'s rules', async () => {
    const url = '/api/v1/projects/team/pull-policy';
    assert.deepEqual(body(await bench.as('bob', { url })), { project: 'team', enabled: false, blockUnscanned: false, graceDays: {} });
    const set = await bench.as('carol', { method: 'PUT', url, payload: { minSeverity: 'high', blockUnscanned: true, graceDays: { MEDIUM: 30 } } });
    assert.equal(set.statusCode, 200, set.body);
    assert.deepEqual(body(set), { enabled: true, project: 'team', minSeverity: 'HIGH', blockUnscanned: true, graceDays: { MEDIUM: 30 } });
    assert.equal(bench.policy.gate('team')?.minSeverity, 'HIGH', 'stored where the pull gate reads it');
    assert.equal((await bench.as('carol', { method: 'PUT', url, payload: { graceDays: { HIGH: 400 } } })).statusCode, 400, 'grace periods are capped as on the command line');
    assert.equal((await bench.as('carol', { method: 'PUT', url, payload: { minSeverity: 'SEVERE' } })).statusCode, 400);
    assert.equal((await bench.as('carol', { method: 'PUT', url: '/api/v1/projects/nosuch/pull-policy', payload: {} })).statusCode, 404);
    assert.equal((await bench.as('carol', { method: 'DELETE', url })).statusCode, 204);
    assert.equal(bench.policy.gate('team'), undefined);
    assert.equal((await bench.as('carol', { method: 'DELETE', url })).statusCode, 404);
    const records = bench.fixture.store.queryAudit({ actor: 'carol', action: 'policy.change', limit: 5 });
    assert.deepEqual(records.map((record) => record.detail.gate ?? record.detail.minSeverity), ['off', 'HIGH']);
  });

  it('adds, lists and deletes exceptions of a project; digest-scoped ones are for administrators', async () => {
    const url = '/api/v1/projects/team/exceptions';
    const added = await bench.as('carol', { method: 'POST', url, payload: { vulnerability: 'cve-2024-37890', repository: 'team/app', reason: 'not reachable', owner: 'payments', expires: '30d' } });
    assert.equal(added.statusCode, 201, added.body);
    assert.equal(body(added).vulnerability, 'CVE-2024-37890');
    assert.equal(body(added).repository, 'team/app');
    assert.equal(body(added).active, true);
    assert.equal((await bench.as('carol', { method: 'POST', url, payload: { vulnerability: 'CVE-2024-37890', repository: 'pub/site', reason: 'r', owner: 'o', expires: '1d' } })).statusCode, 400, 'a repository of another project');
    assert.equal((await bench.as('carol', { method: 'POST', url, payload: { vulnerability: 'CVE-2024-37890', repository: 'team/app', reason: 'r', owner: 'o', expires: '2001-01-01T00:00:00Z' } })).statusCode, 400, 'expiry in the past');
    assert.equal((await bench.as('carol', { method: 'POST', url, payload: { vulnerability: 'CVE-2024-37890', repository: 'team/app', digest: bench.image, reason: 'r', owner: 'o', expires: '1d' } })).statusCode, 400, 'both scopes');
    assert.equal((await bench.as('carol', { method: 'POST', url, payload: { vulnerability: 'not an id', repository: 'team/app', reason: 'r', owner: 'o', expires: '1d' } })).statusCode, 400);
    const byDigest = await bench.as('alice', { method: 'POST', url, payload: { vulnerability: 'GHSA-3h5v-q93c-6h6q', digest: bench.image, reason: 'vendor says safe', owner: 'sec', expires: '2099-01-01T00:00:00Z' } });
    assert.equal(byDigest.statusCode, 201, byDigest.body);
    const listed = body(await bench.as('bob', { url })).exceptions as Array<Record<string, unknown>>;
    assert.deepEqual(listed.map((entry) => entry.id), [body(added).id, body(byDigest).id]);
    assert.deepEqual(body(await bench.as('alice', { url: '/api/v1/projects/pub/exceptions' })).exceptions.map((entry: { id: number }) => entry.id), [body(byDigest).id], 'digest exceptions show in every project, repository ones only in theirs');
    assert.equal((await bench.as('carol', { method: 'DELETE', url: `${url}/${body(byDigest).id}` })).statusCode, 403);
    assert.equal((await bench.as('carol', { method: 'DELETE', url: `${url}/${body(added).id}` })).statusCode, 204);
    assert.equal((await bench.as('carol', { method: 'DELETE', url: `${url}/${body(added).id}` })).statusCode, 404);
    assert.equal((await bench.as('carol', { method: 'DELETE', url: `${url}/abc` })).statusCode, 400);
    assert.deepEqual(bench.policy.exceptions({ now: Date.now() }).map((entry) => entry.id), [body(byDigest).id]);
  });

  it('creates and changes projects and members', async () => {
    assert.equal((await bench.as('carol', { method: 'PUT', url: '/api/v1/projects/newproj', payload: { public: true } })).statusCode, 403, 'creating needs a system admin');
    const created = await bench.as('alice', { method: 'PUT', url: '/api/v1/projects/newproj', payload: { public: false, ipAllowlist: ['10.0.0.0/8'] } });
    assert.deepEqual(body(created), { name: 'newproj', public: false, ipAllowlist: ['10.0.0.0/8'] });
    assert.equal((await bench.as('alice', { method: 'PUT', url: '/api/v1/projects/newproj', payload: { ipAllowlist: ['10.0.0.0/33'] } })).statusCode, 400);
    assert.equal((await bench.as('alice', { method: 'PUT', url: '/api/v1/projects/Bad_Name!', payload: {} })).statusCode, 400);
    assert.equal((await bench.as('alice', { method: 'PUT', url: '/api/v1/projects/newproj/members/carol', payload: { role: 'admin' } })).statusCode, 200);
    const changed = await bench.as('carol', { method: 'PUT', url: '/api/v1/projects/newproj', payload: { public: true } });
    assert.deepEqual(body(changed), { name: 'newproj', public: true, ipAllowlist: ['10.0.0.0/8'] }, 'a project admin changes settings; unnamed fields keep their values');
    assert.equal((await bench.as('carol', { method: 'PUT', url: '/api/v1/projects/newproj/members/dave', payload: { role: 'owner' } })).statusCode, 400);
    assert.equal((await bench.as('carol', { method: 'PUT', url: '/api/v1/projects/newproj/members/nobody', payload: { role: 'guest' } })).statusCode, 404);
    assert.equal((await bench.as('carol', { method: 'PUT', url: '/api/v1/projects/newproj/members/dave', payload: { role: 'guest' } })).statusCode, 200);
    assert.deepEqual(body(await bench.as('dave', { url: '/api/v1/projects/newproj/members' })).members, [{ user: 'carol', role: 'admin' }, { user: 'dave', role: 'guest' }]);
    assert.equal((await bench.as('carol', { method: 'DELETE', url: '/api/v1/projects/newproj/members/dave' })).statusCode, 204);
    assert.equal((await bench.as('carol', { method: 'DELETE', url: '/api/v1/projects/newproj/members/dave' })).statusCode, 404);
    const projects = body(await bench.as('dave', { url: '/api/v1/projects' })).projects.map((project: { name: string }) => project.name);
    assert.deepEqual(projects.sort(), ['newproj', 'pub'], 'dave sees public projects only');
    const changes = bench.fixture.store.queryAudit({ action: 'member.change', limit: 3 }).map((record) => `${record.actor} ${record.target} ${record.detail.role}`);
    assert.deepEqual(changes, ['carol newproj/dave none', 'carol newproj/dave guest', 'alice newproj/carol admin']);
  });

  it('manages users: create, conflict, change, keep the last admin, delete', async () => {
    const created = await bench.as('alice', { method: 'POST', url: '/api/v1/users', payload: { name: 'frank', password: 'frank password 123' } });
    assert.equal(created.statusCode, 201);
    assert.deepEqual(Object.keys(body(created)).sort(), ['admin', 'createdAt', 'disabled', 'name']);
    assert.equal((await bench.as('alice', { method: 'POST', url: '/api/v1/users', payload: { name: 'frank', password: 'another one' } })).statusCode, 409);
    assert.equal((await bench.as('alice', { method: 'POST', url: '/api/v1/users', payload: { name: '../evil', password: 'x' } })).statusCode, 400);
    assert.equal((await bench.as('alice', { method: 'POST', url: '/api/v1/users', payload: { name: 'nopass' } })).statusCode, 400);
    assert.equal((await bench.app.inject({ url: '/api/v1/system/info', headers: { authorization: basic('frank', 'frank password 123') } })).statusCode, 200, 'the new user can log in');
    const patched = await bench.as('alice', { method: 'PATCH', url: '/api/v1/users/frank', payload: { password: 'new frank password', disabled: true } });
    assert.equal(body(patched).disabled, true);
    assert.equal((await bench.app.inject({ url: '/api/v1/system/info', headers: { authorization: basic('frank', 'new frank password') } })).statusCode, 401, 'a disabled user cannot log in');
    assert.equal((await bench.as('alice', { method: 'PATCH', url: '/api/v1/users/frank', payload: {} })).statusCode, 400);
    assert.equal((await bench.as('alice', { method: 'PATCH', url: '/api/v1/users/alice', payload: { admin: false } })).statusCode, 400, 'the last admin stays');
    assert.equal((await bench.as('alice', { method: 'PATCH', url: '/api/v1/users/ghost', payload: { admin: true } })).statusCode, 404);
    assert.equal((await bench.as('alice', { method: 'DELETE', url: '/api/v1/users/frank' })).statusCode, 204);
    assert.equal((await bench.as('alice', { method: 'DELETE', url: '/api/v1/users/frank' })).statusCode, 404);
    const listed = body(await bench.as('alice', { url: '/api/v1/users' })).users;
    assert.ok(listed.every((user: Record<string, unknown>) => !('passwordHash' in user)));
    assert.deepEqual(bench.fixture.store.queryAudit({ actor: 'alice', limit: 10 }).filter((record) => record.target === 'frank').map((record) => record.action), ['user.delete', 'user.update', 'user.create']);
  });

  it('creates robots whose secret is answered once and works, lists them without secrets, revokes and deletes', async () => {
    const created = await bench.as('alice', { method: 'POST', url: '/api/v1/robots', payload: { name: 'deployer', description: 'CD', scopes: [{ pattern: 'team/**', actions: ['pull'] }], expiresAt: '2099-01-01T00:00:00Z' } });
    assert.equal(created.statusCode, 201, created.body);
    const { login, secret } = body(created);
    assert.equal(login, 'robot$deployer');
    assert.match(secret, /^pcr_/);
    const robotAuth = { authorization: basic(login, secret) };
    assert.equal((await bench.app.inject({ url: `/api/v1/repositories/${encodeURIComponent('team/app')}/tags`, headers: robotAuth })).statusCode, 200);
    const listed = await bench.as('alice', { url: '/api/v1/robots' });
    assert.ok(!listed.body.includes(secret), 'the secret is never listed');
    assert.ok(body(listed).robots.every((robot: Record<string, unknown>) => !('secretHash' in robot) && !('secret' in robot)));
    assert.equal((await bench.as('alice', { method: 'POST', url: '/api/v1/robots', payload: { name: 'deployer', scopes: [{ pattern: 'x', actions: ['pull'] }] } })).statusCode, 409);
    assert.equal((await bench.as('alice', { method: 'POST', url: '/api/v1/robots', payload: { name: 'bad', scopes: [{ pattern: 'team/**', actions: ['own'] }] } })).statusCode, 400);
    assert.equal((await bench.as('alice', { method: 'POST', url: '/api/v1/robots', payload: { name: 'none', scopes: [] } })).statusCode, 400);
    assert.equal((await bench.as('alice', { method: 'POST', url: '/api/v1/robots', payload: { name: 'old', scopes: [{ pattern: 'x', actions: ['pull'] }], expiresAt: '2001-01-01T00:00:00Z' } })).statusCode, 400);
    const revoked = await bench.as('alice', { method: 'POST', url: '/api/v1/robots/deployer/revoke' });
    assert.equal(body(revoked).revoked, true);
    assert.equal((await bench.app.inject({ url: `/api/v1/repositories/${encodeURIComponent('team/app')}/tags`, headers: robotAuth })).statusCode, 401, 'a revoked secret is refused');
    assert.equal((await bench.as('alice', { method: 'DELETE', url: '/api/v1/robots/deployer' })).statusCode, 204);
    assert.equal((await bench.as('alice', { method: 'POST', url: '/api/v1/robots/deployer/revoke' })).statusCode, 404);
  });

  it('lists the audit log newest first with filters and pages, and verifies its chain', async () => {
    const all = body(await bench.as('alice', { url: '/api/v1/audit?n=1000' })).records as Array<{ seq: number; actor: string; action: string; at: string }>;
    assert.ok(all.length > 5);
    assert.deepEqual(all.map((record) => record.seq), [...all.map((record) => record.seq)].sort((a, b) => b - a));
    const page = await bench.as('alice', { url: '/api/v1/audit?actor=carol&n=2' });
    const first = body(page).records as Array<{ seq: number; actor: string }>;
    assert.equal(first.length, 2);
    assert.ok(first.every((record) => record.actor === 'carol'));
    const link = String(page.headers.link);
    assert.match(link, /rel="next"/);
    const nextUrl = /<([^>]+)>/.exec(link)?.[1] ?? '';
    const second = body(await bench.as('alice', { url: nextUrl })).records as Array<{ seq: number; actor: string }>;
    assert.ok(second.length > 0 && second.every((record) => record.actor === 'carol' && record.seq < (first[1]?.seq ?? 0)));
    const creates = body(await bench.as('alice', { url: '/api/v1/audit?action=user.create' })).records as Array<{ action: string }>;
    assert.ok(creates.length >= 5 && creates.every((record) => record.action === 'user.create'));
    const future = body(await bench.as('alice', { url: '/api/v1/audit?since=2999-01-01T00:00:00Z' })).records;
    assert.deepEqual(future, []);
    const past = body(await bench.as('alice', { url: '/api/v1/audit?until=2000-01-01T00:00:00%2B02:00' })).records;
    assert.deepEqual(past, []);
    assert.equal((await bench.as('alice', { url: '/api/v1/audit?since=yesterday' })).statusCode, 400);
    assert.equal((await bench.as('alice', { url: '/api/v1/audit?action=DROP%20TABLE' })).statusCode, 400);
    const breakGlass = await bench.as('alice', { url: '/api/v1/audit?action=admission.break_glass' });
    assert.equal(breakGlass.statusCode, 200, 'action names may hold underscores');
    assert.deepEqual(body(breakGlass).records, []);
    const verified = body(await bench.as('alice', { url: '/api/v1/audit/verify' }));
    assert.equal(verified.ok, true);
    assert.ok(verified.records >= all.length);
  });

  it('reports system state', async () => {
    const info = body(await bench.as('bob', { url: '/api/v1/system/info' }));
    assert.equal(info.version, '0.0.0-test');
    assert.equal(info.accessControl, true);
    assert.ok(info.scanner.queue.done >= 1, 'the scan of team/app:v1 is counted');
    assert.equal(info.storage.dataDir, bench.registry.dataDir);
  });
});
