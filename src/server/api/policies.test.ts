/**
 * The policies API and the layered decisions it drives, through build() + inject(): access
 * control, hostile bodies, policies that do not load (400 with the loader's position), the audit
 * log, and pulls and admissions decided by the organisation, project and namespace layers.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { admissionExtension } from '../../admission/index.ts';
import { reviewOf } from '../../admission/testing.ts';
import { PASSWORD, openFixture, type Fixture } from '../../auth/testing/fixture.ts';
import { openServePolicy, type ServePolicy } from '../../cli/commands/serve-policy.ts';
import { silentLogger } from '../../core/index.ts';
import { layeredAdmissionPolicy } from '../../policy-store/index.ts';
import { openRegistry, type RegistryService } from '../../registry/index.ts';
import { pushImage } from '../../registry/testing.ts';
import { PullGate, openPolicyStore } from '../../registry-policy/index.ts';
import { RegistryScanner } from '../../registry-scan/index.ts';
import { build } from '../index.ts';

const ORGANISATION_FILE = new URL('../../policy-store/testdata/layers/organisation.yaml', import.meta.url).pathname;
const LOCAL_HOST = '127.0.0.1:5000';

function basic(user: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${user}:${PASSWORD}`).toString('base64')}` };
}

interface TestServer {
  app: FastifyInstance;
  close(): Promise<void>;
}

/** The server wired as `portcullis serve` wires it: policy layers, pull gate and admission. */
async function startServer(fixture: Fixture, work: string, policyFile?: string): Promise<TestServer> {
  const dataDir = await mkdtemp(join(work, 'data-'));
  const registry: RegistryService = await openRegistry({ dataDir });
  const scanner = new RegistryScanner({ registry, dataDir, scanWorkers: 0, watchIntervalMs: 0, toolVersion: 'test' });
  const gates = openPolicyStore(dataDir);
  const layers: ServePolicy = await openServePolicy(policyFile === undefined ? {} : { policy: policyFile }, dataDir, silentLogger);
  const pullGate = new PullGate({ store: gates, scans: scanner, layers: layers.pullLayers });
  const admission = admissionExtension({ policy: layeredAdmissionPolicy(layers.layers), registry, scanner, labels: gates, localHosts: [LOCAL_HOST] });
  const app = build({ registry, auth: fixture.auth, pullGate, extensions: [layers.extension, admission] });
  await app.ready();
  await pushImage(registry, 'team/app', '1.0', 'team');
  await pushImage(registry, 'pub/app', '1.0', 'pub');
  return {
    app,
    close: async () => {
      await app.close();
      layers.close();
      gates.close();
      await scanner.close();
      await registry.close();
    },
  };
}

describe('policies API', () => {
  let work: string;
  let fixture: Fixture;
  let server: TestServer;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'portcullis-policies-api-'));
    fixture = await openFixture();
    server = await startServer(fixture, work);
  });
  after(async () => {
    await server?.close();
    fixture?.db.close();
    await rm(work, { recursive: true, force: true });
  });

  const put = (layer: string, user: string | undefined, body: string | Buffer, contentType = 'application/yaml') =>
    server.app.inject({ method: 'PUT', url: `/api/v1/policies/${encodeURIComponent(layer)}`, headers: { ...(user !== undefined && basic(user)), 'content-type': contentType }, payload: body });
  const call = (method: 'GET' | 'DELETE', url: string, user?: string) => server.app.inject({ method, url: `/api/v1${url}`, headers: user === undefined ? {} : basic(user) });
  const pull = (repository: string) => server.app.inject({ method: 'GET', url: `/v2/${repository}/manifests/1.0`, headers: basic('alice') });
  const admit = async (namespace: string): Promise<{ allowed: boolean; status?: { message: string } }> => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'app', namespace }, spec: { containers: [{ name: 'app', image: `${LOCAL_HOST}/team/app:1.0` }] } };
    const answer = await server.app.inject({ method: 'POST', url: '/admission/validate', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(reviewOf(pod)) });
    assert.equal(answer.statusCode, 200, answer.body);
    return (answer.json() as { response: { allowed: boolean; status?: { message: string } } }).response;
  };
  const audited = (target: string) => fixture.store.readAudit(0, 10_000).filter((record) => record.action === 'policy.change' && record.target === target);

  it('lets system admins manage organisation and namespace layers, and project maintainers their project', async () => {
    const allow = 'defaultAdmissionRule:\n  evaluationMode: ALWAYS_ALLOW\n';
    assert.equal((await put('organisation', undefined, allow)).statusCode, 401);
    assert.equal((await put('organisation', 'carol', allow)).statusCode, 403, 'a project maintainer is no system admin');
    assert.equal((await put('namespace:prod', 'carol', allow)).statusCode, 403);
    assert.equal((await put('project:team', 'bob', allow)).statusCode, 403, 'a developer is no maintainer');
    assert.equal((await put('project:ops', 'carol', allow)).statusCode, 403, 'carol maintains team, not ops');
    const stored = await put('project:team', 'carol', allow);
    assert.equal(stored.statusCode, 200, stored.body);
    assert.equal((await call('GET', '/policies/project%3Ateam', 'dave')).body, allow);
    assert.equal(audited('project:team').at(-1)?.actor, 'carol');
    assert.equal((await call('DELETE', '/policies/project%3Ateam', 'bob')).statusCode, 403);
    assert.equal((await call('DELETE', '/policies/project%3Ateam', 'carol')).statusCode, 204);
    assert.equal((await call('GET', '/policies/project%3Ateam', 'carol')).statusCode, 404);
    assert.equal(audited('project:team').at(-1)?.detail.operation, 'delete');
    assert.equal((await call('DELETE', '/policies/project%3Ateam', 'carol')).statusCode, 404, 'nothing left to delete');
  });

  it('answers policies that do not load with 400 and the position, and stores nothing', async () => {
    const before = (await call('GET', '/policies', 'alice')).json() as { revision: string; layers: unknown[] };
    const badMode = await put('namespace:prod', 'alice', 'name: broken\ndefaultAdmissionRule:\n  evaluationMode: SOMETIMES\n');
    assert.equal(badMode.statusCode, 400);
    assert.match(badMode.json().error.message, /namespace:prod:3/);
    const badJson = await put('namespace:prod', 'alice', '{"defaultAdmissionRule": {"evaluationMode": "ALWAYS_ALLOW",\n  "colour": 1}}', 'application/json');
    assert.equal(badJson.statusCode, 400);
    assert.match(badJson.json().error.message, /colour/);
    const hostile: Array<[string, string | Buffer, string?]> = [
      ['truncated', '{"defaultAdmissionRule": {"evaluationMode": '],
      ['empty', ''],
      ['bad UTF-8', Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x3a, 0x20, 0xff, 0xfe, 0x0a])],
      ['not a mapping', '[1, 2, 3]'],
      ['unknown attestor', 'defaultAdmissionRule:\n  evaluationMode: REQUIRE_ATTESTATION\n  requireAttestationsBy: [nobody]\nattestors:\n  - name: nobody\n'],
    ];
    for (const [what, body] of hostile) {
      const answer = await put('namespace:prod', 'alice', body);
      assert.equal(answer.statusCode, 400, `${what}: ${answer.body}`);
      assert.equal(typeof answer.json().error.message, 'string', what);
    }
    const huge = await put('namespace:prod', 'alice', `name: x\n#${'a'.repeat(2 * 1024 * 1024)}\n`);
    assert.equal(huge.statusCode, 413);
    assert.equal((await put('namespace:prod', 'alice', 'a=b', 'text/plain')).statusCode, 415);
    assert.equal((await put('project:..%2Fetc', 'alice', 'name: x\n')).statusCode, 400);
    assert.equal((await put('everyone', 'alice', 'name: x\n')).statusCode, 400);
    assert.deepEqual((await call('GET', '/policies', 'alice')).json(), before, 'nothing changed');
    assert.equal((await call('GET', '/policies/namespace%3Aprod', 'alice')).statusCode, 404);
  });

  it('decides pulls by the organisation and project layers, never by admission rules', async () => {
    assert.equal((await pull('team/app')).statusCode, 200);
    assert.equal((await put('organisation', 'alice', 'defaultAdmissionRule:\n  evaluationMode: ALWAYS_DENY\n')).statusCode, 200);
    assert.equal((await pull('team/app')).statusCode, 200, 'admission rules do not apply to pulls');
    assert.equal((await put('project:team', 'carol', '{"requireScan": true}', 'application/json')).statusCode, 200);
    const refused = await pull('team/app');
    assert.equal(refused.statusCode, 403);
    assert.match(refused.json().errors[0].message, /refused by policy layer project:team/);
    assert.equal((await pull('pub/app')).statusCode, 200, 'another project is not affected');
    assert.equal((await put('organisation', 'alice', 'requireScan: true\n')).statusCode, 200);
    assert.match((await pull('pub/app')).json().errors[0].message, /refused by policy layer organisation/);
    assert.equal((await call('DELETE', '/policies/organisation', 'alice')).statusCode, 204);
    assert.equal((await call('DELETE', '/policies/project%3Ateam', 'alice')).statusCode, 204);
    assert.equal((await pull('team/app')).statusCode, 200);
  });

  it('decides admission by the organisation and the namespace layers', async () => {
    assert.equal((await admit('prod')).allowed, true, 'no layer: nothing denies');
    assert.equal((await put('namespace:prod', 'alice', 'defaultAdmissionRule:\n  evaluationMode: ALWAYS_DENY\n')).statusCode, 200);
    const denied = await admit('prod');
    assert.equal(denied.allowed, false);
    assert.match(denied.status?.message ?? '', /ALWAYS_DENY/);
    assert.equal((await admit('dev')).allowed, true);
    assert.equal((await put('organisation', 'alice', 'defaultAdmissionRule:\n  evaluationMode: ALWAYS_DENY\n')).statusCode, 200);
    assert.equal((await admit('dev')).allowed, false, 'the organisation layer applies to every namespace');
    const listed = (await call('GET', '/policies', 'bob')).json() as { layers: Array<{ layer: string; updatedBy: string }> };
    assert.deepEqual(listed.layers.map((layer) => layer.layer), ['namespace:prod', 'organisation']);
    assert.equal(audited('namespace:prod').at(-1)?.actor, 'alice');
    await call('DELETE', '/policies/organisation', 'alice');
    await call('DELETE', '/policies/namespace%3Aprod', 'alice');
  });

  it('manages attestors that policies name, admins only, public keys only', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = publicKey.export({ type: 'spki', format: 'pem' });
    const putAttestor = (user: string, body: unknown) =>
      server.app.inject({ method: 'PUT', url: '/api/v1/attestors/release', headers: { ...basic(user), 'content-type': 'application/json' }, payload: JSON.stringify(body) });
    assert.equal((await putAttestor('carol', { publicKeyPem: pem })).statusCode, 403);
    assert.equal((await putAttestor('alice', { publicKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) })).statusCode, 400);
    assert.equal((await putAttestor('alice', { publicKeyPem: 'garbage' })).statusCode, 400);
    assert.equal((await putAttestor('alice', [pem])).statusCode, 400);
    const needsRelease = 'defaultAdmissionRule:\n  evaluationMode: REQUIRE_ATTESTATION\n  requireAttestationsBy: [release]\nattestors:\n  - name: release\n';
    assert.equal((await put('namespace:signed', 'alice', needsRelease)).statusCode, 400, 'no attestor of that name yet');
    assert.equal((await putAttestor('alice', { publicKeyPem: pem })).statusCode, 200);
    assert.equal((await call('GET', '/attestors/release', 'dave')).json().publicKeyPem, pem);
    assert.equal(audited('attestor:release').length, 1);
    assert.equal((await put('namespace:signed', 'alice', needsRelease)).statusCode, 200);
    const denied = await admit('signed');
    assert.equal(denied.allowed, false);
    assert.match(denied.status?.message ?? '', /attestor release/);
    assert.equal((await call('DELETE', '/policies/namespace%3Asigned', 'alice')).statusCode, 204);
    assert.equal((await call('DELETE', '/attestors/release', 'alice')).statusCode, 204);
    assert.equal((await call('GET', '/attestors/release', 'alice')).statusCode, 404);
  });

  it('refuses changes to the organisation layer while --policy gives it', async () => {
    const withFile = await startServer(fixture, work, ORGANISATION_FILE);
    try {
      const answer = await withFile.app.inject({ method: 'PUT', url: '/api/v1/policies/organisation', headers: { ...basic('alice'), 'content-type': 'application/yaml' }, payload: 'name: x\n' });
      assert.equal(answer.statusCode, 409);
      assert.match(answer.json().error.message, /--policy/);
      const listed = (await withFile.app.inject({ method: 'GET', url: '/api/v1/policies', headers: basic('alice') })).json() as { layers: Array<{ layer: string; source: string }> };
      assert.deepEqual(listed.layers, [{ layer: 'organisation', source: 'file' }]);
      const refused = await withFile.app.inject({ method: 'GET', url: '/v2/pub/app/manifests/1.0', headers: basic('alice') });
      assert.equal(refused.statusCode, 403, 'the file requires finished scans');
      assert.match(refused.json().errors[0].message, /refused by policy layer organisation/);
    } finally {
      await withFile.close();
    }
  });
});
