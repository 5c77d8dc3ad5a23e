import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { isPortcullisError } from '../core/index.ts';
import { parseTokenResponse } from '../registry-client/authorizer.ts';
import { parseChallenges } from '../registry-client/www-authenticate.ts';
import { createRobot } from './accounts.ts';
import { loadOrCreateSigningKey } from './keys.ts';
import { LoginThrottle } from './login-throttle.ts';
import { AuthService } from './service.ts';
import { openFixture, PASSWORD, REALM, ROOT, SERVER_SECRET, SERVICE, type Fixture } from './testing/fixture.ts';
import { authenticateRequest, registerTokenRoute, replyDenied, replyUnauthorized } from './token-route.ts';
import { issueToken, verifyToken } from './tokens.ts';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

function tokenUrl(...scopes: string[]): string {
  const params = new URLSearchParams({ service: SERVICE, account: 'ignored', offline_token: 'true' });
  for (const scope of scopes) params.append('scope', scope);
  return `/token?${params}`;
}

/** A registry-like route wired the way the server wires the real ones: authenticate, authorize, 401/403. */
function addProtectedRoute(app: FastifyInstance, fixture: Fixture): void {
  app.get<{ Params: { project: string; name: string } }>('/v2/:project/:name/manifests/latest', async (request, reply) => {
    const repository = `${request.params.project}/${request.params.name}`;
    const scope = [{ type: 'repository', name: repository, actions: ['pull'] }];
    let principal;
    try {
      principal = await authenticateRequest(request, fixture.auth);
    } catch (error) {
      if (isPortcullisError(error) && error.code === 'AUTH') return replyUnauthorized(reply, fixture.auth, scope, error.message, 'invalid_token');
      throw error;
    }
    if (fixture.auth.authorize(principal, { repository, actions: ['pull'], ip: request.ip }).includes('pull')) return reply.send({ ok: repository });
    if (principal.limitTo !== undefined) return replyUnauthorized(reply, fixture.auth, scope, 'token lacks the scope', 'insufficient_scope');
    return principal.kind === 'anonymous' ? replyUnauthorized(reply, fixture.auth, scope) : replyDenied(reply);
  });
}

describe('token endpoint', () => {
  let fixture: Fixture;
  let app: FastifyInstance;

  before(async () => {
    fixture = await openFixture();
    app = Fastify();
    registerTokenRoute(app, { auth: fixture.auth });
    addProtectedRoute(app, fixture);
    await app.ready();
  });
  after(() => app.close());

  async function grantedAccess(authorization: string | undefined, ...scopes: string[]) {
    const response = await app.inject({ method: 'GET', url: tokenUrl(...scopes), headers: authorization === undefined ? {} : { authorization } });
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json() as Record<string, unknown>;
    assert.equal(body.token, body.access_token);
    assert.equal(body.expires_in, 300);
    assert.equal(typeof body.issued_at, 'string');
    assert.equal(response.headers['cache-control'], 'no-store');
    parseTokenResponse(Buffer.from(response.body), 'test');
    const key = await loadOrCreateSigningKey(fixture.store, SERVER_SECRET);
    return verifyToken(String(body.token), key, { issuer: 'portcullis', service: SERVICE });
  }

  it('grants the intersection of requested and permitted actions instead of failing', async () => {
    const { subject, access } = await grantedAccess(basic('bob', PASSWORD), 'repository:team/app:pull,push,delete');
    assert.equal(subject, 'bob');
    assert.deepEqual(access, [{ type: 'repository', name: 'team/app', actions: ['pull', 'push'] }]);
  });

  it('handles several scopes, repeated and space-separated, dropping those with nothing granted', async () => {
    const { access } = await grantedAccess(basic('bob', PASSWORD), 'repository:team/app:pull', 'repository:pub/base:pull,push repository:secret/x:pull', 'registry:catalog:*');
    assert.deepEqual(access, [
      { type: 'repository', name: 'team/app', actions: ['pull'] },
      { type: 'repository', name: 'pub/base', actions: ['pull'] },
    ]);
    const admin = await grantedAccess(basic('alice', PASSWORD), 'registry:catalog:*', 'repository:anything/new:push');
    assert.deepEqual(admin.access, [
      { type: 'registry', name: 'catalog', actions: ['*'] },
      { type: 'repository', name: 'anything/new', actions: ['push'] },
    ]);
  });

  it('gives anonymous clients pull on public projects only', async () => {
    const { subject, access } = await grantedAccess(undefined, 'repository:pub/base:pull,push', 'repository:team/app:pull');
    assert.equal(subject, '');
    assert.deepEqual(access, [{ type: 'repository', name: 'pub/base', actions: ['pull'] }]);
  });

  it('logs robots in with their secret', async () => {
    const { login, secret } = createRobot(fixture.store, ROOT, { name: 'deployer', scopes: [{ pattern: 'team/*', actions: ['pull'] }] });
    const { subject, access } = await grantedAccess(basic(login, secret), 'repository:team/app:pull,push');
    assert.equal(subject, 'robot$deployer');
    assert.deepEqual(access, [{ type: 'repository', name: 'team/app', actions: ['pull'] }]);
  });

  it('answers a wrong password with 401 and a Basic challenge, and audits it', async () => {
    const response = await app.inject({ method: 'GET', url: tokenUrl('repository:team/app:pull'), headers: { authorization: basic('bob', 'nope') } });
    assert.equal(response.statusCode, 401);
    assert.deepEqual(parseChallenges(String(response.headers['www-authenticate']), 'test'), [{ scheme: 'basic', params: { realm: REALM } }]);
    assert.equal((response.json() as { errors: { code: string }[] }).errors[0]?.code, 'UNAUTHORIZED');
    const last = fixture.store.readAudit(0, 10_000).at(-1);
    assert.deepEqual([last?.actor, last?.action, last?.outcome], ['bob', 'login.failed', 'failed']);
  });

  it('answers 429 once a name has failed too often from one address', async () => {
    const throttled = Fastify();
    const auth = await AuthService.open({ store: fixture.store, serverSecret: SERVER_SECRET, service: SERVICE, realm: REALM, throttle: new LoginThrottle({ maxFailures: 1 }) });
    registerTokenRoute(throttled, { auth });
    const attempt = (password: string) => throttled.inject({ method: 'GET', url: tokenUrl(), headers: { authorization: basic('carol', password) } });
    assert.equal((await attempt('wrong')).statusCode, 401);
    const locked = await attempt(PASSWORD);
    assert.equal(locked.statusCode, 429);
    assert.equal((locked.json() as { errors: { code: string }[] }).errors[0]?.code, 'TOOMANYREQUESTS');
    await throttled.close();
  });

  it('answers malformed credentials with 401, never a crash', async () => {
    const headers = ['Basic !!!', 'Basic bm9jb2xvbg==', `Basic ${Buffer.from([0xc3, 0x28, 0x3a, 0x78]).toString('base64')}`, 'Bearer abc', 'Negotiate xyz', `Basic ${'QUFB'.repeat(5000)}`];
    for (const authorization of headers) {
      const response = await app.inject({ method: 'GET', url: tokenUrl('repository:team/app:pull'), headers: { authorization } });
      assert.equal(response.statusCode, 401, authorization.slice(0, 30));
      assert.match(String(response.headers['www-authenticate']), /^Basic realm=/);
    }
  });

  it('answers malformed, oversized and unicode scopes and a foreign service with 400', async () => {
    const urls = [
      tokenUrl('repository:team/app'),
      tokenUrl(`repository:${'a'.repeat(100_000)}:pull`),
      tokenUrl(Array.from({ length: 100 }, (_, i) => `repository:r${i}:pull`).join(' ')),
      tokenUrl('repository:t\u00e9am/app:pull'),
      tokenUrl('repository:team/../etc:pull'),
      '/token?service=evil.example&scope=repository:team/app:pull',
    ];
    for (const url of urls) {
      const response = await app.inject({ method: 'GET', url, headers: { authorization: basic('bob', PASSWORD) } });
      assert.equal(response.statusCode, 400, url.slice(0, 60));
      assert.equal((response.json() as { errors: { code: string }[] }).errors[0]?.code, 'DENIED');
    }
  });

  it('issues a token with no access when no scope is asked (docker login)', async () => {
    const response = await app.inject({ method: 'GET', url: `/token?service=${SERVICE}`, headers: { authorization: basic('dave', PASSWORD) } });
    assert.equal(response.statusCode, 200);
  });

  it('accepts the OAuth2 password grant on POST, as containerd sends it', async () => {
    const form = (fields: Record<string, string>) => ({ method: 'POST' as const, url: '/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(fields).toString() });
    const ok = await app.inject(form({ grant_type: 'password', username: 'bob', password: PASSWORD, service: SERVICE, client_id: 'containerd', scope: 'repository:team/app:pull,delete' }));
    assert.equal(ok.statusCode, 200, ok.body);
    const body = ok.json() as { access_token: string; scope: string };
    assert.equal(body.scope, 'repository:team/app:pull,delete');
    const key = await loadOrCreateSigningKey(fixture.store, SERVER_SECRET);
    assert.deepEqual((await verifyToken(body.access_token, key, { issuer: 'portcullis', service: SERVICE })).access, [{ type: 'repository', name: 'team/app', actions: ['pull'] }]);

    assert.equal((await app.inject(form({ grant_type: 'password', username: 'bob', password: 'wrong', service: SERVICE }))).statusCode, 401);
    assert.equal((await app.inject(form({ grant_type: 'refresh_token', refresh_token: 'x', service: SERVICE }))).statusCode, 401);
    assert.equal((await app.inject(form({ grant_type: 'password', username: 'bob', password: PASSWORD, scope: 'repository:BAD:pull' }))).statusCode, 400);
    const json = await app.inject({ method: 'POST', url: '/token', headers: { 'content-type': 'application/json' }, payload: '{}' });
    assert.equal(json.statusCode, 400);
    const huge = await app.inject(form({ grant_type: 'password', username: 'bob', password: 'x'.repeat(100_000) }));
    assert.equal(huge.statusCode, 413);
  });

  it('rejects expired, foreign-audience and foreign-issuer tokens on registry routes with invalid_token', async () => {
    const key = await loadOrCreateSigningKey(fixture.store, SERVER_SECRET);
    const access = [{ type: 'repository', name: 'team/app', actions: ['pull'] }];
    const settings = { issuer: 'portcullis', service: SERVICE };
    const tokens = [
      (await issueToken(key, settings, 'bob', access, new Date(Date.now() - 3_600_000))).token,
      (await issueToken(key, { ...settings, service: 'other.registry' }, 'bob', access)).token,
      (await issueToken(key, { ...settings, issuer: 'elsewhere' }, 'bob', access)).token,
    ];
    const fresh = (await issueToken(key, settings, 'bob', access)).token;
    const accepted = await app.inject({ method: 'GET', url: '/v2/team/app/manifests/latest', headers: { authorization: `Bearer ${fresh}` } });
    assert.equal(accepted.statusCode, 200, 'the same key and claims pass when nothing is wrong');
    for (const token of tokens) {
      const response = await app.inject({ method: 'GET', url: '/v2/team/app/manifests/latest', headers: { authorization: `Bearer ${token}` } });
      assert.equal(response.statusCode, 401);
      assert.equal(parseChallenges(String(response.headers['www-authenticate']), 'test')[0]?.params.error, 'invalid_token');
    }
  });

  it('drives the whole flow over real HTTP: 401 challenge, token, retry with bearer', async () => {
    const server = Fastify();
    registerTokenRoute(server, { auth: fixture.auth });
    addProtectedRoute(server, fixture);
    await server.listen({ host: '127.0.0.1', port: 0 });
    try {
      const base = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
      const first = await fetch(`${base}/v2/team/app/manifests/latest`);
      assert.equal(first.status, 401);
      const [challenge] = parseChallenges(first.headers.get('www-authenticate') ?? '', 'test');
      assert.deepEqual(challenge?.params, { realm: REALM, service: SERVICE, scope: 'repository:team/app:pull' });
      const tokenResponse = await fetch(`${base}/token?service=${challenge?.params.service}&scope=${challenge?.params.scope}`, { headers: { authorization: basic('bob', PASSWORD) } });
      const { token } = parseTokenResponse(Buffer.from(await tokenResponse.arrayBuffer()), 'test');
      const second = await fetch(`${base}/v2/team/app/manifests/latest`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(second.status, 200);
      assert.deepEqual(await second.json(), { ok: 'team/app' });
      const elsewhere = await fetch(`${base}/v2/ops/tool/manifests/latest`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(elsewhere.status, 401, 'a token for team/app does not open ops/tool');
      assert.equal(parseChallenges(elsewhere.headers.get('www-authenticate') ?? '', 'test')[0]?.params.error, 'insufficient_scope');
      const direct = await fetch(`${base}/v2/team/app/manifests/latest`, { headers: { authorization: basic('bob', PASSWORD) } });
      assert.equal(direct.status, 200, 'basic auth directly on /v2/');
      const denied = await fetch(`${base}/v2/team/app/manifests/latest`, { headers: { authorization: basic('dave', PASSWORD) } });
      assert.equal(denied.status, 403);
      const tampered = await fetch(`${base}/v2/team/app/manifests/latest`, { headers: { authorization: `Bearer ${token.slice(0, -4)}AAAA` } });
      assert.equal(tampered.status, 401);
      assert.equal(parseChallenges(tampered.headers.get('www-authenticate') ?? '', 'test')[0]?.params.error, 'invalid_token');
    } finally {
      await server.close();
    }
  });
});
