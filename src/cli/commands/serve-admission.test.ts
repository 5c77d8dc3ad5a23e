/**
 * `portcullis serve --admission`: the webhook on the registry's own listener, reading images
 * pushed to it in-process (here over plain HTTP on loopback, as a test server may).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reviewOf } from '../../admission/testing.ts';
import { startServe, type ServeProcess } from '../../../test/helpers/portcullis-serve.ts';
import { pushToRegistry, smallImageLayout } from '../../../test/helpers/registry.ts';

const POLICY = new URL('../../admission/testdata/policies/remote.yaml', import.meta.url).pathname;
let serve: ServeProcess;
let dataDir: string;

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'portcullis-serve-admission-'));
  serve = await startServe(dataDir, { insecureNoAuth: true, args: ['--admission', '--admission-policy', POLICY] });
  await pushToRegistry(`oci:${await smallImageLayout()}:amd64`, `${serve.host}/team/app:1.0`);
});
after(async () => {
  await serve.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function post(path: string, body: unknown): Promise<any> {
  const response = await fetch(`${serve.url}/admission/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal(response.status, 200);
  return ((await response.json()) as { response: unknown }).response;
}

const pod = (image: string, namespace = 'prod') => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'app', namespace }, spec: { containers: [{ name: 'app', image }] } });

describe('serve --admission', () => {
  it('decides images pushed to this registry, read in-process', async () => {
    assert.deepEqual(await post('validate', reviewOf(pod(`${serve.host}/team/app:1.0`), { uid: 'u1' })), { uid: 'u1', allowed: true });
    const missing = await post('validate', reviewOf(pod(`${serve.host}/team/app:2.0`)));
    assert.equal(missing.allowed, false);
    assert.match(missing.status.message, /is not in the Portcullis registry/);
  });

  it('pins tags of this registry to their digests', async () => {
    const response = await post('mutate', reviewOf(pod(`${serve.host}/team/app:1.0`)));
    const [operation] = JSON.parse(Buffer.from(response.patch, 'base64').toString('utf8'));
    assert.match(operation.value, new RegExp(`^${serve.host.replace(/\./g, '\\.')}/team/app@sha256:[a-f0-9]{64}$`));
  });

  it('refuses --admission without a policy', async () => {
    await assert.rejects(startServe(dataDir, { insecureNoAuth: true, args: ['--admission'] }), /--admission needs --admission-policy FILE/);
  });
});
