/**
 * RegistryScanner in process, over a real registry on a temporary directory, a real advisory
 * database built from the shared advisory data and a real HTTP webhook receiver.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildImage } from '../../test/helpers/image-builder.ts';
import { openTestRegistry, type TestRegistry } from '../registry/testing.ts';
import { OCI_INDEX } from '../oci/index.ts';
import { CYCLONEDX_ARTIFACT_TYPE, type RegistryScannerOptions, RegistryScanner, type ScanFailed, type ScanResult, signBody } from './index.ts';
import { GHSA, VULNDATA, buildNpmImage, importGhsa, npmImage, pushBlobs, pushBuilt, startWebhookReceiver, waitFor, type WebhookReceiver } from './testing.ts';

const SECRET = 'test-secret-0123456789';
const PACKAGES = { ws: '7.4.0', semver: '7.5.1', lodash: '4.17.20' };

interface Delivery {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

function parsed(receiver: WebhookReceiver, type: string): Delivery[] {
  return receiver.received.filter((entry) => entry.status === 200).map((entry) => JSON.parse(entry.body) as Delivery).filter((body) => body.type === type);
}

function ids(result: ScanResult): string[] {
  return result.findings.map((finding) => `${finding.package.name} ${finding.id}`).sort();
}

describe('RegistryScanner', () => {
  let work: string;
  let db: string;
  let test: TestRegistry;
  let receiver: WebhookReceiver;
  const scanners: RegistryScanner[] = [];

  function open(options: Partial<RegistryScannerOptions> = {}): RegistryScanner {
    const scanner = new RegistryScanner({
      registry: test.registry,
      dataDir: test.dataDir,
      advisoryDb: db,
      toolVersion: '0.0.0-test',
      webhooks: { urls: [receiver.url], secret: SECRET, minSeverity: 'HIGH', baseDelayMs: 150 },
      watchIntervalMs: 0,
      ...options,
    });
    scanner.start();
    scanners.push(scanner);
    return scanner;
  }

  before(async () => {
    assert.ok(existsSync(VULNDATA), `the shared advisory data is missing at ${VULNDATA}`);
    work = await mkdtemp(join(tmpdir(), 'portcullis-registry-scan-'));
    db = join(work, 'advisories.db');
    await importGhsa(db, [GHSA.ws, GHSA.semver]);
    test = await openTestRegistry();
    receiver = await startWebhookReceiver();
  });
  after(async () => {
    for (const scanner of scanners) await scanner.close().catch(() => {});
    await test.close();
    await receiver.close();
    await rm(work, { recursive: true, force: true });
  });

  it('scans a pushed image, stores the result and attaches the SBOM as a referrer', async () => {
    const scanner = open();
    const completed = once(scanner.events, 'scanCompleted') as Promise<[ScanResult]>;
    const digest = await pushBuilt(test.registry, 'team/app', '1', buildNpmImage(PACKAGES));
    const [result] = await completed;
    assert.equal(result.digest, digest);
    assert.deepEqual(ids(result), ['semver CVE-2022-25883', 'ws CVE-2024-37890']);
    assert.equal(result.summary.HIGH, 1);
    assert.equal(result.summary.MEDIUM, 1);
    assert.equal(result.summary.total, 2);
    assert.equal(result.advisoryDatabase?.path, db);
    assert.ok(result.inventory.packages.some((pkg) => pkg.name === 'lodash'), 'the inventory is kept for rescans');

    assert.deepEqual(scanner.scanResult(digest)?.findings, result.findings);
    assert.deepEqual(scanner.vulnerabilitySummary(digest), result.summary);
    assert.deepEqual(scanner.listScans({ repository: 'team/app' }).map((scan) => scan.digest), [digest]);
    assert.equal(scanner.scanState(digest)?.state, 'done');

    const referrers = await test.registry.manifests.referrers('team/app', digest, CYCLONEDX_ARTIFACT_TYPE);
    const [sbom] = referrers.index.manifests;
    assert.equal(referrers.index.manifests.length, 1);
    assert.equal(sbom?.digest, result.sbomDigest);
    const manifest = JSON.parse(Buffer.from((await test.registry.manifests.get('team/app', String(sbom?.digest))).content).toString()) as {
      subject: { digest: string };
      layers: Array<{ digest: string }>;
    };
    assert.equal(manifest.subject.digest, digest);
    const layer = await test.registry.readBlob('team/app', String(manifest.layers[0]?.digest));
    let text = '';
    for await (const chunk of layer.stream) text += String(chunk);
    const bom = JSON.parse(text) as { bomFormat: string; components: Array<{ name: string; version: string }> };
    assert.equal(bom.bomFormat, 'CycloneDX');
    assert.ok(bom.components.some((component) => component.name === 'lodash' && component.version === '4.17.20'));
    assert.equal(scanner.scanState(String(sbom?.digest)), undefined, 'the SBOM artifact is not scanned itself');

    const delivered = await waitFor('scan.completed webhook', () => parsed(receiver, 'scan.completed').find((body) => body.data.digest === digest));
    assert.deepEqual(delivered.data.summary, result.summary);
    const raw = receiver.received.find((entry) => entry.body.includes(delivered.id));
    assert.ok(raw);
    assert.equal(raw.headers['x-portcullis-signature'], signBody(SECRET, raw.body));
    assert.equal(raw.headers['x-portcullis-delivery'], delivered.id);
    assert.equal(raw.headers['x-portcullis-event'], 'scan.completed');
    assert.match(String(raw.headers['x-portcullis-timestamp']), /^\d{10}$/);
    await scanner.close();
  });

  it('rescans stored inventories when the advisory database changes and reports new and fixed findings', async () => {
    const scanner = open({ watchIntervalMs: 100 });
    const digest = scanner.listScans({ repository: 'team/app' })[0]?.digest;
    assert.ok(digest, 'the image of the previous test is stored');
    const rescanned = once(scanner.events, 'rescanCompleted');
    await importGhsa(db, [GHSA.ws, GHSA.lodashModerate, GHSA.lodashHigh]);
    const [report] = (await rescanned) as [import('./index.ts').RescanReport];
    const change = report.changed.find((image) => image.digest === digest);
    assert.ok(change, 'the image changed');
    assert.deepEqual(change.added.map((finding) => finding.id).sort(), ['CVE-2020-28500', 'CVE-2021-23337']);
    assert.deepEqual(change.fixed.map((finding) => finding.id), ['CVE-2022-25883']);
    assert.deepEqual(ids(scanner.scanResult(digest) as ScanResult), ['lodash CVE-2020-28500', 'lodash CVE-2021-23337', 'ws CVE-2024-37890']);

    const alert = await waitFor('findings.new webhook', () => parsed(receiver, 'findings.new').find((body) => body.data.digest === digest));
    const findings = alert.data.findings as Array<{ id: string; package: { name: string }; fixedVersion?: string; severity: string }>;
    assert.deepEqual(
      findings.map((finding) => [finding.id, finding.package.name, finding.fixedVersion, finding.severity]),
      [['CVE-2021-23337', 'lodash', '4.17.21', 'HIGH']],
      'only new findings at or above HIGH are listed',
    );
    assert.equal(alert.data.fixedCount, 1);

    const again = await scanner.rescanAll();
    assert.equal(again.rescanned, 1);
    assert.deepEqual(again.changed, [], 'a rescan against the same data changes nothing');
    await scanner.close();
  });

  it('retries a failing webhook receiver with exponential backoff, across a restart', async () => {
    let failing = true;
    const flaky = await startWebhookReceiver(() => (failing ? 503 : 200));
    try {
      const first = open({ webhooks: { urls: [flaky.url], secret: SECRET, baseDelayMs: 150 } });
      await test.registry.manifests.delete('team/app', '1');
      await waitFor('three failed attempts', () => (flaky.received.length >= 3 ? true : undefined));
      await first.close();
      const gaps = flaky.received.slice(1, 3).map((entry, index) => entry.at - (flaky.received[index]?.at ?? 0));
      assert.ok(gaps[0] !== undefined && gaps[0] >= 140, `first retry after ~150 ms, got ${gaps[0]}`);
      assert.ok(gaps[1] !== undefined && gaps[1] >= 280, `second retry after ~300 ms, got ${gaps[1]}`);
      const deliveryIds = new Set(flaky.received.map((entry) => entry.headers['x-portcullis-delivery']));
      assert.equal(deliveryIds.size, 1, 'retries resend the same delivery');

      failing = false;
      const second = open({ webhooks: { urls: [flaky.url], secret: SECRET, baseDelayMs: 150 } });
      const delivered = await waitFor('the delivery after the restart', () => flaky.received.find((entry) => entry.status === 200));
      assert.equal(delivered.headers['x-portcullis-delivery'], [...deliveryIds][0]);
      assert.equal(delivered.headers['x-portcullis-signature'], signBody(SECRET, delivered.body));
      assert.equal((JSON.parse(delivered.body) as Delivery).type, 'delete');
      await second.close();
    } finally {
      await flaky.close();
    }
  });

  it('fails the job of an image whose layer is corrupt on disk, with a clear error, and keeps scanning others', async () => {
    const scanner = open();
    const image = buildNpmImage({ lodash: '4.17.20', left: '1.0.0' });
    const failed = once(scanner.events, 'scanFailed') as Promise<[ScanFailed]>;
    const layer = image.layers[0];
    assert.ok(layer);
    // The blob passes the upload's digest check, then rots on disk before the scan reads it.
    await pushBlobs(test.registry, 'team/rotten', image);
    await writeFile(join(test.dataDir, 'blobs', 'sha256', layer.digest.slice(7, 9), layer.digest.slice(7)), Buffer.alloc(layer.bytes.length, 7));
    const { digest } = await test.registry.manifests.put('team/rotten', '1', image.manifest.bytes, image.manifest.mediaType);
    const [failure] = await failed;
    assert.equal(failure.digest, digest);
    assert.match(failure.error, /DIGEST_MISMATCH/);
    assert.match(failure.error, new RegExp(layer.digest));
    assert.equal(scanner.scanState(digest)?.state, 'failed');
    assert.equal(scanner.scanState(digest)?.attempts, 1, 'a bad image is not retried');
    assert.equal(scanner.scanResult(digest), undefined);
    assert.deepEqual(scanner.listJobs('scan', 'failed').map((job) => job.key), [`scan:${digest}`]);

    const completed = once(scanner.events, 'scanCompleted') as Promise<[ScanResult]>;
    const good = await pushBuilt(test.registry, 'team/app', '2', buildNpmImage({ ws: '7.4.0' }));
    assert.equal((await completed)[0].digest, good);
    await scanner.close();
  });

  it('queues each platform manifest of an index, durably, and stores inventories without an advisory database', async () => {
    const amd = buildImage({ ...npmImage({ ws: '7.3.0' }), platform: { os: 'linux', architecture: 'amd64' } });
    const arm = buildImage({ ...npmImage({ ws: '7.4.1' }), platform: { os: 'linux', architecture: 'arm64' } });
    const children = [await pushBuilt(test.registry, 'team/multi', 'amd64', amd), await pushBuilt(test.registry, 'team/multi', 'arm64', arm)];
    // Opened after the children were pushed, so only the index push can queue them.
    const queuing = open({ scanWorkers: 0 });
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        manifests: [amd, arm].map((image) => ({ mediaType: image.manifest.mediaType, digest: image.manifest.digest, size: image.manifest.bytes.length, platform: image.platform })),
      }),
    );
    const { digest: indexDigest } = await test.registry.manifests.put('team/multi', 'latest', index, OCI_INDEX);
    await waitFor('both jobs queued', () => (children.every((child) => queuing.scanState(child)?.state === 'queued') ? true : undefined));
    assert.equal(queuing.scanState(indexDigest), undefined, 'the index itself is not an image');
    await queuing.close();

    const scanner = open({ advisoryDb: join(work, 'missing.db') });
    for (const child of children) {
      const result = await waitFor(`scan of ${child}`, () => scanner.scanResult(child));
      assert.equal(result.advisoryDatabase, undefined);
      assert.deepEqual(result.findings, []);
      assert.ok(result.inventory.packages.some((pkg) => pkg.name === 'ws'));
    }
    const completed = await waitFor('scan.completed without a database', () => parsed(receiver, 'scan.completed').find((body) => body.data.digest === children[0]));
    assert.equal(completed.data.matched, false);
    await scanner.close();
  });
});
