/**
 * Scanning built into `portcullis serve`, end to end: a real server process, images pushed with
 * Debian's skopeo, an advisory database built from the shared advisory data, and a node:http
 * webhook receiver checking every delivery's HMAC signature.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { writeOciLayout } from '../../test/helpers/image-builder.ts';
import { type ServeProcess, startServe } from '../../test/helpers/portcullis-serve.ts';
import { pushToRegistry, requireTool } from '../../test/helpers/registry.ts';
import { OCI_MANIFEST } from '../oci/index.ts';
import { RegistryClient, listReferrers } from '../registry-client/index.ts';
import { openScanDatabase } from './database.ts';
import { CYCLONEDX_ARTIFACT_TYPE, signBody } from './index.ts';
import { JobStore } from './job-store.ts';
import { ResultStore } from './results.ts';
import { GHSA, VULNDATA, importGhsa, npmImage, startWebhookReceiver, waitFor, type WebhookReceiver } from './testing.ts';

const SECRET = 'serve-test-secret';

interface Delivery {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

describe('portcullis serve scans what is pushed', () => {
  let work: string;
  let data: string;
  let db: string;
  let layout: string;
  let receiver: WebhookReceiver;
  let serve: ServeProcess | undefined;
  let args: string[];

  /** Deliveries of `type` whose signature verifies; a bad signature fails the test. */
  function delivered(type: string): Delivery[] {
    return receiver.received.map((entry) => {
      assert.equal(entry.headers['x-portcullis-signature'], signBody(SECRET, entry.body), 'every delivery is signed with the shared secret');
      return JSON.parse(entry.body) as Delivery;
    }).filter((body) => body.type === type);
  }

  async function manifestDigest(repository: string, tag: string): Promise<string> {
    assert.ok(serve);
    const response = await fetch(`${serve.url}/v2/${repository}/manifests/${tag}`, { method: 'HEAD', headers: { accept: OCI_MANIFEST } });
    assert.equal(response.status, 200);
    return String(response.headers.get('docker-content-digest'));
  }

  function withScanDatabase<T>(read: (jobs: JobStore, results: ResultStore) => T): T {
    const database = openScanDatabase(join(data, 'jobs.db'));
    try {
      return read(new JobStore(database, Date.now), new ResultStore(database));
    } finally {
      database.close();
    }
  }

  before(async () => {
    requireTool('skopeo', 'skopeo');
    assert.ok(existsSync(VULNDATA), `the shared advisory data is missing at ${VULNDATA}`);
    work = await mkdtemp(join(tmpdir(), 'portcullis-serve-scan-'));
    data = join(work, 'data');
    db = join(work, 'advisories.db');
    layout = join(work, 'layout');
    await importGhsa(db, [GHSA.ws, GHSA.semver]);
    await writeOciLayout(layout, npmImage({ ws: '7.4.0', semver: '7.5.1', lodash: '4.17.20' }), 'app');
    await writeOciLayout(layout, npmImage({ lodash: '4.17.20', express: '4.17.1' }), 'second');
    receiver = await startWebhookReceiver();
    const secretFile = join(work, 'webhook-secret');
    await writeFile(secretFile, `${SECRET}\n`, { mode: 0o600 });
    args = ['--db', db, '--webhook', receiver.url, '--webhook-secret-file', secretFile, '--webhook-min-severity', 'HIGH', '-q'];
    serve = await startServe(data, { insecureNoAuth: true, args });
  });
  after(async () => {
    await serve?.stop();
    await receiver.close();
    await rm(work, { recursive: true, force: true });
  });

  it('scans an image pushed with skopeo, attaches its SBOM as a referrer and signs the webhook', async () => {
    assert.ok(serve);
    await pushToRegistry(`oci:${layout}:app`, `${serve.host}/team/app:1`);
    const digest = await manifestDigest('team/app', '1');
    const completed = await waitFor('scan.completed', () => delivered('scan.completed').find((body) => body.data.digest === digest));
    assert.deepEqual(completed.data.summary, { UNKNOWN: 0, NONE: 0, LOW: 0, MEDIUM: 1, HIGH: 1, CRITICAL: 0, total: 2 });
    assert.equal(completed.data.matched, true);
    assert.ok(delivered('push').some((body) => body.data.digest === digest && body.data.tag === '1'));

    const stored = withScanDatabase((_jobs, results) => results.get(digest));
    assert.deepEqual(stored?.findings.map((finding) => finding.id).sort(), ['CVE-2022-25883', 'CVE-2024-37890']);

    const response = await fetch(`${serve.url}/v2/team/app/referrers/${digest}?artifactType=${encodeURIComponent(CYCLONEDX_ARTIFACT_TYPE)}`);
    assert.equal(response.status, 200);
    const referrers = (await response.json()) as { manifests: Array<{ digest: string; artifactType: string }> };
    assert.deepEqual(referrers.manifests.map((entry) => [entry.digest, entry.artifactType]), [[completed.data.sbomDigest, CYCLONEDX_ARTIFACT_TYPE]]);
    const client = new RegistryClient({ domain: serve.host, insecure: true });
    const listed = await listReferrers(client, 'team/app', digest, CYCLONEDX_ARTIFACT_TYPE);
    assert.equal(listed.source, 'api');
    assert.deepEqual(listed.descriptors.map((entry) => entry.digest), [completed.data.sbomDigest]);
    const { stdout } = await promisify(execFile)('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${serve.host}/team/app@${String(completed.data.sbomDigest)}`]);
    const sbomManifest = JSON.parse(stdout) as { artifactType: string; subject: { digest: string } };
    assert.equal(sbomManifest.artifactType, CYCLONEDX_ARTIFACT_TYPE);
    assert.equal(sbomManifest.subject.digest, digest);
  });

  it('rescans when more advisories are imported and fires "findings.new" with CVE, package and fix', async () => {
    const digest = await manifestDigest('team/app', '1');
    await importGhsa(db, [GHSA.ws, GHSA.lodashModerate, GHSA.lodashHigh]);
    const alert = await waitFor('findings.new', () => delivered('findings.new').find((body) => body.data.digest === digest), 60_000);
    const findings = alert.data.findings as Array<{ id: string; package: { name: string; version: string }; fixedVersion: string }>;
    assert.deepEqual(findings.map((finding) => [finding.id, finding.package.name, finding.package.version, finding.fixedVersion]), [['CVE-2021-23337', 'lodash', '4.17.20', '4.17.21']]);
    assert.equal(alert.data.fixedCount, 1, 'the semver advisory left the database');
    const stored = withScanDatabase((_jobs, results) => results.get(digest));
    assert.deepEqual(stored?.findings.map((finding) => finding.id).sort(), ['CVE-2020-28500', 'CVE-2021-23337', 'CVE-2024-37890']);
  });

  it('completes a job that was queued when the server was killed', async () => {
    await serve?.stop();
    serve = await startServe(data, { insecureNoAuth: true, args: [...args, '--scan-workers', '0'] });
    await pushToRegistry(`oci:${layout}:second`, `${serve.host}/team/second:1`);
    const digest = await manifestDigest('team/second', '1');
    await waitFor('the queued job', () => (withScanDatabase((jobs) => jobs.byKey(`scan:${digest}`)?.state) === 'queued' ? true : undefined));
    await serve.kill();
    serve = await startServe(data, { insecureNoAuth: true, args });
    const completed = await waitFor('scan.completed after the restart', () => delivered('scan.completed').find((body) => body.data.digest === digest));
    assert.equal((completed.data.summary as { HIGH: number }).HIGH, 1, 'lodash CVE-2021-23337 against the current database');
    assert.equal(withScanDatabase((jobs) => jobs.byKey(`scan:${digest}`)?.state), 'done');
  });

  it('fails the job of an image with a corrupt layer and keeps serving', async () => {
    assert.ok(serve);
    const base = `${serve.url}/v2/team/corrupt`;
    async function upload(bytes: Buffer): Promise<{ digest: string; size: number }> {
      const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
      const response = await fetch(`${base}/blobs/uploads/?digest=${digest}`, { method: 'POST', body: bytes, headers: { 'content-type': 'application/octet-stream' } });
      assert.equal(response.status, 201, await response.text());
      return { digest, size: bytes.length };
    }
    // The layer's digest is right, its content is not gzip: the registry accepts it, the scan must not.
    const layer = await upload(Buffer.from('this is not a gzip stream at all'));
    const config = await upload(Buffer.from(JSON.stringify({ os: 'linux', architecture: 'amd64', rootfs: { type: 'layers', diff_ids: [`sha256:${'0'.repeat(64)}`] } })));
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...layer }],
    });
    const pushed = await fetch(`${base}/manifests/bad`, { method: 'PUT', body: manifest, headers: { 'content-type': OCI_MANIFEST } });
    assert.equal(pushed.status, 201, await pushed.text());
    const digest = String(pushed.headers.get('docker-content-digest'));
    const failed = await waitFor('scan.failed', () => delivered('scan.failed').find((body) => body.data.digest === digest));
    assert.match(String(failed.data.error), /^INPUT: team\/corrupt@sha256:[0-9a-f]{64}: .*layer/);
    const job = withScanDatabase((jobs) => jobs.byKey(`scan:${digest}`));
    assert.equal(job?.state, 'failed');
    assert.equal(job?.lastError, failed.data.error);
    assert.equal((await fetch(`${serve.url}/v2/`)).status, 200, 'the server keeps running');
  });

  it('rescans every stored image on SIGHUP and keeps running', async () => {
    assert.ok(serve);
    const digest = await manifestDigest('team/app', '1');
    const matchedAt = () => withScanDatabase((_jobs, results) => results.get(digest)?.matchedAt) ?? 0;
    const before = matchedAt();
    process.kill(Number(serve.child.pid), 'SIGHUP');
    await waitFor('the SIGHUP rescan', () => (matchedAt() > before ? true : undefined));
    assert.equal((await fetch(`${serve.url}/v2/`)).status, 200, 'SIGHUP rescans instead of ending the server');
  });
});
