/**
 * `portcullis serve --policy FILE`: the organisation layer of a running server, decided by for
 * admission (without --admission-policy), reloaded when the file changes, and not changeable
 * through the API while the file gives it.
 */
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { reviewOf } from '../../admission/testing.ts';
import { startServe, type ServeProcess } from '../../../test/helpers/portcullis-serve.ts';
import { pushToRegistry, smallImageLayout } from '../../../test/helpers/registry.ts';

const DENY_ADMISSION = new URL('../../policy-store/testdata/layers/deny-admission.yaml', import.meta.url).pathname;

describe('serve --policy', () => {
  let work: string;
  let serve: ServeProcess;
  let policyFile: string;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'portcullis-serve-policy-'));
    policyFile = join(work, 'organisation.yaml');
    await copyFile(DENY_ADMISSION, policyFile);
    serve = await startServe(join(work, 'data'), { insecureNoAuth: true, args: ['--admission', '--policy', policyFile] });
    await pushToRegistry(`oci:${await smallImageLayout()}:amd64`, `${serve.host}/team/app:1.0`);
  });
  after(async () => {
    await serve?.stop();
    await rm(work, { recursive: true, force: true });
  });

  const admitted = async (): Promise<boolean> => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'app', namespace: 'dev' }, spec: { containers: [{ name: 'app', image: `${serve.host}/team/app:1.0` }] } };
    const response = await fetch(`${serve.url}/admission/validate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(reviewOf(pod)) });
    assert.equal(response.status, 200);
    return ((await response.json()) as { response: { allowed: boolean } }).response.allowed;
  };

  it('decides admission by the organisation file and reloads it when it changes', async () => {
    assert.equal(await admitted(), false, 'the file denies every deployment');
    await writeFile(policyFile, 'defaultAdmissionRule:\n  evaluationMode: ALWAYS_ALLOW\n');
    const deadline = Date.now() + 15_000;
    while (!(await admitted())) {
      assert.ok(Date.now() < deadline, `the reload was not seen; server output:\n${serve.output().slice(-2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  });

  it('refuses API changes to the organisation layer while the file gives it', async () => {
    const response = await fetch(`${serve.url}/api/v1/policies/organisation`, { method: 'PUT', headers: { 'content-type': 'application/yaml' }, body: 'name: x\n' });
    assert.equal(response.status, 409);
    const listed = (await (await fetch(`${serve.url}/api/v1/policies`)).json()) as { layers: unknown[] };
    assert.deepEqual(listed.layers, [{ layer: 'organisation', source: 'file' }]);
  });

  it('refuses to start with an organisation file that does not load', async () => {
    const broken = join(work, 'broken.yaml');
    await writeFile(broken, 'defaultAdmissionRule:\n  evaluationMode: SOMETIMES\n');
    await assert.rejects(startServe(join(work, 'data-broken'), { insecureNoAuth: true, args: ['--policy', broken] }), /evaluationMode/);
  });
});
