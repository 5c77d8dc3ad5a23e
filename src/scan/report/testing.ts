/**
 * Test helpers of the report module: hand-made findings over the sbom module's fixture inventory,
 * and hostile strings every formatter must carry safely. For tests only.
 */
import type { Package } from '../../inventory/index.ts';
import { loadInventory } from '../../sbom/testing.ts';
import type { Finding } from '../../vuln/index.ts';

export const INVENTORY = loadInventory('image');

function packageNamed(name: string): Package {
  const pkg = INVENTORY.packages.find((candidate) => candidate.name === name);
  if (pkg === undefined) throw new Error(`fixture inventory has no ${name}`);
  return pkg;
}

/** A finding in one of the fixture inventory's packages; fields override the defaults. */
export function makeFinding(packageName: string, fields: Partial<Finding> & Pick<Finding, 'id' | 'severity'>): Finding {
  const pkg = packageNamed(packageName);
  const finding: Finding = {
    aliases: [],
    advisoryIds: [fields.id],
    package: {
      purl: pkg.purl,
      name: pkg.name,
      type: pkg.type,
      version: pkg.version,
      ecosystem: pkg.type === 'deb' ? 'Debian:12' : pkg.type,
      matchedName: pkg.sourceName ?? pkg.name,
      matchedVersion: pkg.sourceVersion ?? pkg.version,
      locations: [...pkg.locations],
    },
    status: fields.fixedVersion === undefined ? 'unfixed' : 'fixed',
    fixedVersions: fields.fixedVersion === undefined ? [] : [fields.fixedVersion],
    cvss: [],
    references: [],
    ...fields,
  };
  if (pkg.namespace !== undefined) finding.package.namespace = pkg.namespace;
  if (pkg.layer !== undefined) finding.package.layer = { ...pkg.layer };
  return finding;
}

/** Escape sequences, XML specials and broken text, as an advisory feed or image could carry them. */
export const HOSTILE_TEXT = 'evil\u001b[31mRED\u001b]0;title\u0007 <script>&"\'</script>\u0000\ud800 ]]>';

/** The findings most tests use: four severities over four packages, one with CVSS and a fix. */
export function sampleFindings(): Finding[] {
  return [
    makeFinding('libssl3', {
      id: 'CVE-2024-0001',
      aliases: ['DSA-5000-1'],
      advisoryIds: ['CVE-2024-0001', 'DSA-5000-1'],
      severity: 'HIGH',
      severitySource: 'debian',
      fixedVersion: '3.0.16-1~deb12u1',
      cvss: [{ version: '3.1', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', baseScore: 9.8, source: 'nvd' }],
      title: 'openssl: buffer overread',
      description: 'A long description\nwith two lines.',
      references: [{ type: 'ADVISORY', url: 'https://security-tracker.debian.org/tracker/CVE-2024-0001' }],
      published: '2024-01-02T03:04:05Z',
    }),
    makeFinding('core', { id: 'GHSA-aaaa-bbbb-cccc', aliases: ['CVE-2024-0002'], severity: 'CRITICAL', fixedVersion: '7.24.1', title: 'babel: code execution' }),
    makeFinding('lodash', { id: 'CVE-2024-0003', severity: 'MEDIUM', title: 'lodash: prototype pollution' }),
    makeFinding('requests', { id: 'CVE-2024-0004', severity: 'LOW', title: 'requests: leak' }),
  ];
}
