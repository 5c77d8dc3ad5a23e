import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { createLogger } from '../core/index.ts';
import { OCI_INDEX, OCI_MANIFEST } from '../oci/index.ts';
import { RegistryError } from '../registry/index.ts';
import { type TestRegistry, manifestBytes, openTestRegistry, pushImage, sha256 } from '../registry/testing.ts';
import { build } from './app.ts';
import { type AccessRequest, allowAll } from './authorize.ts';

function errorCode(body: string): string | undefined {
  const parsed = JSON.parse(body) as { errors?: Array<{ code?: string }> };
  return parsed.errors?.[0]?.code;
}

describe('distribution API over HTTP', () => {
  let test: TestRegistry;
  let app: FastifyInstance;
  beforeEach(async () => {
    test = await openTestRegistry();
    app = build({ registry: test.registry, authorize: allowAll });
  });
  afterEach(async () => {
    await app.close();
    await test.close();
  });

  async function expectError(request: InjectOptions, status: number, code: string) {
    const response = await app.inject(request);
    assert.equal(response.statusCode, status, response.body);
    assert.equal(errorCode(response.body), code);
    assert.match(String(response.headers['content-type']), /^application\/json/);
    return response;
  }

  it('answers the base endpoint with the API version header', async () => {
    const response = await app.inject({ method: 'GET', url: '/v2/' });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['docker-distribution-api-version'], 'registry/2.0');
  });

  it('pushes a blob in chunks, reports progress, and serves it whole and in ranges', async () => {
    const started = await app.inject({ method: 'POST', url: '/v2/team/app/blobs/uploads/' });
    assert.equal(started.statusCode, 202);
    const location = String(started.headers.location);
    assert.match(location, /^\/v2\/team\/app\/blobs\/uploads\/[0-9a-f-]{36}$/);
    const first = await app.inject({ method: 'PATCH', url: location, payload: 'hello ', headers: { 'content-type': 'application/octet-stream', 'content-range': '0-5' } });
    assert.equal(first.statusCode, 202);
    assert.equal(first.headers.range, '0-5');
    const wrong = await expectError({ method: 'PATCH', url: location, payload: 'again', headers: { 'content-range': '0-4' } }, 416, 'RANGE_INVALID');
    assert.equal(wrong.headers.range, '0-5');
    assert.equal(wrong.headers.location, location);
    const status = await app.inject({ method: 'GET', url: location });
    assert.equal(status.statusCode, 204);
    assert.equal(status.headers.range, '0-5');
    const digest = sha256('hello world');
    const done = await app.inject({ method: 'PUT', url: `${location}?digest=${digest}`, payload: 'world', headers: { 'content-type': 'application/octet-stream' } });
    assert.equal(done.statusCode, 201, done.body);
    assert.equal(done.headers['docker-content-digest'], digest);
    const whole = await app.inject({ method: 'GET', url: `/v2/team/app/blobs/${digest}` });
    assert.equal(whole.body, 'hello world');
    const head = await app.inject({ method: 'HEAD', url: `/v2/team/app/blobs/${digest}` });
    assert.equal(head.headers['content-length'], '11');
    const part = await app.inject({ method: 'GET', url: `/v2/team/app/blobs/${digest}`, headers: { range: 'bytes=6-' } });
    assert.equal(part.statusCode, 206);
    assert.equal(part.body, 'world');
    assert.equal(part.headers['content-range'], 'bytes 6-10/11');
    await expectError({ method: 'GET', url: `/v2/team/app/blobs/${digest}`, headers: { range: 'bytes=20-30' } }, 416, 'RANGE_INVALID');
  });

  it('pushes a manifest with the OCI-Subject header and lists referrers', async () => {
    const image = await pushImage(test.registry, 'app', 'v1', 'x');
    const size = (await test.registry.manifests.get('app', image.digest)).size;
    const artifact = manifestBytes(image.config, [], { artifactType: 'application/example', subject: { mediaType: OCI_MANIFEST, digest: image.digest, size } });
    const put = await app.inject({ method: 'PUT', url: `/v2/app/manifests/${sha256(artifact)}`, payload: artifact, headers: { 'content-type': OCI_MANIFEST } });
    assert.equal(put.statusCode, 201, put.body);
    assert.equal(put.headers['oci-subject'], image.digest);
    const referrers = await app.inject({ method: 'GET', url: `/v2/app/referrers/${image.digest}?artifactType=application/example` });
    assert.equal(referrers.statusCode, 200);
    assert.equal(referrers.headers['content-type'], OCI_INDEX);
    assert.equal(referrers.headers['oci-filters-applied'], 'artifactType');
    assert.deepEqual((JSON.parse(referrers.body) as { manifests: Array<{ digest: string }> }).manifests.map((entry) => entry.digest), [sha256(artifact)]);
    const manifest = await app.inject({ method: 'GET', url: '/v2/app/manifests/v1' });
    assert.equal(manifest.headers['content-type'], OCI_MANIFEST);
    assert.equal(manifest.headers['docker-content-digest'], image.digest);
    assert.equal(sha256(manifest.rawPayload), image.digest);
  });

  it('paginates tags with a Link header and refuses absurd n values', async () => {
    const image = await pushImage(test.registry, 'app', 'a', 'x');
    const bytes = (await test.registry.manifests.get('app', image.digest)).content;
    for (const tag of ['b', 'c']) await test.registry.manifests.put('app', tag, bytes, OCI_MANIFEST);
    const page = await app.inject({ method: 'GET', url: '/v2/app/tags/list?n=2' });
    assert.deepEqual(JSON.parse(page.body), { name: 'app', tags: ['a', 'b'] });
    assert.equal(page.headers.link, '</v2/app/tags/list?n=2&last=b>; rel="next"');
    const rest = await app.inject({ method: 'GET', url: '/v2/app/tags/list?n=2&last=b' });
    assert.deepEqual(JSON.parse(rest.body), { name: 'app', tags: ['c'] });
    assert.equal(rest.headers.link, undefined);
    const huge = await app.inject({ method: 'GET', url: '/v2/app/tags/list?n=999999999999' });
    assert.equal(huge.statusCode, 200, 'a large n is capped, not an error');
    await expectError({ method: 'GET', url: '/v2/app/tags/list?n=-1' }, 400, 'PAGINATION_NUMBER_INVALID');
    await expectError({ method: 'GET', url: `/v2/app/tags/list?n=${'9'.repeat(400)}` }, 400, 'PAGINATION_NUMBER_INVALID');
    await expectError({ method: 'GET', url: '/v2/_catalog?n=1e9' }, 400, 'PAGINATION_NUMBER_INVALID');
    await expectError({ method: 'GET', url: '/v2/nothing/tags/list' }, 404, 'NAME_UNKNOWN');
  });

  it('refuses hostile repository names before touching storage', async () => {
    for (const name of ['A/Upper', 'a//b', 'a/%2F/b', 'a b', '_catalog/x', `${'a'.repeat(300)}`, '-a']) {
      await expectError({ method: 'GET', url: `/v2/${name}/tags/list` }, 400, 'NAME_INVALID');
      await expectError({ method: 'POST', url: `/v2/${name}/blobs/uploads/` }, 400, 'NAME_INVALID');
    }
    // inject() resolves dot segments as any URL parser does (raw paths are tested against a real
    // server in test/registry-clients.test.ts): they must still end in an error, never in storage.
    for (const name of ['a/../../etc', '..', '%2e%2e/x']) {
      const response = await app.inject({ method: 'POST', url: `/v2/${name}/blobs/uploads/` });
      assert.ok([400, 404].includes(response.statusCode), `${name}: ${response.statusCode}`);
    }
    await expectError({ method: 'GET', url: `/v2/${'a/'.repeat(600)}b/tags/list` }, 400, 'NAME_INVALID');
    assert.deepEqual(await test.registry.catalog({}), []);
  });

  it('refuses oversized, invalid and dangling manifests with the spec codes, storing nothing', async () => {
    const image = await pushImage(test.registry, 'app', 'v1', 'x');
    const headers = { 'content-type': OCI_MANIFEST };
    await expectError({ method: 'PUT', url: '/v2/app/manifests/big', payload: Buffer.alloc(4 * 1024 * 1024 + 1, 0x20), headers }, 413, 'MANIFEST_TOO_LARGE');
    await expectError({ method: 'PUT', url: '/v2/app/manifests/bad', payload: '{"schemaVersion": 2, "config": ', headers }, 400, 'MANIFEST_INVALID');
    await expectError({ method: 'PUT', url: '/v2/app/manifests/bad', payload: Buffer.from([0xc3, 0x28]), headers }, 400, 'MANIFEST_INVALID');
    const dangling = manifestBytes(image.config, [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256('missing'), size: 7 }]);
    const missing = await expectError({ method: 'PUT', url: '/v2/app/manifests/bad', payload: dangling, headers }, 404, 'MANIFEST_BLOB_UNKNOWN');
    assert.match(missing.body, new RegExp(sha256('missing')));
    await expectError({ method: 'PUT', url: `/v2/app/manifests/${sha256('something else')}`, payload: dangling, headers }, 400, 'DIGEST_INVALID');
    await expectError({ method: 'PUT', url: '/v2/app/manifests/bad:tag', payload: dangling, headers }, 400, 'MANIFEST_INVALID');
    await expectError({ method: 'GET', url: '/v2/app/manifests/.not-a-tag' }, 404, 'MANIFEST_UNKNOWN');
    assert.deepEqual(await test.registry.manifests.tags('app', {}), ['v1']);
  });

  it('refuses blob uploads with a wrong digest, a bad Content-Range or an unknown upload id', async () => {
    const digest = sha256('expected');
    await expectError({ method: 'POST', url: `/v2/app/blobs/uploads/?digest=${digest}`, payload: 'actual', headers: { 'content-type': 'application/octet-stream' } }, 400, 'DIGEST_INVALID');
    const head = await app.inject({ method: 'HEAD', url: `/v2/app/blobs/${digest}` });
    assert.equal(head.statusCode, 404);
    assert.equal(head.body, '', 'HEAD answers carry no body');
    const started = await app.inject({ method: 'POST', url: '/v2/app/blobs/uploads/' });
    const location = String(started.headers.location);
    await expectError({ method: 'PATCH', url: location, payload: 'x', headers: { 'content-range': 'bytes=a-b' } }, 416, 'RANGE_INVALID');
    await expectError({ method: 'PUT', url: location }, 400, 'DIGEST_INVALID');
    await expectError({ method: 'PUT', url: `${location}?digest=sha256:abc` }, 400, 'DIGEST_INVALID');
    await expectError({ method: 'GET', url: '/v2/app/blobs/uploads/../../../etc/passwd' }, 404, 'NAME_UNKNOWN');
    await expectError({ method: 'GET', url: '/v2/app/blobs/uploads/not-a-uuid' }, 404, 'BLOB_UPLOAD_UNKNOWN');
    await expectError({ method: 'GET', url: '/v2/other/blobs/uploads/' + location.split('/').pop() }, 404, 'BLOB_UPLOAD_UNKNOWN');
    await expectError({ method: 'GET', url: '/v2/app/blobs/not-a-digest' }, 404, 'BLOB_UNKNOWN');
    await expectError({ method: 'DELETE', url: '/v2/_catalog' }, 415, 'UNSUPPORTED');
  });

  it('mounts a blob across repositories, asking for pull access on the source', async () => {
    const asked: AccessRequest[] = [];
    const guarded = build({ registry: test.registry, authorize: (_request, access) => void asked.push(access) });
    try {
      const image = await pushImage(test.registry, 'source', 'v1', 'x');
      const mounted = await guarded.inject({ method: 'POST', url: `/v2/target/blobs/uploads/?mount=${image.layer.digest}&from=source` });
      assert.equal(mounted.statusCode, 201);
      assert.equal(mounted.headers.location, `/v2/target/blobs/${image.layer.digest}`);
      assert.deepEqual(asked, [{ repository: 'target', actions: ['pull', 'push'] }, { repository: 'source', actions: ['pull'] }]);
      const fallback = await guarded.inject({ method: 'POST', url: `/v2/target/blobs/uploads/?mount=${sha256('unknown')}&from=source` });
      assert.equal(fallback.statusCode, 202, 'an unknown blob falls back to a new upload');
    } finally {
      await guarded.close();
    }
  });

  it('logs one line per request without query strings or headers', async () => {
    const lines: string[] = [];
    const logged = build({ registry: test.registry, authorize: allowAll, logger: createLogger('info', (line) => lines.push(line)) });
    try {
      await logged.inject({ method: 'GET', url: '/v2/app/tags/list?n=1&token=s3cret', headers: { authorization: 'Bearer s3cret' } });
      assert.equal(lines.length, 1);
      assert.match(lines[0] ?? '', /^INFO\tGET \/v2\/app\/tags\/list 404 /);
      assert.doesNotMatch(lines.join(''), /s3cret/);
    } finally {
      await logged.close();
    }
  });

  it('answers with the error the authorize hook throws, and its challenge header', async () => {
    const guarded = build({
      registry: test.registry,
      authorize: (_request, access) => {
        if (access.actions.includes('push')) {
          throw new RegistryError('UNAUTHORIZED', 'authentication required', { headers: { 'www-authenticate': 'Bearer realm="http://127.0.0.1/token"' } });
        }
      },
    });
    try {
      const response = await guarded.inject({ method: 'POST', url: '/v2/app/blobs/uploads/' });
      assert.equal(response.statusCode, 401);
      assert.equal(errorCode(response.body), 'UNAUTHORIZED');
      assert.equal(response.headers['www-authenticate'], 'Bearer realm="http://127.0.0.1/token"');
      assert.deepEqual(await test.registry.catalog({}), []);
    } finally {
      await guarded.close();
    }
  });
});
