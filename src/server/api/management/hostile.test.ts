/**
 * Hostile and unauthorised requests to the management API: each answers a clear JSON error (never
 * a crash, a 500 or a partial change), and wrong roles are refused before anything is read.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { build } from '../../app.ts';
import { allowAll } from '../../authorize.ts';
import { registerManagementApi } from './index.ts';
import { type Bench, TEST_VERSION, basic, body, openBench } from './testing.ts';

describe('management API: hostile input and access control', () => {
  let bench: Bench;
  const repo = encodeURIComponent('team/app');
  const labels = () => `/api/v1/repositories/${repo}/artifacts/${bench.image}/labels`;

  before(async () => {
    bench = await openBench();
  });
  after(async () => bench?.close());

  function assertError(response: { statusCode: number; json(): unknown }, status: number, name: string, message?: RegExp): void {
    assert.equal(response.statusCode, status, JSON.stringify(response.json()));
    const { error } = response.json() as { error: { code: number; status: string; message: string } };
    assert.equal(error.code, status);
    assert.equal(error.status, name);
    if (message !== undefined) assert.match(error.message, message);
  }

  it('refuses malformed, non-object, oversized and wrongly typed bodies', async () => {
    const url = `${labels()}/team`;
    const json = { 'content-type': 'application/json' };
    assertError(await bench.as('alice', { method: 'PUT', url, headers: json, payload: '{"value": "x"' }), 400, 'INVALID_ARGUMENT', /not valid JSON/);
    assertError(await bench.as('alice', { method: 'PUT', url, headers: json, payload: '["x"]' }), 400, 'INVALID_ARGUMENT', /JSON object/);
    assertError(await bench.as('alice', { method: 'PUT', url, headers: json, payload: JSON.stringify({ value: 'x'.repeat(2 * 1024 * 1024) }) }), 413, 'PAYLOAD_TOO_LARGE');
    assertError(await bench.as('alice', { method: 'PUT', url, headers: { 'content-type': 'text/plain' }, payload: 'x' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    assertError(await bench.as('alice', { method: 'PUT', url, payload: { value: 7 } }), 400, 'INVALID_ARGUMENT', /label team/);
    const deep = `{"value":${'['.repeat(400_000)}${']'.repeat(400_000)}}`;
    assertError(await bench.as('alice', { method: 'PUT', url, headers: json, payload: deep }), 400, 'INVALID_ARGUMENT', /label team/);
    assert.deepEqual(bench.policy.labels(bench.image), {}, 'nothing was stored');
  });

  it('refuses unknown fields and unknown or repeated query parameters by name', async () => {
    assertError(await bench.as('alice', { method: 'PUT', url: `${labels()}/team`, payload: { value: 'x', colour: 'red' } }), 400, 'INVALID_ARGUMENT', /unknown field "colour"/);
    assertError(await bench.as('alice', { method: 'PUT', url: '/api/v1/projects/team/pull-policy', payload: { minSeverity: 'HIGH', blockUnscaned: true } }), 400, 'INVALID_ARGUMENT', /blockUnscaned/);
    assertError(await bench.as('alice', { url: '/api/v1/repositories?projct=team' }), 400, 'INVALID_ARGUMENT', /projct/);
    assertError(await bench.as('alice', { url: '/api/v1/repositories?n=1&n=2' }), 400, 'INVALID_ARGUMENT', /once/);
  });

  it('refuses label values with control characters or malformed Unicode, and bad keys', async () => {
    assertError(await bench.as('alice', { method: 'PUT', url: `${labels()}/team`, headers: { 'content-type': 'application/json' }, payload: '{"value":"a\\ud800b"}' }), 400, 'INVALID_ARGUMENT');
    assertError(await bench.as('alice', { method: 'PUT', url: `${labels()}/team`, payload: { value: 'line\nforged' } }), 400, 'INVALID_ARGUMENT');
    assertError(await bench.as('alice', { method: 'PUT', url: `${labels()}/Team!`, payload: { value: 'x' } }), 400, 'INVALID_ARGUMENT', /label key/);
    const bytes = Buffer.concat([Buffer.from('{"value":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    const badUtf8 = await bench.as('alice', { method: 'PUT', url: `${labels()}/team`, headers: { 'content-type': 'application/json' }, payload: bytes });
    assertError(badUtf8, 400, 'INVALID_ARGUMENT', /UTF-8/);
    assert.deepEqual(bench.policy.labels(bench.image), {});
  });

  it('refuses bad digests, path tricks in repository names and unknown artifacts', async () => {
    assertError(await bench.as('alice', { url: `/api/v1/repositories/${repo}/artifacts/sha256:xyz` }), 400, 'INVALID_ARGUMENT', /invalid digest/);
    assertError(await bench.as('alice', { url: `/api/v1/repositories/${repo}/artifacts/md5:${'a'.repeat(32)}/scan` }), 400, 'INVALID_ARGUMENT');
    for (const name of ['..%2F..%2Fetc', 'team%2F..%2Fapp', '%2Fteam%2Fapp', 'team%2Fapp%2F', 'Team%2FApp', '%00']) {
      assertError(await bench.as('alice', { url: `/api/v1/repositories/${name}/artifacts` }), 400, 'INVALID_ARGUMENT', /invalid repository name/);
    }
    assertError(await bench.as('alice', { url: `/api/v1/repositories/${repo}/artifacts/sha256:${'0'.repeat(64)}` }), 404, 'NOT_FOUND');
    assertError(await bench.as('alice', { url: '/api/v1/projects/..%2Fteam/pull-policy' }), 400, 'INVALID_ARGUMENT', /project/);
  });

  it('pages: caps an absurd n, refuses n that is not a positive whole number', async () => {
    const capped = await bench.as('alice', { url: '/api/v1/repositories?n=999999999999999' });
    assert.equal(capped.statusCode, 200);
    for (const n of ['-1', '0', 'abc', '1e3', '9'.repeat(40)]) {
      assertError(await bench.as('alice', { url: `/api/v1/repositories?n=${n}` }), 400, 'INVALID_ARGUMENT', /n must/);
    }
    assertError(await bench.as('alice', { url: `/api/v1/audit?last=${'x'.repeat(10)}` }), 400, 'INVALID_ARGUMENT', /seq/);
  });

  it('answers 401 with a challenge to anonymous callers and to bad passwords', async () => {
    const anonymous = await bench.as(undefined, { url: `/api/v1/repositories/${repo}/artifacts` });
    assertError(anonymous, 401, 'UNAUTHENTICATED');
    assert.match(String(anonymous.headers['www-authenticate']), /^Basic/);
    const wrong = await bench.app.inject({ url: '/api/v1/users', headers: { authorization: basic('alice', 'not the password') } });
    assertError(wrong, 401, 'UNAUTHENTICATED');
    assertError(await bench.as(undefined, { url: '/api/v1/projects/team/pull-policy' }), 401, 'UNAUTHENTICATED');
    assertError(await bench.as(undefined, { url: '/api/v1/system/info' }), 401, 'UNAUTHENTICATED');
  });

  it('answers 403 to wrong roles: reads need pull, changes need maintainer, accounts and audit need admin', async () => {
    assertError(await bench.as('dave', { url: `/api/v1/repositories/${repo}/artifacts` }), 403, 'PERMISSION_DENIED');
    assertError(await bench.as('dave', { url: `/api/v1/repositories/${repo}/artifacts/${bench.image}/scan` }), 403, 'PERMISSION_DENIED');
    assertError(await bench.as('bob', { method: 'PUT', url: '/api/v1/projects/team/pull-policy', payload: { minSeverity: 'LOW' } }), 403, 'PERMISSION_DENIED');
    assertError(await bench.as('bob', { method: 'POST', url: '/api/v1/projects/team/exceptions', payload: { vulnerability: 'CVE-2024-37890', repository: 'team/app', reason: 'r', owner: 'o', expires: '1d' } }), 403, 'PERMISSION_DENIED');
    assertError(await bench.as('carol', { method: 'POST', url: '/api/v1/projects/team/exceptions', payload: { vulnerability: 'CVE-2024-37890', digest: bench.image, reason: 'r', owner: 'o', expires: '1d' } }), 403, 'PERMISSION_DENIED', /administrator/);
    assertError(await bench.as('carol', { method: 'PUT', url: '/api/v1/projects/team/members/dave', payload: { role: 'admin' } }), 403, 'PERMISSION_DENIED', /admin role/);
    assertError(await bench.as('dave', { url: '/api/v1/projects/team/members' }), 403, 'PERMISSION_DENIED');
    for (const url of ['/api/v1/users', '/api/v1/robots', '/api/v1/audit', '/api/v1/audit/verify']) assertError(await bench.as('carol', { url }), 403, 'PERMISSION_DENIED');
    assertError(await bench.as('carol', { method: 'POST', url: '/api/v1/users', payload: { name: 'mallory', password: 'x'.repeat(20), admin: true } }), 403, 'PERMISSION_DENIED');
    assert.equal(bench.fixture.store.getUser('mallory'), undefined);
    assert.equal(bench.policy.gate('team'), undefined, 'refused changes changed nothing');
  });

  it('a bearer token never carries administration', async () => {
    const token = await bench.app.inject({ url: '/token?service=registry.test&scope=repository:team/app:pull', headers: { authorization: basic('alice') } });
    assert.equal(token.statusCode, 200, token.body);
    const bearer = { authorization: `Bearer ${body(token).token}` };
    assert.equal((await bench.app.inject({ url: `/api/v1/repositories/${repo}/tags`, headers: bearer })).statusCode, 200, 'the token reads what it grants');
    assertError(await bench.app.inject({ url: '/api/v1/users', headers: bearer }), 403, 'PERMISSION_DENIED');
    assertError(await bench.app.inject({ method: 'DELETE', url: `/api/v1/repositories/${repo}`, headers: bearer }), 403, 'PERMISSION_DENIED');
  });

  it('without access control: registry routes serve the local admin, account routes explain there are none', async () => {
    const open = build({
      registry: bench.registry.registry,
      authorize: allowAll,
      extensions: [registerManagementApi({ registry: bench.registry.registry, scanner: bench.scanner, policy: bench.policy, version: TEST_VERSION })],
    });
    try {
      assert.equal((await open.inject({ url: `/api/v1/repositories/${repo}/tags` })).statusCode, 200);
      assertError(await open.inject({ url: '/api/v1/users' }), 400, 'FAILED_PRECONDITION', /without access control/);
      assertError(await open.inject({ url: '/api/v1/audit' }), 400, 'FAILED_PRECONDITION');
    } finally {
      await open.close();
    }
  });
});
