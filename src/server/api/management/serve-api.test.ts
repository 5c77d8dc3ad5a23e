/**
 * The management API in a real `portcullis serve` with access control: an image pushed with
 * Debian's skopeo, its scan awaited and read over HTTP with Basic auth, a user and project made
 * through the API, a label set, and a pull gate with an exception checked with skopeo.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type ServeProcess, TEST_ADMIN_PASSWORD } from '../../../../test/helpers/portcullis-serve.ts';
import { pushToRegistry } from '../../../../test/helpers/registry.ts';
import { startServeWithVulnerableImage, waitFor } from '../../../registry-scan/testing.ts';
import { basic } from './testing.ts';

const ADMIN = basic('admin', TEST_ADMIN_PASSWORD);
const USER_PASSWORD = 'grace password for the api test';

describe('management API in portcullis serve', () => {
  let work: string;
  let layout: string;
  let serve: ServeProcess | undefined;
  let fixture: Awaited<ReturnType<typeof startServeWithVulnerableImage>> | undefined;

  async function call(method: string, path: string, authorization: string | undefined, payload?: unknown): Promise<{ status: number; json: any; headers: Headers }> {
    assert.ok(serve);
    const response = await fetch(`${serve.url}/api/v1${path}`, {
      method,
      headers: { ...(authorization !== undefined && { authorization }), ...(payload !== undefined && { 'content-type': 'application/json' }) },
      ...(payload !== undefined && { body: JSON.stringify(payload) }),
    });
    const text = await response.text();
    return { status: response.status, json: text === '' ? undefined : JSON.parse(text), headers: response.headers };
  }

  /** `skopeo inspect` of an image as the admin: the pull path the gate guards. */
  async function inspect(reference: string): Promise<{ ok: boolean; output: string }> {
    try {
      const { stdout } = await promisify(execFile)('skopeo', ['inspect', '--raw', '--tls-verify=false', '--creds', `admin:${TEST_ADMIN_PASSWORD}`, `docker://${reference}`], { env: { ...process.env, REGISTRY_AUTH_FILE: join(work, 'no-auth.json') } });
      return { ok: true, output: stdout };
    } catch (error) {
      return { ok: false, output: String((error as { stderr?: string }).stderr ?? error) };
    }
  }

  before(async () => {
    fixture = await startServeWithVulnerableImage('portcullis-serve-api-');
    ({ work, layout, serve } = fixture);
  });
  after(async () => {
    await fixture?.close();
  });

  it('serves the scan of a pushed image, labels and accounts over HTTP with Basic auth', async () => {
    assert.ok(serve);
    assert.equal((await call('GET', '/openapi.json', undefined)).json.openapi, '3.1.0');
    await pushToRegistry(`oci:${layout}:app`, `${serve.host}/team/app:1`, { creds: `admin:${TEST_ADMIN_PASSWORD}` });
    const repo = encodeURIComponent('team/app');
    const tags = await call('GET', `/repositories/${repo}/tags`, ADMIN);
    assert.equal(tags.status, 200);
    const digest = tags.json.tags.find((tag: { name: string }) => tag.name === '1')?.digest as string;
    assert.match(digest, /^sha256:/);
    const report = await waitFor('the scan report', async () => {
      const answer = await call('GET', `/repositories/${repo}/artifacts/${digest}/scan`, ADMIN);
      return answer.json.state === 'completed' ? answer.json : undefined;
    }, 60_000);
    assert.deepEqual(report.findings.map((finding: { id: string; package: { name: string } }) => [finding.id, finding.package.name]), [['CVE-2024-37890', 'ws']]);

    assert.equal((await call('PUT', '/projects/team', ADMIN, { public: false })).status, 200);
    assert.equal((await call('POST', '/users', ADMIN, { name: 'grace', password: USER_PASSWORD })).status, 201);
    const grace = basic('grace', USER_PASSWORD);
    assert.equal((await call('GET', `/repositories/${repo}/artifacts`, grace)).status, 403, 'not a member yet');
    assert.equal((await call('PUT', '/projects/team/members/grace', ADMIN, { role: 'maintainer' })).status, 200);
    assert.equal((await call('PUT', `/repositories/${repo}/artifacts/${digest}/labels/deprecated`, grace, { value: 'use team/app:2' })).status, 200);
    const artifacts = await call('GET', `/repositories/${repo}/artifacts`, grace);
    const image = artifacts.json.artifacts.find((artifact: { digest: string }) => artifact.digest === digest);
    assert.deepEqual(image.labels, { deprecated: 'use team/app:2' });
    assert.equal(image.scan.summary.HIGH, 1);
    const audit = await call('GET', '/audit?actor=grace', ADMIN);
    assert.deepEqual(audit.json.records.map((record: { action: string; target: string }) => [record.action, record.target]), [['policy.change', digest]]);
  });

  it('a pull gate set through the API refuses the image until an exception lets it through', async () => {
    assert.ok(serve);
    const reference = `${serve.host}/team/app:1`;
    assert.equal((await inspect(reference)).ok, true);
    assert.equal((await call('PUT', '/projects/team/pull-policy', basic('grace', USER_PASSWORD), { minSeverity: 'HIGH' })).status, 200);
    const refused = await inspect(reference);
    assert.equal(refused.ok, false);
    assert.match(refused.output, /CVE-2024-37890|denied|DENIED/);
    const exception = await call('POST', '/projects/team/exceptions', basic('grace', USER_PASSWORD), { vulnerability: 'CVE-2024-37890', repository: 'team/app', reason: 'not reachable', owner: 'platform', expires: '1d' });
    assert.equal(exception.status, 201);
    assert.equal((await inspect(reference)).ok, true);
  });
});
