/**
 * The auto-sign API through build() and inject(), with a real AuthService (in-memory store):
 * maintainers set, read and remove their project's rule; hostile bodies answer 400 with every bad
 * field named; keys the server does not offer are refused; other callers get 401/403.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { appendAudit } from '../../auth/index.ts';
import { openFixture, PASSWORD, type Fixture } from '../../auth/testing/fixture.ts';
import { openRegistry, type RegistryService } from '../../registry/index.ts';
import type { RegistryScannerEvents } from '../../registry-scan/index.ts';
import { AutoSigner, AutoSignStore } from '../../registry-sign/index.ts';
import { build } from '../app.ts';
import { autoSignApi } from './auto-sign.ts';

const OFFERED = 'pkcs11:token=signing;object=release?module-path=/usr/lib/softhsm/libsofthsm2.so';
const DEFAULT_KEY = '/etc/portcullis/default.key';

function basic(user: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${user}:${PASSWORD}`).toString('base64')}` };
}

describe('auto-sign API', () => {
  let work: string;
  let fixture: Fixture;
  let registry: RegistryService;
  let store: AutoSignStore;
  let app: FastifyInstance;

  const put = (user: string, body: unknown, project = 'team') =>
    app.inject({ method: 'PUT', url: `/api/v1/projects/${project}/auto-sign`, headers: { ...basic(user), 'content-type': 'application/json' }, payload: typeof body === 'string' ? body : JSON.stringify(body) });

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'portcullis-autosign-api-'));
    fixture = await openFixture();
    registry = await openRegistry({ dataDir: work });
    store = AutoSignStore.open(work);
    // The API reads rules only; this scanner stand-in never emits, as no image is pushed here.
    const scanner = { events: new EventEmitter<RegistryScannerEvents>(), scanResult: () => undefined };
    const signer = new AutoSigner({ registry, scanner, store, registryName: 'registry.test', defaultRule: { keyRef: DEFAULT_KEY, rule: 'no CRITICAL', annotations: {} }, toolVersion: 'test' });
    const audit = (event: Parameters<typeof appendAudit>[1]) => void appendAudit(fixture.store, event);
    app = build({ registry, auth: fixture.auth, extensions: [autoSignApi({ signer, store, offeredKeys: [OFFERED, DEFAULT_KEY], audit })] });
  });

  after(async () => {
    await app?.close();
    store?.close();
    await registry?.close();
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  it('answers the server default until the project sets its own rule', async () => {
    const response = await app.inject({ url: '/api/v1/projects/team/auto-sign', headers: basic('carol') });
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(response.json(), { project: 'team', keyRef: DEFAULT_KEY, rule: 'no CRITICAL', annotations: {}, source: 'default' });
  });

  it('lets a maintainer set, read and delete the project rule, and audits the changes', async () => {
    const set = await put('carol', { keyRef: OFFERED, rule: 'no critical, no high with fix', annotations: { team: 'payments' }, pinFile: '/run/secrets/pin' });
    assert.equal(set.statusCode, 200, set.body);
    assert.equal(set.json().rule, 'no CRITICAL, no HIGH with fix');
    const read = await app.inject({ url: '/api/v1/projects/team/auto-sign', headers: basic('carol') });
    assert.equal(read.json().source, 'project');
    assert.equal(read.json().pinFile, '/run/secrets/pin');
    assert.deepEqual(store.getRule('team')?.annotations, { team: 'payments' });

    const removed = await app.inject({ method: 'DELETE', url: '/api/v1/projects/team/auto-sign', headers: basic('carol') });
    assert.equal(removed.statusCode, 204);
    assert.equal(store.getRule('team'), undefined);
    const again = await app.inject({ method: 'DELETE', url: '/api/v1/projects/team/auto-sign', headers: basic('carol') });
    assert.equal(again.statusCode, 404);

    const changes = fixture.store.readAudit(0, 100).filter((record) => record.target === 'team/auto-sign');
    assert.deepEqual(changes.map((record) => [record.actor, record.action]), [['carol', 'policy.change'], ['carol', 'policy.change']]);
  });

  it('refuses hostile bodies with 400 naming the bad fields', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ keyRef: `${OFFERED}&pin-value=9876`, rule: 'no CRITICAL' }, /pin-value/],
      [{ keyRef: OFFERED, rule: 'no CRITICAL; DROP TABLE rules' }, /rule/],
      [{ keyRef: OFFERED, rule: 'no CRITICAL', annotations: { 'a b': 'c' } }, /annotation key/],
      [{ keyRef: '../../../etc/shadow', rule: 'no CRITICAL' }, /absolute/],
      [{ keyRef: OFFERED, rule: 'no CRITICAL', admin: true }, /unknown field "admin"/],
      [[OFFERED], /JSON object/],
      ['{"keyRef": "', /not valid JSON/],
    ];
    for (const [body, pattern] of cases) {
      const response = await put('carol', body);
      assert.equal(response.statusCode, 400, `${JSON.stringify(body)}: ${response.body}`);
      assert.equal(response.json().error.status, 'INVALID_ARGUMENT');
      assert.match(response.json().error.message, pattern);
    }
    const huge = await put('carol', { keyRef: OFFERED, rule: 'no CRITICAL', annotations: { a: 'x'.repeat(100_000) } });
    assert.equal(huge.statusCode, 413);
    assert.equal(store.getRule('team'), undefined, 'nothing was stored');
  });

  it('refuses a key the server does not offer', async () => {
    const response = await put('carol', { keyRef: '/home/carol/my.key', rule: 'no CRITICAL' });
    assert.equal(response.statusCode, 400);
    assert.equal(response.json().error.status, 'FAILED_PRECONDITION');
    assert.equal(store.getRule('team'), undefined);
  });

  it('needs the maintainer role: developers get 403, anonymous callers 401', async () => {
    assert.equal((await put('bob', { keyRef: OFFERED, rule: 'no CRITICAL' })).statusCode, 403);
    assert.equal((await app.inject({ url: '/api/v1/projects/team/auto-sign/failures', headers: basic('dave') })).statusCode, 403);
    assert.equal((await app.inject({ url: '/api/v1/projects/team/auto-sign' })).statusCode, 401);
    assert.equal((await put('carol', { keyRef: OFFERED, rule: 'no CRITICAL' }, 'ops')).statusCode, 403);
  });

  it('lists recorded failures newest first, with a bounded limit', async () => {
    for (const id of [1, 2]) {
      store.recordFailure({ project: 'team', repository: 'team/app', digest: `sha256:${String(id).repeat(64)}`, keyFingerprint: 'sha256:ab', rule: 'no CRITICAL', violations: [{ clause: 'no CRITICAL', findings: [`CVE-2024-000${id}`] }], failedAt: Date.UTC(2026, 0, id) });
    }
    const response = await app.inject({ url: '/api/v1/projects/team/auto-sign/failures?limit=1', headers: basic('carol') });
    assert.equal(response.statusCode, 200, response.body);
    const { failures } = response.json() as { failures: Array<{ digest: string; failedAt: string }> };
    assert.equal(failures.length, 1);
    assert.equal(failures[0]?.digest, `sha256:${'2'.repeat(64)}`);
    assert.equal(failures[0]?.failedAt, '2026-01-02T00:00:00.000Z');
    for (const limit of ['0', '-1', 'abc', '100000']) {
      const bad = await app.inject({ url: `/api/v1/projects/team/auto-sign/failures?limit=${limit}`, headers: basic('carol') });
      assert.equal(bad.statusCode, 400, `limit=${limit}`);
    }
  });

  it('refuses invalid project names', async () => {
    const response = await app.inject({ url: '/api/v1/projects/Bad..Name/auto-sign', headers: basic('alice') });
    assert.equal(response.statusCode, 400);
  });
});
