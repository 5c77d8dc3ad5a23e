import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PASSWORD, openFixture, type Fixture } from '../../auth/testing/fixture.ts';
import { pushImage } from '../../registry/testing.ts';
import { type LifecycleTestServer, startLifecycleServer } from '../../registry-lifecycle/testing.ts';

function basic(user: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${user}:${PASSWORD}`).toString('base64')}` };
}

describe('lifecycle API', () => {
  let fixture: Fixture;
  let server: LifecycleTestServer;
  before(async () => {
    fixture = await openFixture();
    server = await startLifecycleServer({ auth: fixture.auth });
  });
  after(async () => {
    await server?.close();
    fixture?.db.close();
  });

  const call = (method: 'GET' | 'PUT' | 'POST', url: string, user?: string, body?: unknown) =>
    server.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { ...(user !== undefined && basic(user)), ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
    });

  it('lets project maintainers and admins read and change rules, and no one else', async () => {
    const rules = { rules: [{ repositories: '**', tags: 'release-*' }] };
    assert.equal((await call('PUT', '/projects/team/immutability', undefined, rules)).statusCode, 401);
    assert.equal((await call('PUT', '/projects/team/immutability', 'bob', rules)).statusCode, 403, 'a developer is not a maintainer');
    assert.equal((await call('GET', '/projects/team/immutability', 'dave')).statusCode, 403);
    const put = await call('PUT', '/projects/team/immutability', 'carol', rules);
    assert.equal(put.statusCode, 200);
    assert.deepEqual((await call('GET', '/projects/team/immutability', 'alice')).json(), { project: 'team', ...rules });
    assert.equal((await call('GET', '/projects/nosuch/immutability', 'alice')).statusCode, 404);
    assert.equal((await call('GET', '/projects/Bad%2FName/immutability', 'alice')).statusCode, 400);
    const audited = fixture.store.readAudit(0, 1000).filter((record) => record.action === 'policy.change' && record.target === 'team');
    assert.equal(audited.at(-1)?.actor, 'carol');
  });

  it('answers hostile rule bodies with 400 naming the fields', async () => {
    const negative = await call('PUT', '/projects/team/retention', 'carol', { rules: [{ keep: 'latest', repositories: '**', count: -3 }] });
    assert.equal(negative.statusCode, 400);
    assert.match(negative.json().error.message, /rules\[0\]\.count/);
    const unknown = await call('PUT', '/projects/team/retention', 'carol', { rules: [{ keep: 'latest', repositories: '**', count: 3, days: 2 }] });
    assert.match(unknown.json().error.message, /rules\[0\]\.days: unknown field/);
    assert.equal((await call('PUT', '/projects/team/retention', 'carol', '{"rules": [')).statusCode, 400);
    assert.equal((await call('PUT', '/projects/team/retention', 'carol', [1, 2])).statusCode, 400);
    const big = await call('PUT', '/projects/team/retention', 'carol', { rules: Array.from({ length: 101 }, () => ({ keep: 'latest', repositories: '**', count: 1 })) });
    assert.match(big.json().error.message, /at most 100 rules/);
    assert.deepEqual((await call('GET', '/projects/team/retention', 'carol')).json(), { project: 'team', rules: [] }, 'nothing was stored');
  });

  it('runs retention for maintainers and audits each deletion', async () => {
    const old = await pushImage(server.registry, 'team/api', 'one', 'first');
    server.advance(1000);
    const kept = await pushImage(server.registry, 'team/api', 'two', 'second');
    assert.equal((await call('PUT', '/projects/team/retention', 'carol', { rules: [{ keep: 'latest', repositories: 'api', count: 1 }] })).statusCode, 200);
    assert.equal((await call('POST', '/projects/team/retention/run', 'bob')).statusCode, 403);
    assert.equal((await call('POST', '/projects/team/retention/run?dryRun=maybe', 'carol')).statusCode, 400);
    const run = await call('POST', '/projects/team/retention/run', 'carol');
    assert.equal(run.statusCode, 200);
    assert.equal(run.json().deleted, 1);
    await assert.rejects(server.registry.manifests.get('team/api', 'one'), /not found/);
    assert.equal((await server.registry.manifests.get('team/api', 'two')).digest, kept.digest);
    const deletion = fixture.store.readAudit(0, 1000).find((record) => record.action === 'delete' && record.target === `team/api@${old.digest}`);
    assert.equal(deletion?.actor, 'carol');
    assert.equal(deletion?.detail.by, 'retention');
    assert.equal(deletion?.detail.reason, 'no keep rule matches');
  });

  it('garbage collection is for administrators, one run at a time', async () => {
    assert.equal((await call('POST', '/system/gc?dryRun=true', 'carol')).statusCode, 403);
    assert.equal((await call('POST', '/system/gc?grace=10y', 'alice')).statusCode, 400);
    // A collection in progress (held open here) makes a second request answer 409.
    let finish: () => void = () => {};
    const held = server.service.gc.tryRun(() => new Promise((resolve) => {
      finish = () => resolve({ deleted: [], bytesFreed: 0, kept: 0, expiredUploads: [] });
    }));
    assert.ok(held !== undefined);
    const busy = await call('POST', '/system/gc?dryRun=true', 'alice');
    assert.equal(busy.statusCode, 409);
    assert.equal(busy.json().error.status, 'ABORTED');
    finish();
    await held;
    const answered = await call('POST', '/system/gc?dryRun=true', 'alice');
    assert.equal(answered.statusCode, 200);
    assert.equal(answered.json().dryRun, true);
    assert.ok(Array.isArray(answered.json().deleted) && typeof answered.json().bytesFreed === 'number');
  });
});
