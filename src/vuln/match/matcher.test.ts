import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { matchInventory } from './index.ts';
import { BOOKWORM, findingIds as ids, inventoryOf } from './testing/inventory.ts';
import { debianTrackerSample, ghsaRecords, lookupOf, readOsv, vulndataPath } from './testing/vulndata.ts';

const GHSA = lookupOf(ghsaRecords());
const DEBIAN_JSON = debianTrackerSample();
const DEBIAN = lookupOf(DEBIAN_JSON);

describe('matchInventory on real GitHub advisories', () => {
  it('finds Log4Shell in log4j-core 2.14.1, with the fix from the data', () => {
    const inventory = inventoryOf(undefined, [{ type: 'maven', namespace: 'org.apache.logging.log4j', name: 'log4j-core', version: '2.14.1' }]);
    const [finding, ...rest] = matchInventory(inventory, GHSA);
    assert.equal(rest.length, 0);
    assert.ok(finding);
    assert.equal(finding.id, 'CVE-2021-44228');
    assert.deepEqual(finding.aliases, ['GHSA-jfh8-c2jp-5v3q']);
    assert.deepEqual(finding.advisoryIds, ['GHSA-jfh8-c2jp-5v3q']);
    assert.equal(finding.status, 'fixed');
    assert.deepEqual(finding.fixedVersions, ['2.3.1', '2.12.2', '2.15.0']);
    assert.equal(finding.fixedVersion, '2.15.0');
    assert.equal(finding.severity, 'CRITICAL');
    assert.deepEqual(finding.cvss, [{ version: '3.1', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', baseScore: 10 }]);
    assert.equal(finding.title, 'Remote code injection in Log4j');
    assert.equal(finding.package.ecosystem, 'Maven');
    assert.equal(finding.package.matchedName, 'org.apache.logging.log4j:log4j-core');
    assert.equal(finding.published, '2021-12-10T00:40:56Z');
    assert.ok(finding.references.some((reference) => reference.url === 'https://nvd.nist.gov/vuln/detail/CVE-2021-44228'));
  });

  it('suggests the lowest fix above the installed version, and nothing for fixed versions', () => {
    const at = (version: string) =>
      matchInventory(inventoryOf(undefined, [{ type: 'maven', namespace: 'org.apache.logging.log4j', name: 'log4j-core', version }]), GHSA);
    assert.equal(at('2.12.1')[0]?.fixedVersion, '2.12.2');
    assert.equal(at('2.0')[0]?.fixedVersion, '2.3.1');
    assert.deepEqual(at('2.15.0'), []);
    assert.deepEqual(at('2.12.2'), []);
    assert.deepEqual(at('2.3.1'), [], '2.3.1 is fixed; 2.4 is where the next range starts');
  });

  it('finds the lodash advisories whose ranges hold 4.17.20 and 4.17.19, and none in 4.17.21', () => {
    const at = (version: string) => ids(matchInventory(inventoryOf(undefined, [{ type: 'npm', name: 'lodash', version }]), GHSA));
    // 4.17.20 fixed the prototype pollution of CVE-2020-8203 (GHSA-p6mc-m468-83gw); 4.17.21 fixed the rest.
    assert.deepEqual(at('4.17.20'), ['CVE-2020-28500', 'CVE-2021-23337']);
    assert.deepEqual(at('4.17.19'), ['CVE-2020-28500', 'CVE-2020-8203', 'CVE-2021-23337']);
    assert.deepEqual(at('4.17.11'), ['CVE-2019-10744', 'CVE-2020-28500', 'CVE-2020-8203', 'CVE-2021-23337']);
    assert.deepEqual(at('4.17.21'), []);
  });

  it('orders findings by severity, then id', () => {
    const findings = matchInventory(inventoryOf(undefined, [{ type: 'npm', name: 'lodash', version: '4.17.11' }]), GHSA);
    assert.deepEqual(
      findings.map((finding) => [finding.severity, finding.id]),
      [
        ['CRITICAL', 'CVE-2019-10744'],
        ['HIGH', 'CVE-2020-8203'],
        ['HIGH', 'CVE-2021-23337'],
        ['MEDIUM', 'CVE-2020-28500'],
      ],
    );
  });

  it('keeps the npm scope and matches the unscoped name only', () => {
    const findings = matchInventory(inventoryOf(undefined, [{ type: 'npm', namespace: '@evil', name: 'lodash', version: '4.17.11' }]), GHSA);
    assert.deepEqual(findings, []);
  });

  it('matches NuGet names without regard to case', () => {
    const findings = matchInventory(inventoryOf(undefined, [{ type: 'nuget', name: 'newtonsoft.json', version: '12.0.3' }]), GHSA);
    assert.deepEqual(ids(findings), ['GHSA-5crp-9r3c-p9vr']);
    assert.equal(findings[0]?.fixedVersion, '13.0.1');
  });

  it('does not match the application itself', () => {
    const findings = matchInventory(inventoryOf(undefined, [{ type: 'npm', name: 'lodash', version: '4.17.11', isRoot: true }]), GHSA);
    assert.deepEqual(findings, []);
  });

  it('warns about an installed version the ecosystem rejects, and matches the rest', () => {
    const warnings: string[] = [];
    const inventory = inventoryOf(undefined, [
      { type: 'npm', name: 'lodash', version: 'github:lodash/lodash#abc' },
      { type: 'npm', name: 'minimist', version: '1.2.0' },
    ]);
    const findings = matchInventory(inventory, GHSA, { warn: (message) => warnings.push(message) });
    assert.deepEqual(ids(findings), ['CVE-2020-7598', 'CVE-2021-44906']);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /lodash.*not a valid npm version/);
  });

  it('produces JSON-serialisable findings', () => {
    const findings = matchInventory(inventoryOf(undefined, [{ type: 'npm', name: 'lodash', version: '4.17.11' }]), GHSA);
    assert.deepEqual(JSON.parse(JSON.stringify(findings)), findings);
  });
});

describe('matchInventory on real Go and PyPI records', () => {
  const go = lookupOf([readOsv(vulndataPath('golang-vulndb/data/osv/GO-2023-1571.json'))]);

  it('matches the Go stdlib and modules with the go command\'s "v" versions', () => {
    const inventory = inventoryOf(undefined, [
      { type: 'golang', name: 'stdlib', version: 'v1.20.0' },
      { type: 'golang', name: 'golang.org/x/net', version: 'v0.6.0' },
      { type: 'golang', name: 'golang.org/x/net', version: 'v0.7.0' },
    ]);
    const findings = matchInventory(inventory, go);
    assert.deepEqual(
      findings.map((finding) => [finding.package.name, finding.id, finding.fixedVersion]),
      [
        ['golang.org/x/net', 'CVE-2022-41723', '0.7.0'],
        ['stdlib', 'CVE-2022-41723', '1.20.1'],
      ],
    );
    assert.deepEqual(findings[0]?.aliases, ['GHSA-vvpx-j8f3-3w6h', 'GO-2023-1571']);
  });

  const pypi = lookupOf([readOsv(vulndataPath('pypa-advisory-database/vulns/requests/PYSEC-2014-13.yaml'))]);

  it('matches PyPI names after PEP 503 normalisation', () => {
    const findings = matchInventory(inventoryOf(undefined, [{ type: 'pypi', name: 'Requests', version: '2.2.1' }]), pypi);
    assert.deepEqual(ids(findings), ['CVE-2014-1829']);
    assert.deepEqual(findings[0]?.aliases, ['GHSA-cfj3-7x9c-4p3h', 'PYSEC-2014-13']);
    assert.equal(findings[0]?.fixedVersion, '2.3.0');
  });

  it('never matches a package the OS package manager installed against PyPI advisories', () => {
    const owned = 'pkg:deb/debian/python3-requests@2.2.1-1?arch=all&distro=debian-12';
    const inventory = inventoryOf(BOOKWORM, [{ type: 'pypi', name: 'requests', version: '2.2.1', ownedBy: owned }]);
    assert.deepEqual(matchInventory(inventory, pypi), []);
  });
});

describe('matchInventory on the Debian security tracker', () => {
  it('matches a bookworm binary package by its source package, with the release\'s fix', () => {
    const inventory = inventoryOf(BOOKWORM, [{ type: 'deb', name: 'libsope1', version: '5.8.0-1', sourceName: 'sope', sourceVersion: '5.8.0-1' }]);
    const [finding, ...rest] = matchInventory(inventory, DEBIAN);
    assert.equal(rest.length, 0);
    assert.equal(finding?.id, 'CVE-2025-53603');
    assert.equal(finding?.package.ecosystem, 'Debian:12');
    assert.equal(finding?.package.matchedName, 'sope');
    assert.deepEqual(finding?.fixedVersions, ['5.8.0-1+deb12u1']);
    assert.equal(finding?.fixedVersion, '5.8.0-1+deb12u1');
    // The tracker has no urgency for it yet ("not yet assigned") and no CVSS: nothing to rate by.
    assert.equal(finding?.severity, 'UNKNOWN');
    assert.equal(finding?.severitySource, undefined);
  });

  it('uses only the records of the image\'s release', () => {
    const bullseye = { id: 'debian', versionId: '11', source: 'etc/os-release' };
    const inventory = inventoryOf(bullseye, [{ type: 'deb', name: 'libsope1', version: '5.0.1-2', sourceName: 'sope', sourceVersion: '5.0.1-2' }]);
    assert.equal(matchInventory(inventory, DEBIAN)[0]?.fixedVersion, '5.0.1-2+deb11u1');
    const fixed = inventoryOf(BOOKWORM, [{ type: 'deb', name: 'libsope1', version: '5.8.0-1+deb12u1', sourceName: 'sope', sourceVersion: '5.8.0-1+deb12u1' }]);
    assert.deepEqual(matchInventory(fixed, DEBIAN), []);
  });

  it('does not match the binary name when the source differs', () => {
    const inventory = inventoryOf(BOOKWORM, [{ type: 'deb', name: 'libsope1', version: '5.8.0-1' }]);
    assert.deepEqual(matchInventory(inventory, DEBIAN), []);
  });

  it('rates by Debian urgency, and honours "not affected" verdicts', () => {
    const buster = { id: 'debian', versionId: '10', codename: 'buster', source: 'etc/os-release' };
    const inventory = inventoryOf(buster, [
      { type: 'deb', name: 'backupninja', version: '0.5-3' },
      { type: 'deb', name: 'txt2man', version: '1.5.5-4' },
      { type: 'deb', name: 'libjs-prototype', version: '1.5.0-1', sourceName: 'prototypejs', sourceVersion: '1.5.0-1' },
    ]);
    const findings = matchInventory(inventory, DEBIAN);
    assert.deepEqual(
      findings.map((finding) => [finding.id, finding.severity, finding.severitySource, finding.fixedVersion]),
      [
        ['CVE-2008-7220', 'HIGH', 'debian', '1.6.0.2-1'],
        ['CVE-2005-3111', 'MEDIUM', 'debian', '0.8-2'],
        ['CVE-2013-1444', 'LOW', 'debian', '1.5.5-4.1'],
      ],
      'CVE-2007-2383 is marked not affected (fixed_version 0) and must not appear',
    );
  });

  it('reports open issues as unfixed, and drops them with ignoreUnfixed', () => {
    const buster = { id: 'debian', versionId: '10', source: 'etc/os-release' };
    const inventory = inventoryOf(buster, [
      { type: 'deb', name: 'chromium', version: '90.0.4430.212-1~deb10u1' },
      { type: 'deb', name: 'backupninja', version: '0.5-3' },
    ]);
    const all = matchInventory(inventory, DEBIAN);
    const chromium = all.find((finding) => finding.id === 'CVE-2022-0456');
    assert.equal(chromium?.status, 'unfixed');
    assert.equal(chromium?.fixedVersion, undefined);
    assert.deepEqual(chromium?.fixedVersions, []);
    assert.deepEqual(ids(matchInventory(inventory, DEBIAN, { ignoreUnfixed: true })), ['CVE-2005-3111']);
  });
});
