/** GET /api/v1/deployments and /deployments/violations: contents, summary, who sees what. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunningImageStore, runningImageId } from '../../continuous/index.ts';
import { openFixture, type Fixture } from '../../auth/testing/fixture.ts';
import { openTestRegistry, type TestRegistry } from '../../registry/testing.ts';
import { build } from '../app.ts';
import { basic } from './management/testing.ts';
import { continuousApi } from './continuous.ts';

const DIGEST = `sha256:${'e'.repeat(64)}`;
let work: string;
let store: RunningImageStore;
let fixture: Fixture;
let registry: TestRegistry;
let app: ReturnType<typeof build>;

function add(image: string, name: string, allowed: boolean | undefined): string {
  const parts = { namespace: 'shop', kind: 'Deployment', name, image };
  const id = runningImageId(parts);
  store.upsert({ id, ...parts, digest: DIGEST, serviceAccount: 'default', breakGlass: name === 'hotfix', admittedAt: new Date().toISOString(), source: 'admission' });
  if (allowed !== undefined) store.setDecision(id, { allowed, denials: allowed ? [] : [`image ${image} violates vulnerabilities (project): too many findings`], warnings: [], evaluatedAt: new Date().toISOString() });
  return id;
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'portcullis-continuous-api-'));
  store = RunningImageStore.open(work);
  fixture = await openFixture();
  registry = await openTestRegistry();
  add(`reg.test/team/app@${DIGEST}`, 'web', true);
  add(`reg.test/team/app@${DIGEST}`, 'hotfix', false);
  add(`reg.test/pub/tool@${DIGEST}`, 'tool', undefined);
  store.markEnded(add(`reg.test/team/old@${DIGEST}`, 'old', true), new Date().toISOString());
  app = build({ registry: registry.registry, auth: fixture.auth, extensions: [continuousApi({ store })] });
  await app.ready();
});
after(async () => {
  await app.close();
  store.close();
  fixture.db.close();
  await registry.close();
  await rm(work, { recursive: true, force: true });
});

const get = (url: string, user?: string) => app.inject({ method: 'GET', url, headers: user === undefined ? {} : { authorization: basic(user) } });

describe('continuous validation API', () => {
  it('lists running images with their status and a summary for administrators', async () => {
    const response = await get('/api/v1/deployments', 'alice');
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json() as { deployments: Array<{ name: string; status: string }>; summary: Record<string, number> };
    assert.deepEqual(body.deployments.map((image) => [image.name, image.status]).sort(), [['hotfix', 'violating'], ['tool', 'unevaluated'], ['web', 'compliant']]);
    assert.deepEqual(body.summary, { running: 3, compliant: 1, violating: 1, unevaluated: 1 });
    const all = (await get('/api/v1/deployments?ended=true', 'alice')).json() as { deployments: Array<{ name: string; endedAt?: string }> };
    assert.match(all.deployments.find((image) => image.name === 'old')?.endedAt ?? '', /^\d{4}-/);
  });

  it('lists violations with their reasons', async () => {
    const body = (await get('/api/v1/deployments/violations', 'alice')).json() as { violations: Array<{ name: string; breakGlass: boolean; decision: { denials: string[] } }> };
    assert.deepEqual(body.violations.map((image) => image.name), ['hotfix']);
    assert.equal(body.violations[0]?.breakGlass, true);
    assert.match(body.violations[0]?.decision.denials[0] ?? '', /too many findings/);
  });

  it('shows other callers only images of repositories they may pull', async () => {
    const dave = (await get('/api/v1/deployments', 'dave')).json() as { deployments: Array<{ name: string }> };
    assert.deepEqual(dave.deployments.map((image) => image.name), ['tool']);
    const bob = (await get('/api/v1/deployments/violations', 'bob')).json() as { violations: Array<{ name: string }> };
    assert.deepEqual(bob.violations.map((image) => image.name), ['hotfix']);
  });

  it('answers anonymous callers 401 and a bad ended flag 400', async () => {
    assert.equal((await get('/api/v1/deployments')).statusCode, 401);
    const bad = await get('/api/v1/deployments?ended=maybe', 'alice');
    assert.equal(bad.statusCode, 400);
    assert.equal((bad.json() as { error: { status: string } }).error.status, 'INVALID_ARGUMENT');
  });
});
