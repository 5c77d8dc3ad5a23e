/**
 * The access-control hook in process: build() with an AuthService (the auth test fixture's accounts)
 * over a real registry in a temporary directory, driven with inject().
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { setMember } from '../auth/index.ts';
import { type Fixture, openFixture, PASSWORD, ROOT, SERVICE } from '../auth/testing/fixture.ts';
import { type TestRegistry, openTestRegistry, pushImage } from '../registry/testing.ts';
import { build } from './app.ts';

const basic = (user: string, password = PASSWORD) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

function errorCode(body: string): string | undefined {
  return (JSON.parse(body) as { errors?: Array<{ code?: string }> }).errors?.[0]?.code;
}

describe('registry access control (in process)', () => {
  let test: TestRegistry;
  let fixture: Fixture;
  let app: FastifyInstance;
  beforeEach(async () => {
    test = await openTestRegistry();
    fixture = await openFixture();
    app = build({ registry: test.registry, auth: fixture.auth });
  });
  afterEach(async () => {
    await app.close();
    await test.close();
  });

  async function tokenFor(user: string, scope: string): Promise<string> {
    const response = await app.inject({ method: 'GET', url: `/token?service=${SERVICE}&scope=${encodeURIComponent(scope)}`, headers: { authorization: basic(user) } });
    assert.equal(response.statusCode, 200, response.body);
    return (JSON.parse(response.body) as { token: string }).token;
  }

  it('answers an unauthenticated push with 401 and the Bearer challenge for its scope, and stores nothing', async () => {
    const response = await app.inject({ method: 'POST', url: '/v2/team/app/blobs/uploads/' });
    assert.equal(response.statusCode, 401);
    assert.equal(errorCode(response.body), 'UNAUTHORIZED');
    assert.equal(response.headers['www-authenticate'], `Bearer realm="http://127.0.0.1/token",service="${SERVICE}",scope="repository:team/app:pull,push"`);
    const base = await app.inject({ method: 'GET', url: '/v2/' });
    assert.equal(base.statusCode, 401, 'the base endpoint tells anonymous clients where to log in');
    assert.match(String(base.headers['www-authenticate']), /^Bearer realm=/);
    const catalog = await app.inject({ method: 'GET', url: '/v2/_catalog', headers: { authorization: basic('alice') } });
    assert.deepEqual(catalog.json(), { repositories: [] });
  });

  it('lets a developer push with a token and with basic credentials', async () => {
    const token = await tokenFor('bob', 'repository:team/app:pull,push');
    const withToken = await app.inject({ method: 'POST', url: '/v2/team/app/blobs/uploads/', headers: { authorization: `Bearer ${token}` } });
    assert.equal(withToken.statusCode, 202, withToken.body);
    const withBasic = await app.inject({ method: 'POST', url: '/v2/team/app/blobs/uploads/', headers: { authorization: basic('bob') } });
    assert.equal(withBasic.statusCode, 202, withBasic.body);
  });

  it('refuses a guest push with 403 DENIED and the spec error body', async () => {
    setMember(fixture.store, ROOT, 'team', 'dave', 'guest');
    const token = await tokenFor('dave', 'repository:team/app:pull,push');
    const response = await app.inject({ method: 'POST', url: '/v2/team/app/blobs/uploads/', headers: { authorization: `Bearer ${token}` } });
    assert.equal(response.statusCode, 403);
    const body = JSON.parse(response.body) as { errors: Array<{ code: string; message: string; detail: unknown }> };
    assert.equal(body.errors[0]?.code, 'DENIED');
    assert.deepEqual(body.errors[0]?.detail, [{ Type: 'repository', Name: 'team/app', Action: 'push' }]);
    const denied = fixture.store.readAudit(0, 1000).filter((record) => record.outcome === 'denied' && record.actor === 'dave');
    assert.equal(denied.length, 1);
    assert.equal(denied[0]?.action, 'push');
  });

  it('asks for a new token (insufficient_scope) when the token is narrower than the principal rights', async () => {
    const token = await tokenFor('bob', 'repository:team/app:pull');
    const response = await app.inject({ method: 'POST', url: '/v2/team/app/blobs/uploads/', headers: { authorization: `Bearer ${token}` } });
    assert.equal(response.statusCode, 401);
    assert.match(String(response.headers['www-authenticate']), /error="insufficient_scope"/);
  });

  it('answers bad tokens and wrong passwords with 401 invalid_token and never logs the password', async () => {
    for (const authorization of ['Bearer not.a.jwt', basic('bob', 'wrong-password-123'), 'Basic %%%', 'Negotiate abc']) {
      const response = await app.inject({ method: 'GET', url: '/v2/team/app/tags/list', headers: { authorization } });
      assert.equal(response.statusCode, 401, authorization);
      assert.match(String(response.headers['www-authenticate']), /error="invalid_token"/, authorization);
    }
    const log = JSON.stringify(fixture.store.readAudit(0, 1000));
    assert.match(log, /login\.failed/);
    assert.doesNotMatch(log, /wrong-password-123/);
  });

  it('lets anonymous clients pull from public projects only', async () => {
    await pushImage(test.registry, 'pub/app', 'v1', 'public');
    await pushImage(test.registry, 'team/app', 'v1', 'private');
    const token = (await app.inject({ method: 'GET', url: `/token?service=${SERVICE}&scope=repository:pub/app:pull&scope=repository:team/app:pull` })).json<{ token: string }>().token;
    const pub = await app.inject({ method: 'GET', url: '/v2/pub/app/manifests/v1', headers: { authorization: `Bearer ${token}` } });
    assert.equal(pub.statusCode, 200, pub.body);
    const privateRepo = await app.inject({ method: 'GET', url: '/v2/team/app/manifests/v1', headers: { authorization: `Bearer ${token}` } });
    assert.equal(privateRepo.statusCode, 401, 'an anonymous token without the scope is sent to log in');
    assert.equal(errorCode(privateRepo.body), 'UNAUTHORIZED');
    const noToken = await app.inject({ method: 'GET', url: '/v2/team/app/manifests/v1' });
    assert.equal(noToken.statusCode, 401);
    const pull = fixture.store.readAudit(0, 1000).find((record) => record.action === 'pull' && record.outcome === 'ok');
    assert.equal(pull?.actor, 'anonymous');
    assert.match(pull?.target ?? '', /^pub\/app:v1@sha256:[0-9a-f]{64}$/);
  });

  it('mounts only from repositories the principal may pull, else starts a plain upload', async () => {
    const image = await pushImage(test.registry, 'secret/app', 'v1', 'hidden');
    const url = `/v2/team/app/blobs/uploads/?mount=${image.layer.digest}&from=secret/app`;
    const asDeveloper = await app.inject({ method: 'POST', url, headers: { authorization: basic('bob') } });
    assert.equal(asDeveloper.statusCode, 202, 'no pull on secret/app: a new upload, nothing mounted');
    const blob = await app.inject({ method: 'HEAD', url: `/v2/team/app/blobs/${image.layer.digest}`, headers: { authorization: basic('bob') } });
    assert.equal(blob.statusCode, 404);
    const asAdmin = await app.inject({ method: 'POST', url, headers: { authorization: basic('alice') } });
    assert.equal(asAdmin.statusCode, 201, asAdmin.body);
  });

  it('keeps the catalog to system admins', async () => {
    const asAdmin = await app.inject({ method: 'GET', url: '/v2/_catalog', headers: { authorization: basic('alice') } });
    assert.equal(asAdmin.statusCode, 200, asAdmin.body);
    const asDeveloper = await app.inject({ method: 'GET', url: '/v2/_catalog', headers: { authorization: basic('bob') } });
    assert.equal(asDeveloper.statusCode, 403);
  });

  it('throttles repeated failed basic logins with 429 TOOMANYREQUESTS', async () => {
    let last = 0;
    for (let attempt = 0; attempt < 11; attempt++) {
      const response = await app.inject({ method: 'GET', url: '/v2/', headers: { authorization: basic('carol', `wrong-${attempt}`) } });
      last = response.statusCode;
      if (attempt < 10) assert.equal(response.statusCode, 401);
      else assert.equal(errorCode(response.body), 'TOOMANYREQUESTS');
    }
    assert.equal(last, 429);
  });
});
