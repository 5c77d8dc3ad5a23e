import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createMemoryLookup, matchInventory } from './index.ts';
import { BOOKWORM, findingIds as ids, inventoryOf } from './testing/inventory.ts';
import { advisory, fixedIn } from './testing/records.ts';
import { debianTrackerSample, ghsaRecords, lookupOf, readOsv, vulndataPath } from './testing/vulndata.ts';

const GHSA = lookupOf(ghsaRecords());
const DEBIAN_JSON = debianTrackerSample();

describe('matchInventory merging and choosing', () => {
  const log4j = readOsv(vulndataPath('ghsa/maven/GHSA-jfh8-c2jp-5v3q.json'), 'ghsa');

  it('merges a GHSA and a CVE record of one flaw into one finding named by the CVE', () => {
    const nvd = advisory('CVE-2021-44228', {
      summary: 'Apache Log4j2 JNDI features do not protect against attacker controlled LDAP endpoints',
      severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', source: 'nvd' }],
    });
    const record = { advisoryId: 'CVE-2021-44228', ecosystem: 'Maven', name: 'org.apache.logging.log4j:log4j-core', versions: [] };
    const lookup = createMemoryLookup(
      [log4j.advisory, nvd],
      [...log4j.affected, { ...record, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '2.0-beta9' }, { fixed: '2.15.0' }] }] }],
    );
    const findings = matchInventory(inventoryOf(undefined, [{ type: 'maven', namespace: 'org.apache.logging.log4j', name: 'log4j-core', version: '2.14.1' }]), lookup);
    assert.equal(findings.length, 1);
    assert.equal(findings[0]?.id, 'CVE-2021-44228');
    assert.deepEqual(findings[0]?.advisoryIds, ['CVE-2021-44228', 'GHSA-jfh8-c2jp-5v3q']);
    assert.deepEqual(findings[0]?.fixedVersions, ['2.3.1', '2.12.2', '2.15.0']);
    assert.equal(findings[0]?.severitySource, 'nvd');
    assert.equal(findings[0]?.title, nvd.summary, 'the CVE record, as best id, gives the title');
  });

  it('reports each CVE of an umbrella distro advisory once, the DSA with each', () => {
    const dsa = advisory('DSA-5022-1', { aliases: ['CVE-2021-45046', 'CVE-2021-45105'] });
    const lookup = createMemoryLookup(
      [dsa, advisory('CVE-2021-45046'), advisory('CVE-2021-45105')],
      [
        fixedIn('DSA-5022-1', 'Debian:11', 'apache-log4j2', '2.17.0-1~deb11u1'),
        fixedIn('CVE-2021-45046', 'Debian:11', 'apache-log4j2', '2.16.0-1~deb11u1', { distroSeverity: 'high' }),
      ],
    );
    const bullseye = { id: 'debian', versionId: '11', source: 'etc/os-release' };
    const findings = matchInventory(inventoryOf(bullseye, [{ type: 'deb', name: 'liblog4j2-java', version: '2.15.0-1~deb11u1', sourceName: 'apache-log4j2' }]), lookup);
    assert.deepEqual(
      findings.map((finding) => [finding.id, finding.advisoryIds, finding.aliases, finding.fixedVersion]),
      [
        ['CVE-2021-45046', ['CVE-2021-45046', 'DSA-5022-1'], ['DSA-5022-1'], '2.16.0-1~deb11u1'],
        ['CVE-2021-45105', ['DSA-5022-1'], ['DSA-5022-1'], '2.17.0-1~deb11u1'],
      ],
    );
  });

  it('prefers the distro\'s word over CVSS for OS packages, and CVSS for libraries', () => {
    const flaw = advisory('CVE-2099-0001', { severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', source: 'nvd' }] });
    const lookup = createMemoryLookup([flaw], [
      fixedIn('CVE-2099-0001', 'Debian:12', 'zlib', '1:1.2.13.dfsg-2', { distroSeverity: 'unimportant' }),
      fixedIn('CVE-2099-0001', 'npm', 'zlib', '2.0.0'),
    ]);
    const inventory = inventoryOf(BOOKWORM, [
      { type: 'deb', name: 'zlib1g', version: '1:1.2.13.dfsg-1', sourceName: 'zlib' },
      { type: 'npm', name: 'zlib', version: '1.0.0' },
    ]);
    const findings = matchInventory(inventory, lookup);
    assert.deepEqual(
      findings.map((finding) => [finding.package.type, finding.severity, finding.severitySource]),
      [
        ['npm', 'CRITICAL', 'nvd'],
        ['deb', 'LOW', 'debian'],
      ],
    );
  });

  it('falls back to the database word when no vector scores, and warns about the bad vector', () => {
    const warnings: string[] = [];
    const flaw = advisory('GHSA-xxxx-yyyy-zzzz', {
      severity: [
        { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/garbage' },
        { type: 'DISTRO', score: 'MODERATE', source: 'ghsa' },
      ],
    });
    const lookup = createMemoryLookup([flaw], [fixedIn('GHSA-xxxx-yyyy-zzzz', 'crates.io', 'smallvec', '1.6.1')]);
    const findings = matchInventory(inventoryOf(undefined, [{ type: 'cargo', name: 'smallvec', version: '1.6.0' }]), lookup, { warn: (message) => warnings.push(message) });
    assert.equal(findings[0]?.severity, 'MEDIUM');
    assert.equal(findings[0]?.severitySource, 'ghsa');
    assert.deepEqual(findings[0]?.cvss, []);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /malformed CVSS vector/);
  });

  it('marks distro will-not-fix verdicts, with no fixed version', () => {
    const lookup = createMemoryLookup([advisory('CVE-2099-0002')], [
      { advisoryId: 'CVE-2099-0002', ecosystem: 'Debian:12', name: 'glibc', ranges: [], versions: [], distroStatus: 'will-not-fix', distroSeverity: 'low' },
    ]);
    const inventory = inventoryOf(BOOKWORM, [{ type: 'deb', name: 'libc6', version: '2.36-9+deb12u4', sourceName: 'glibc' }]);
    const [finding] = matchInventory(inventory, lookup);
    assert.equal(finding?.status, 'will-not-fix');
    assert.equal(finding?.fixedVersion, undefined);
    assert.deepEqual(matchInventory(inventory, lookup, { ignoreUnfixed: true }), []);
  });

  it('matches plain "Debian" records in every release, and Alpine records by origin and branch', () => {
    const lookup = createMemoryLookup([advisory('CVE-2099-0003'), advisory('CVE-2099-0004')], [
      fixedIn('CVE-2099-0003', 'Debian', 'curl', '7.88.1-10+deb12u5'),
      fixedIn('CVE-2099-0004', 'Alpine:v3.20', 'openssl', '3.3.2-r0'),
      fixedIn('CVE-2099-0004', 'Alpine:v3.19', 'openssl', '3.1.7-r0'),
    ]);
    const debian = matchInventory(inventoryOf(BOOKWORM, [{ type: 'deb', name: 'libcurl4', version: '7.88.1-10+deb12u4', sourceName: 'curl' }]), lookup);
    assert.deepEqual(ids(debian), ['CVE-2099-0003']);
    const alpine = { id: 'alpine', versionId: '3.20.3', source: 'etc/os-release' };
    const found = matchInventory(inventoryOf(alpine, [{ type: 'apk', name: 'libcrypto3', version: '3.3.1-r0', sourceName: 'openssl' }]), lookup);
    assert.deepEqual(found.map((finding) => [finding.id, finding.package.ecosystem, finding.fixedVersions]), [['CVE-2099-0004', 'Alpine:v3.20', ['3.3.2-r0']]]);
  });

  it('filters by package class and severity', () => {
    const inventory = inventoryOf(BOOKWORM, [
      { type: 'npm', name: 'lodash', version: '4.17.11' },
      { type: 'deb', name: 'libsope1', version: '5.8.0-1', sourceName: 'sope' },
    ]);
    const both = lookupOf([...ghsaRecords(), ...DEBIAN_JSON]);
    assert.deepEqual(ids(matchInventory(inventory, both, { pkgTypes: ['os'] })), ['CVE-2025-53603']);
    assert.equal(matchInventory(inventory, both, { pkgTypes: ['library'] }).length, 4);
    assert.deepEqual(ids(matchInventory(inventory, both, { severities: ['CRITICAL'] })), ['CVE-2019-10744']);
  });
});

describe('matchInventory on hostile input', () => {
  it('survives oversized, malformed and bad-UTF-8 names and versions, and odd OS releases', () => {
    const loneSurrogate = Buffer.from([0x6c, 0x6f, 0xff, 0xfe]).toString('utf8') + '\ud800';
    const odd = { id: 'debian', versionId: '../../12\u0000', codename: '\u202e', source: 'etc/os-release' };
    const inventory = inventoryOf(odd, [
      { type: 'npm', name: 'x'.repeat(1_000_000), version: 'not-a-version' },
      { type: 'npm', name: loneSurrogate, version: loneSurrogate, purl: 'pkg:npm/lo%EF%BF%BD' },
      { type: 'pypi', name: '._-'.repeat(10_000), version: '1.0' },
      { type: 'deb', name: 'libsope1', version: '\u0000', sourceName: 'sope', sourceVersion: '' },
      { type: 'maven', name: 'log4j-core', version: '2.14.1', purl: 'pkg:maven/log4j-core@2.14.1' },
      { type: 'npm', name: 'lodash', version: '4.17.20' },
    ]);
    const warnings: string[] = [];
    const findings = matchInventory(inventory, GHSA, { warn: (message) => warnings.push(message) });
    // Only lodash is well-formed and listed; log4j-core without its group is not the Maven name.
    assert.deepEqual(ids(findings), ['CVE-2020-28500', 'CVE-2021-23337']);
    assert.ok(warnings.some((message) => message.includes('not a valid npm version')));
    for (const message of warnings) assert.ok(message.length < 1000, 'warnings quote bounded excerpts');
  });

  it('keeps alias groups bounded to one flaw when records alias each other in a ring', () => {
    const ring = [
      advisory('GHSA-aaaa-aaaa-aaaa', { aliases: ['PYSEC-2099-1'] }),
      advisory('PYSEC-2099-1', { aliases: ['GHSA-aaaa-aaaa-aaaa', 'OSV-2099-1'] }),
      advisory('OSV-2099-1', { aliases: ['GHSA-aaaa-aaaa-aaaa'] }),
    ];
    const lookup = createMemoryLookup(ring, [
      fixedIn('PYSEC-2099-1', 'PyPI', 'demo', '2.0'),
      fixedIn('OSV-2099-1', 'PyPI', 'demo', '1.9'),
    ]);
    const findings = matchInventory(inventoryOf(undefined, [{ type: 'pypi', name: 'demo', version: '1.0' }]), lookup);
    assert.deepEqual(
      findings.map((finding) => [finding.id, finding.aliases, finding.advisoryIds, finding.fixedVersion]),
      [['GHSA-aaaa-aaaa-aaaa', ['OSV-2099-1', 'PYSEC-2099-1'], ['OSV-2099-1', 'PYSEC-2099-1'], '1.9']],
    );
  });
});
