import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { buildScanReport } from './build.ts';
import { exitCodeFor } from './exit-code.ts';
import { parseIgnoreFile } from './ignore-file.ts';
import type { IgnoreEntry, ScanReport } from './model.ts';
import { INVENTORY, makeFinding, sampleFindings } from './testing.ts';
import { parseOpenVex } from './vex.ts';

const NOW = new Date('2026-06-01T00:00:00Z');
const IGNORES = parseIgnoreFile(readFileSync(new URL('testdata/ignore/basic.yaml', import.meta.url)), 'basic.yaml');
const VEX = parseOpenVex(readFileSync(new URL('testdata/vex/image.openvex.json', import.meta.url)), 'image.openvex.json');

function build(fields: { ignores?: IgnoreEntry[]; vex?: typeof VEX[] } = {}): ScanReport {
  return buildScanReport({ inventory: INVENTORY, findings: sampleFindings(), toolVersion: '0.1.0-test', now: NOW, ...fields });
}

function entry(fields: Partial<IgnoreEntry> & Pick<IgnoreEntry, 'id'>): IgnoreEntry {
  return { reason: 'test', source: 'test:1', ...fields };
}

const reportedIds = (report: ScanReport) => report.findings.map(({ finding }) => finding.id);
const suppressedIds = (report: ScanReport) => report.suppressed.map(({ finding }) => finding.id);

describe('buildScanReport', () => {
  it('describes the target and orders findings most severe first, with counts', () => {
    const report = build();
    assert.deepEqual(reportedIds(report), ['GHSA-aaaa-bbbb-cccc', 'CVE-2024-0001', 'CVE-2024-0003', 'CVE-2024-0004']);
    assert.deepEqual(report.counts, { CRITICAL: 1, HIGH: 1, MEDIUM: 1, LOW: 1, NONE: 0, UNKNOWN: 0 });
    assert.deepEqual(report.target, {
      reference: 'registry.example.test:5000/team/web-app:1.4.2',
      kind: 'image',
      imageDigest: `sha256:${'1'.repeat(64)}`,
      os: INVENTORY.os,
    });
    // Seven packages, lodash twice: six distinct.
    assert.deepEqual(report.inventory, { packages: 6, byType: { deb: 2, maven: 1, npm: 2, pypi: 1 } });
    assert.equal(report.warnings.length, 1);
  });

  it('applies ignore entries by alias, purl, path glob, and reports expired ones', () => {
    const report = build({ ignores: IGNORES });
    assert.deepEqual(reportedIds(report), ['GHSA-aaaa-bbbb-cccc', 'CVE-2024-0004']);
    assert.deepEqual(suppressedIds(report), ['CVE-2024-0001', 'CVE-2024-0003']);
    const libssl = report.suppressed[0]?.suppressedBy;
    assert.equal(libssl?.kind, 'ignore');
    assert.equal(libssl?.kind === 'ignore' ? libssl.entry.source : '', 'basic.yaml:4');
    assert.deepEqual(report.expiredIgnores.map(({ entry: expired, wouldSuppress }) => [expired.id, wouldSuppress]), [['CVE-2024-0004', 1]]);
    assert.deepEqual(report.counts, { CRITICAL: 1, HIGH: 0, MEDIUM: 0, LOW: 1, NONE: 0, UNKNOWN: 0 });
  });

  it('limits ignore entries to the package and path they name', () => {
    const ids = (ignores: IgnoreEntry[]) => suppressedIds(build({ ignores }));
    assert.deepEqual(ids([entry({ id: 'CVE-2024-0001', package: 'pkg:deb/debian/libssl3?arch=amd64' })]), [], 'qualifier differs');
    assert.deepEqual(ids([entry({ id: 'CVE-2024-0001', package: 'pkg:deb/debian/libssl3?arch=arm64' })]), ['CVE-2024-0001']);
    assert.deepEqual(ids([entry({ id: 'CVE-2024-0001', package: 'pkg:deb/debian/libssl3@9.9' })]), [], 'version differs');
    assert.deepEqual(ids([entry({ id: 'CVE-2024-0001', package: 'openssl' })]), ['CVE-2024-0001'], 'source package name');
    assert.deepEqual(ids([entry({ id: 'CVE-2024-0002', package: '@babel/core' })]), ['GHSA-aaaa-bbbb-cccc'], 'alias and scoped name');
    assert.deepEqual(ids([entry({ id: 'CVE-2024-0002', package: 'lodash' })]), []);
    assert.deepEqual(ids([entry({ id: 'CVE-2024-0001', path: '/var/lib/dpkg/*' })]), ['CVE-2024-0001']);
    assert.deepEqual(ids([entry({ id: 'CVE-2024-0001', path: 'app/**' })]), []);
    assert.deepEqual(ids([entry({ id: 'CVE-2024-9999' })]), []);
  });

  it('suppresses not_affected and fixed VEX statements, keeps affected and under_investigation with the statement', () => {
    const report = build({ vex: [VEX] });
    assert.deepEqual(suppressedIds(report), ['GHSA-aaaa-bbbb-cccc']);
    const babel = report.suppressed[0]?.suppressedBy;
    assert.equal(babel?.kind === 'vex' ? babel.statement.justification : undefined, 'vulnerable_code_not_in_execute_path');
    const byId = new Map(report.findings.map((reported) => [reported.finding.id, reported.vex?.status]));
    assert.equal(byId.get('CVE-2024-0001'), 'under_investigation');
    // Two statements about lodash: the later one (affected) wins over the earlier fixed.
    assert.equal(byId.get('CVE-2024-0003'), 'affected');
    assert.equal(byId.get('CVE-2024-0004'), undefined);
  });

  it('does not apply image statements to another image', () => {
    const otherImage = { ...INVENTORY, image: { ...INVENTORY.image!, manifestDigest: `sha256:${'9'.repeat(64)}` } };
    const report = buildScanReport({ inventory: otherImage, findings: sampleFindings(), toolVersion: 't', vex: [VEX], now: NOW });
    assert.deepEqual(suppressedIds(report), []);
    assert.equal(report.findings.find(({ finding }) => finding.id === 'CVE-2024-0003')?.vex, undefined);
  });

  it('records VEX before ignore entries when both cover a finding', () => {
    const report = build({ vex: [VEX], ignores: [entry({ id: 'CVE-2024-0002' })] });
    assert.equal(report.suppressed[0]?.suppressedBy.kind, 'vex');
  });
});

describe('exitCodeFor', () => {
  it('fails only on reported findings at or above the threshold', () => {
    const report = build({ ignores: IGNORES });
    assert.equal(exitCodeFor(report), 0);
    assert.equal(exitCodeFor(report, 'CRITICAL'), 1);
    const withoutCritical = buildScanReport({ inventory: INVENTORY, findings: [makeFinding('lodash', { id: 'CVE-1', severity: 'MEDIUM' })], toolVersion: 't', now: NOW });
    assert.equal(exitCodeFor(withoutCritical, 'HIGH'), 0);
    assert.equal(exitCodeFor(withoutCritical, 'MEDIUM'), 1);
    assert.equal(exitCodeFor(withoutCritical, 'LOW'), 1);
    const allIgnored = buildScanReport({ inventory: INVENTORY, findings: [makeFinding('lodash', { id: 'CVE-1', severity: 'CRITICAL' })], toolVersion: 't', ignores: [entry({ id: 'CVE-1' })], now: NOW });
    assert.equal(exitCodeFor(allIgnored, 'LOW'), 0);
  });
});
