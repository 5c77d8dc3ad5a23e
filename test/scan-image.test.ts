/**
 * `portcullis scan` end to end: a real Debian minbase image with an npm layer and a Python layer of
 * known-vulnerable versions, matched against the real advisory data in ../shared/vulndata. Every
 * expected advisory is found with the right fixed version; the same packages at their fixed
 * versions produce no finding; distro verdicts (not-affected) are respected.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from './helpers/cli.ts';
import { debianWithLayers, type LayerFiles } from './helpers/layered-image.ts';

const VULNDATA = fileURLToPath(new URL('../../shared/vulndata/', import.meta.url));

interface ReportJson {
  findings: Array<{ finding: { id: string; aliases: string[]; package: { name: string; installedVersion: string }; fixedVersion?: string; status: string; severity: string } }>;
}

function npmLayer(versions: Record<string, string>): LayerFiles {
  const files: LayerFiles = { 'app/package.json': JSON.stringify({ name: 'shop', version: '1.0.0' }) };
  for (const [name, version] of Object.entries(versions)) {
    files[`app/node_modules/${name}/package.json`] = JSON.stringify({ name, version });
  }
  return files;
}

function pythonLayer(versions: Record<string, string>): LayerFiles {
  const files: LayerFiles = {};
  for (const [name, version] of Object.entries(versions)) {
    files[`usr/local/lib/python3.11/site-packages/${name}-${version}.dist-info/METADATA`] = `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n`;
  }
  return files;
}

const VULNERABLE_NPM = { lodash: '4.17.20', jsonwebtoken: '8.5.1', axios: '0.21.1', semver: '7.5.1', ws: '7.4.0' };
const FIXED_NPM = { lodash: '4.17.21', jsonwebtoken: '9.0.0', axios: '1.6.0', semver: '7.5.2', ws: '7.5.10' };
const VULNERABLE_PYPI = { requests: '2.19.0' };
const FIXED_PYPI = { requests: '2.20.0' };

/** [package, advisory id (best-known: the CVE), fixed version the scan must suggest] */
const EXPECTED: Array<[string, string, string]> = [
  ['lodash', 'CVE-2020-28500', '4.17.21'],
  ['lodash', 'CVE-2021-23337', '4.17.21'],
  ['jsonwebtoken', 'CVE-2022-23529', '9.0.0'],
  ['axios', 'CVE-2021-3749', '0.21.2'],
  ['axios', 'CVE-2023-45857', '1.6.0'],
  ['semver', 'CVE-2022-25883', '7.5.2'],
  ['ws', 'CVE-2024-37890', '7.5.10'],
  ['requests', 'CVE-2018-18074', '2.20.0'],
];

describe('scan of a real Debian image with vulnerable npm and Python layers', () => {
  let work: string;
  let db: string;
  before(async () => {
    assert.ok(existsSync(VULNDATA), `the shared advisory data is missing at ${VULNDATA}`);
    work = await mkdtemp(join(tmpdir(), 'portcullis-scan-'));
    db = join(work, 'advisories.db');
    const imported = await runCli(['db', 'import', '--db', db, '-q', VULNDATA]);
    assert.equal(imported.code, 0, imported.stderr);
  });
  after(() => rm(work, { recursive: true, force: true }));

  async function scan(target: string, extra: string[] = []): Promise<{ code: number | null; report: ReportJson; stderr: string }> {
    const result = await runCli(['scan', target, '--db', db, '-f', 'json', '-q', ...extra]);
    assert.ok(result.code === 0 || result.code === 1, result.stderr);
    return { code: result.code, report: JSON.parse(result.stdout) as ReportJson, stderr: result.stderr };
  }

  it('finds every expected advisory with the right fixed version, and the fixed image is clean', async () => {
    const vulnerable = await debianWithLayers(join(work, 'vulnerable'), [npmLayer(VULNERABLE_NPM), pythonLayer(VULNERABLE_PYPI)]);
    const { report, code } = await scan(vulnerable, ['--fail-on', 'LOW']);
    for (const [name, id, fixed] of EXPECTED) {
      const finding = report.findings.find((entry) => entry.finding.package.name === name && entry.finding.id === id);
      assert.ok(finding, `${id} on ${name} not reported; got ${report.findings.map((f) => `${f.finding.package.name}:${f.finding.id}`).join(' ')}`);
      assert.equal(finding.finding.fixedVersion, fixed, `${id} on ${name}`);
      assert.equal(finding.finding.status, 'fixed');
    }
    assert.equal(code, 1, '--fail-on LOW fails on these findings');

    const fixedImage = await debianWithLayers(join(work, 'fixed'), [npmLayer(FIXED_NPM), pythonLayer(FIXED_PYPI)]);
    const clean = await scan(fixedImage, ['--fail-on', 'LOW']);
    const names = new Set([...Object.keys(FIXED_NPM), ...Object.keys(FIXED_PYPI)]);
    assert.deepEqual(clean.report.findings.filter((entry) => names.has(entry.finding.package.name)).map((entry) => entry.finding.id), []);
  });

  it('respects the distro verdict: xz-utils is not affected by CVE-2024-3094 on bookworm', async () => {
    const base = await debianWithLayers(join(work, 'base'), []);
    const { report } = await scan(base);
    assert.equal(report.findings.find((entry) => entry.finding.id === 'CVE-2024-3094'), undefined);
  });

  it('scanning the image and scanning its SBOM give the same findings', async () => {
    const target = await debianWithLayers(join(work, 'sbom-image'), [npmLayer(VULNERABLE_NPM), pythonLayer(VULNERABLE_PYPI)]);
    const sbom = join(work, 'image.cdx.json');
    const written = await runCli(['sbom', target, '-f', 'cyclonedx', '-o', sbom, '-q']);
    assert.equal(written.code, 0, written.stderr);
    const ids = (report: ReportJson) => report.findings.map((entry) => `${entry.finding.package.name} ${entry.finding.id} ${entry.finding.fixedVersion}`).sort();
    assert.deepEqual(ids((await scan(sbom)).report), ids((await scan(target)).report));
  });

  it('an ignore file and --severity narrow the report', async () => {
    const target = await debianWithLayers(join(work, 'ignore-image'), [npmLayer(VULNERABLE_NPM)]);
    const ignoreFile = join(work, 'ignore.yaml');
    await writeFile(ignoreFile, 'ignore:\n  - id: CVE-2022-23529\n    reason: token library not reachable from user input\n    owner: security@example.com\n');
    const { report } = await scan(target, ['--ignorefile', ignoreFile]);
    assert.equal(report.findings.find((entry) => entry.finding.id === 'CVE-2022-23529'), undefined);
    assert.ok(report.findings.find((entry) => entry.finding.id === 'CVE-2020-28500'));

    const all = await scan(target);
    const high = all.report.findings.filter((entry) => entry.finding.severity === 'HIGH');
    assert.ok(high.length > 0 && high.length < all.report.findings.length, 'the image has HIGH and lesser findings');
    const severe = await scan(target, ['--severity', 'HIGH']);
    assert.deepEqual(
      severe.report.findings.map((entry) => entry.finding.id),
      high.map((entry) => entry.finding.id),
    );
  });
});
