/**
 * Lifecycle through a served registry: skopeo pushes to a listening server with the tag guard and
 * the lifecycle API, as `portcullis serve` wires them; the registry's clock is moved between pushes.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { OCI_MANIFEST } from '../oci/index.ts';
import { manifestBytes, pushBlob, sha256 } from '../registry/testing.ts';
import { pushToRegistry, requireTool, smallImageLayout } from '../../test/helpers/registry.ts';
import { type LifecycleTestServer, startLifecycleServer } from './testing.ts';

const DAY = 24 * 60 * 60 * 1000;

async function skopeo(...args: string[]): Promise<string> {
  requireTool('skopeo', 'skopeo');
  const env = { ...process.env, REGISTRY_AUTH_FILE: join(tmpdir(), 'portcullis-no-auth-file.json') };
  const { stdout } = await promisify(execFile)('skopeo', args, { encoding: 'utf8', env, timeout: 60_000 });
  return stdout;
}

async function api(server: LifecycleTestServer, method: 'GET' | 'PUT' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`http://${server.host}/api/v1${path}`, {
    method,
    ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: response.status, json: await response.json() };
}

describe('lifecycle on a served registry', () => {
  let layout: string;
  let server: LifecycleTestServer;
  before(async () => {
    layout = await smallImageLayout();
    server = await startLifecycleServer({ listen: true });
  });
  after(async () => {
    await server?.close();
  });

  it('refuses moving an immutable tag with skopeo and keeps serving the old digest', async () => {
    const put = await api(server, 'PUT', '/projects/team/immutability', { rules: [{ repositories: '**', tags: 'v*' }] });
    assert.equal(put.status, 200);
    assert.deepEqual(put.json.rules, [{ repositories: '**', tags: 'v*' }]);

    await pushToRegistry(`oci:${layout}:amd64`, `${server.host}/team/app:v1.0`);
    const first = (await server.registry.manifests.get('team/app', 'v1.0')).digest;
    await pushToRegistry(`oci:${layout}:amd64`, `${server.host}/team/app:v1.0`); // the same digest again is fine
    await assert.rejects(pushToRegistry(`oci:${layout}:arm64`, `${server.host}/team/app:v1.0`), /immutable/);
    const inspected = JSON.parse(await skopeo('inspect', '--tls-verify=false', `docker://${server.host}/team/app:v1.0`)) as { Digest: string; Architecture: string };
    assert.equal(inspected.Digest, first);
    assert.equal(inspected.Architecture, 'amd64');

    // Tags no rule matches still move, and deleting the immutable tag is refused with the spec's DENIED.
    await pushToRegistry(`oci:${layout}:amd64`, `${server.host}/team/app:latest`);
    await pushToRegistry(`oci:${layout}:arm64`, `${server.host}/team/app:latest`);
    const deleted = await fetch(`http://${server.host}/v2/team/app/manifests/v1.0`, { method: 'DELETE' });
    assert.equal(deleted.status, 403);
    const body = (await deleted.json()) as { errors: Array<{ code: string; message: string }> };
    assert.equal(body.errors[0]?.code, 'DENIED');
    assert.equal(body.errors[0]?.message, 'tag v1.0 of team/app is immutable (rule repositories "**" tags "v*")');
    const byDigest = await fetch(`http://${server.host}/v2/team/app/manifests/${first}`, { method: 'DELETE' });
    assert.equal(byDigest.status, 403, 'deleting the manifest would delete its immutable tag');
    assert.equal((await server.registry.manifests.get('team/app', 'v1.0')).digest, first);

    // Rules lifted: the tag may move again.
    assert.equal((await api(server, 'PUT', '/projects/team/immutability', { rules: [] })).status, 200);
    await pushToRegistry(`oci:${layout}:arm64`, `${server.host}/team/app:v1.0`);
    assert.notEqual((await server.registry.manifests.get('team/app', 'v1.0')).digest, first);
  });

  it('retention: a dry run lists what would go, the real run deletes it with its referrers, GC frees the blobs', async () => {
    await pushToRegistry(`oci:${layout}:amd64`, `${server.host}/ops/app:old`);
    const old = await server.registry.manifests.get('ops/app', 'old');
    // A signature-like referrer of the old image: it must go with it.
    const sigConfig = await pushBlob(server.registry, 'ops/app', '{}', 'application/vnd.oci.empty.v1+json');
    const sigLayer = await pushBlob(server.registry, 'ops/app', 'signature of old');
    const signature = manifestBytes(sigConfig, [sigLayer], { subject: { mediaType: OCI_MANIFEST, digest: old.digest, size: old.size } });
    const referrer = await server.registry.manifests.put('ops/app', sha256(signature), signature, OCI_MANIFEST);
    server.advance(40 * DAY);
    await pushToRegistry(`oci:${layout}:arm64`, `${server.host}/ops/app:new`);
    const fresh = await server.registry.manifests.get('ops/app', 'new');

    const rules = { rules: [{ keep: 'pushedWithin', repositories: '**', days: 30 }] };
    assert.equal((await api(server, 'PUT', '/projects/ops/retention', rules)).status, 200);
    assert.deepEqual((await api(server, 'GET', '/projects/ops/retention')).json, { project: 'ops', ...rules });

    const dry = await api(server, 'POST', '/projects/ops/retention/run?dryRun=true');
    assert.equal(dry.status, 200);
    assert.equal(dry.json.dryRun, true);
    const plan = dry.json.projects[0].repositories[0];
    assert.equal(plan.repository, 'ops/app');
    assert.deepEqual(plan.deleted.map((entry: { digest: string }) => entry.digest), [referrer.digest, old.digest]);
    assert.deepEqual(plan.retained, [{ digest: fresh.digest, tags: ['new'], reasons: ['keep pushed within 30 days in "**"'] }]);
    assert.equal((await server.registry.manifests.get('ops/app', 'old')).digest, old.digest, 'a dry run deletes nothing');

    const real = await api(server, 'POST', '/projects/ops/retention/run');
    assert.equal(real.json.deleted, 2);
    assert.deepEqual(real.json.failures, []);
    assert.equal((await fetch(`http://${server.host}/v2/ops/app/manifests/old`)).status, 404);
    assert.equal((await fetch(`http://${server.host}/v2/ops/app/manifests/${referrer.digest}`)).status, 404);
    const inspected = JSON.parse(await skopeo('inspect', '--tls-verify=false', `docker://${server.host}/ops/app:new`)) as { Digest: string };
    assert.equal(inspected.Digest, fresh.digest);

    // The old image's config and the signature's blobs are referenced by nothing now.
    const gcDry = await api(server, 'POST', '/system/gc?dryRun=true&grace=0s');
    assert.equal(gcDry.status, 200);
    assert.ok(gcDry.json.deleted.includes(sigLayer.digest), 'the signature layer is garbage');
    const gc = await api(server, 'POST', '/system/gc?grace=0s');
    assert.deepEqual([...gc.json.deleted].sort(), [...gcDry.json.deleted].sort());
    await assert.rejects(server.registry.statBlob('ops/app', sigLayer.digest), /not found/);
  });
});
