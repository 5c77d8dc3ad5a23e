/**
 * The scan writer against the real RegistryScanner: a real registry on a temporary directory, a
 * real advisory database built from the shared advisory data, an npm image pushed through the
 * registry service. Checks what a first scan records, what a rescan changes, and that triage
 * (assessments, exceptions) survives rescans.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type TestRegistry, openTestRegistry } from '../registry/testing.ts';
import { type RescanReport, RegistryScanner, type ScanResult } from '../registry-scan/index.ts';
import { GHSA, VULNDATA, buildNpmImage, importGhsa, pushBuilt } from '../registry-scan/testing.ts';
import type { ExceptionFact } from './assessments.ts';
import type { Occurrence } from './model.ts';
import { isRemovedFinding } from './scan-writer.ts';
import { MetadataService } from './service.ts';
import { type MetadataStore, openMetadataStore } from './store.ts';
import { vulnerabilitySummary } from './summary.ts';

const HOST = 'registry.test:5000';

describe('scan writer with the RegistryScanner', () => {
  let work: string;
  let db: string;
  let test: TestRegistry;
  let scanner: RegistryScanner;
  let store: MetadataStore;
  let service: MetadataService;
  let unfollow: () => void;
  let digest: string;
  let resourceUri: string;
  const exceptions: ExceptionFact[] = [];

  before(async () => {
    assert.ok(existsSync(VULNDATA), `the shared advisory data is missing at ${VULNDATA}`);
    work = await mkdtemp(join(tmpdir(), 'portcullis-metadata-scan-'));
    db = join(work, 'advisories.db');
    await importGhsa(db, [GHSA.ws, GHSA.semver]);
    test = await openTestRegistry();
    scanner = new RegistryScanner({ registry: test.registry, dataDir: test.dataDir, advisoryDb: db, toolVersion: '0.0.0-test', watchIntervalMs: 0 });
    scanner.start();
    store = openMetadataStore(test.dataDir);
    service = new MetadataService({ store, host: HOST, exceptions: () => exceptions });
    unfollow = service.follow(scanner);
  });
  after(async () => {
    unfollow();
    await scanner.close();
    store.close();
    await test.close();
    await rm(work, { recursive: true, force: true });
  });

  const ofKind = (kind: string): Occurrence[] => store.occurrences.ofResource(resourceUri, [kind]);
  const vulnerabilityIds = () => ofKind('VULNERABILITY').filter((occurrence) => !isRemovedFinding(occurrence)).map((occurrence) => occurrence.noteName).sort();

  it('records discovery, packages, vulnerabilities with provider notes, and the SBOM', async () => {
    const completed = once(scanner.events, 'scanCompleted') as Promise<[ScanResult]>;
    digest = await pushBuilt(test.registry, 'team/app', '1', buildNpmImage({ ws: '7.4.0', semver: '7.5.1' }));
    const [result] = await completed;
    resourceUri = service.resourceUri('team/app', digest);
    assert.equal(resourceUri, `https://${HOST}/team/app@${digest}`);

    const [discovery] = ofKind('DISCOVERY');
    const details = discovery?.discovery as Record<string, unknown>;
    assert.equal(details.analysisStatus, 'FINISHED_SUCCESS');
    assert.equal(details.lastScanTime, new Date(result.scannedAt).toISOString());
    assert.equal(discovery?.name.startsWith('projects/team/occurrences/'), true);

    const packages = ofKind('PACKAGE').map((occurrence) => (occurrence.package as { name: string }).name).sort();
    assert.deepEqual(packages, result.inventory.packages.map((pkg) => pkg.name).sort());
    assert.ok(packages.includes('ws') && packages.includes('semver'));

    assert.deepEqual(vulnerabilityIds(), ['projects/portcullis/notes/CVE-2022-25883', 'projects/portcullis/notes/CVE-2024-37890']);
    const ws = ofKind('VULNERABILITY').find((occurrence) => occurrence.noteName.endsWith('CVE-2024-37890'));
    const wsDetails = ws?.vulnerability as { severity: string; fixAvailable: boolean; packageIssue: Array<{ affectedPackage: string; affectedVersion: { name: string }; fixedVersion: { name?: string } }> };
    assert.equal(wsDetails.severity, 'HIGH');
    assert.equal(wsDetails.fixAvailable, true);
    assert.equal(wsDetails.packageIssue[0]?.affectedPackage, 'ws');
    assert.equal(wsDetails.packageIssue[0]?.affectedVersion.name, '7.4.0');
    assert.ok(wsDetails.packageIssue[0]?.fixedVersion.name !== undefined);
    const note = store.notes.get('portcullis', 'CVE-2024-37890');
    assert.equal(note.kind, 'VULNERABILITY');
    assert.equal((note.vulnerability as { severity: string }).severity, 'HIGH');

    const [sbom] = ofKind('SBOM_REFERENCE');
    const predicate = (sbom?.sbomReference as { payload: { predicate: { digest: { sha256: string } } } }).payload.predicate;
    assert.equal(`sha256:${predicate.digest.sha256}`, result.sbomDigest);
  });

  it('a rescan that loses a finding writes a "removed" revision, and a later one brings it back', async () => {
    exceptions.push({ vulnerability: 'cve-2024-37890', owner: 'team-payments', reason: 'not reachable from the public API', createdAt: Date.now() });
    store.occurrences.create('team', {
      resourceUri,
      noteName: createVexNote(),
      kind: 'VULNERABILITY_ASSESSMENT',
      vulnerabilityAssessment: { vulnerabilityId: 'CVE-2022-25883', state: 'NOT_AFFECTED', justification: { justificationType: 'VULNERABLE_CODE_NOT_PRESENT', details: 'ranges are constants' } },
    }, 'carol');
    const before = service.assessmentsFor(resourceUri);

    await importGhsa(db, [GHSA.ws]);
    const rescanned = once(scanner.events, 'rescanCompleted') as Promise<[RescanReport]>;
    await scanner.rescanAll();
    await rescanned;
    assert.deepEqual(vulnerabilityIds(), ['projects/portcullis/notes/CVE-2024-37890']);
    const semver = ofKind('VULNERABILITY').find((occurrence) => occurrence.noteName.endsWith('CVE-2022-25883'));
    assert.ok(semver !== undefined && isRemovedFinding(semver), 'the lost finding is kept and marked removed');
    const [, project = '', , id = ''] = semver.name.split('/');
    const history = store.occurrences.history(project, id);
    assert.equal(history.length, 2);
    assert.equal(isRemovedFinding(history[0]?.occurrence ?? semver), false, 'the earlier revision still says what was known then');
    assert.deepEqual(vulnerabilitySummary(store.occurrences.all('team', 'VULNERABILITY', undefined)).counts.map((count) => [count.severity, count.totalCount]), [['HIGH', '1']]);

    await importGhsa(db, [GHSA.ws, GHSA.semver]);
    const again = once(scanner.events, 'rescanCompleted') as Promise<[RescanReport]>;
    await scanner.rescanAll();
    await again;
    assert.equal(store.occurrences.history(project, id).length, 3);
    assert.equal(vulnerabilityIds().length, 2);

    // Triage lives apart from scan results: the rescans changed nothing about it.
    const assessments = service.assessmentsFor(resourceUri);
    assert.deepEqual(assessments, before);
    assert.deepEqual(assessments.get('CVE-2022-25883'), { status: 'not_affected', justification: 'vulnerable_code_not_present', author: 'carol', reason: 'ranges are constants' });
    assert.deepEqual(assessments.get('CVE-2024-37890'), { status: 'not_affected', justification: 'exception', author: 'team-payments', reason: 'not reachable from the public API' });
  });

  it('records a failed scan as FINISHED_FAILED on the same discovery occurrence', () => {
    service.recordScanFailed({ repository: 'team/app', digest, error: 'layer blob missing' });
    const discoveries = ofKind('DISCOVERY');
    assert.equal(discoveries.length, 1);
    const details = discoveries[0]?.discovery as { analysisStatus: string; analysisStatusError: { message: string } };
    assert.equal(details.analysisStatus, 'FINISHED_FAILED');
    assert.equal(details.analysisStatusError.message, 'layer blob missing');
  });

  function createVexNote(): string {
    return String(store.notes.create('team', 'vex', { kind: 'VULNERABILITY_ASSESSMENT', vulnerabilityAssessment: { title: 'team triage' } }).name);
  }
});
