/** The lifecycle as `portcullis serve` wires it: options, the tag guard on real pushes, the API. */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PortcullisError, silentLogger } from '../../core/index.ts';
import { type ServeProcess, startServe } from '../../../test/helpers/portcullis-serve.ts';
import { pushToRegistry, smallImageLayout } from '../../../test/helpers/registry.ts';
import { openLifecycle } from './serve-lifecycle.ts';

describe('serve lifecycle options', () => {
  it('refuses absurd intervals and graces before opening anything', () => {
    const usage = (pattern: RegExp) => (error: unknown) => error instanceof PortcullisError && error.code === 'USAGE' && pattern.test(error.message);
    const dataDir = join(tmpdir(), 'portcullis-never-created');
    assert.throws(() => openLifecycle({ 'gc-interval': '0s' }, dataDir, silentLogger), usage(/--gc-interval must be from 1m to 24d/));
    assert.throws(() => openLifecycle({ 'retention-interval': '30d' }, dataDir, silentLogger), usage(/--retention-interval must be from 1m to 24d/));
    assert.throws(() => openLifecycle({ 'gc-interval': 'daily' }, dataDir, silentLogger), usage(/takes a duration/));
    assert.throws(() => openLifecycle({ 'gc-grace': '-1h' }, dataDir, silentLogger), usage(/--gc-grace takes a duration/));
  });
});

describe('portcullis serve with lifecycle schedules', () => {
  let dataDir: string;
  let serve: ServeProcess;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'portcullis-serve-lifecycle-'));
    serve = await startServe(dataDir, { insecureNoAuth: true, args: ['--gc-interval', '24h', '--retention-interval', '24h'] });
  });
  after(async () => {
    await serve?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('enforces immutability rules set through its API on skopeo pushes', async () => {
    const layout = await smallImageLayout();
    const rules = await fetch(`${serve.url}/api/v1/projects/team/immutability`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rules: [{ repositories: '**', tags: 'release-*' }] }),
    });
    assert.equal(rules.status, 200, await rules.clone().text());
    await pushToRegistry(`oci:${layout}:amd64`, `${serve.host}/team/app:release-1`);
    const first = (await fetch(`${serve.url}/v2/team/app/manifests/release-1`, { method: 'HEAD' })).headers.get('docker-content-digest');
    await assert.rejects(pushToRegistry(`oci:${layout}:arm64`, `${serve.host}/team/app:release-1`), /immutable/);
    const after = await fetch(`${serve.url}/v2/team/app/manifests/release-1`, { method: 'HEAD' });
    assert.equal(after.headers.get('docker-content-digest'), first);
    const gc = await fetch(`${serve.url}/api/v1/system/gc?dryRun=true`, { method: 'POST' });
    assert.equal(gc.status, 200);
    assert.equal(((await gc.json()) as { dryRun: boolean }).dryRun, true);
  });
});
