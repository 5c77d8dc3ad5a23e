import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { PINNED, cycloneDxSchemaErrors } from '../../sbom/testing.ts';
import { buildScanReport } from './build.ts';
import { formatScanCycloneDx } from './cyclonedx.ts';
import { HOSTILE_TEXT, INVENTORY, makeFinding, sampleFindings } from './testing.ts';
import { parseOpenVex } from './vex.ts';

interface Vulnerability {
  'bom-ref': string;
  id: string;
  source: { name: string; url?: string };
  references?: Array<{ id: string }>;
  ratings: Array<{ score?: number; severity: string; method: string; vector?: string; source?: { name: string } }>;
  recommendation?: string;
  analysis?: { state?: string; justification?: string; detail?: string };
  affects: Array<{ ref: string }>;
}
interface Bom {
  components: Array<{ 'bom-ref': string }>;
  vulnerabilities?: Vulnerability[];
}

const NOW = new Date('2026-06-01T00:00:00Z');
const VEX = parseOpenVex(readFileSync(new URL('testdata/vex/image.openvex.json', import.meta.url)), 'image.openvex.json');

async function formatValid(findings = sampleFindings(), vex = [VEX]): Promise<Bom> {
  const report = buildScanReport({ inventory: INVENTORY, findings, toolVersion: '0.1.0-test', vex, now: NOW });
  const json = formatScanCycloneDx(report, { inventory: INVENTORY, ...PINNED });
  assert.equal(await cycloneDxSchemaErrors(json), null, 'output must validate against the CycloneDX 1.6 schema');
  return JSON.parse(json) as Bom;
}

function byId(bom: Bom, id: string): Vulnerability {
  const found = bom.vulnerabilities?.find((vulnerability) => vulnerability.id === id);
  assert.ok(found, `vulnerability ${id} missing`);
  return found;
}

describe('formatScanCycloneDx', () => {
  it('adds one vulnerability per finding, each affecting an existing component', async () => {
    const bom = await formatValid();
    assert.equal(bom.vulnerabilities?.length, 4);
    const refs = new Set(bom.components.map((component) => component['bom-ref']));
    for (const vulnerability of bom.vulnerabilities ?? []) {
      for (const affected of vulnerability.affects) assert.ok(refs.has(affected.ref), `${affected.ref} is no component`);
    }
    const openssl = byId(bom, 'CVE-2024-0001');
    assert.deepEqual(openssl.source, { name: 'NVD', url: 'https://nvd.nist.gov/vuln/detail/CVE-2024-0001' });
    assert.deepEqual(openssl.references?.map((reference) => reference.id), ['DSA-5000-1']);
    assert.deepEqual(openssl.ratings, [
      { source: { name: 'nvd' }, score: 9.8, severity: 'high', method: 'CVSSv31', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' },
      { source: { name: 'debian' }, severity: 'high', method: 'other' },
    ]);
    assert.equal(openssl.recommendation, 'Upgrade to 3.0.16-1~deb12u1');
    assert.equal(openssl.affects[0]?.ref, 'pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=arm64&distro=debian-12');
  });

  it('records VEX decisions as analysis, suppressed or not', async () => {
    const bom = await formatValid();
    assert.deepEqual(byId(bom, 'GHSA-aaaa-bbbb-cccc').analysis, { state: 'not_affected', justification: 'code_not_reachable', detail: 'Babel runs only at build time.' });
    assert.deepEqual(byId(bom, 'CVE-2024-0001').analysis, { state: 'in_triage', detail: 'Checking whether the affected cipher is enabled.' });
    assert.deepEqual(byId(bom, 'CVE-2024-0003').analysis, { state: 'exploitable', detail: 'Upgrade lodash in the next release.' });
    assert.equal(byId(bom, 'CVE-2024-0004').analysis, undefined);
  });

  it('stays valid with hostile advisory text and no findings at all', async () => {
    const hostile = makeFinding('lodash', { id: HOSTILE_TEXT, severity: 'UNKNOWN', description: HOSTILE_TEXT, published: 'not a date', references: [{ type: 'WEB', url: 'javascript:alert(1)' }] });
    const bom = await formatValid([hostile], []);
    assert.equal(bom.vulnerabilities?.[0]?.id, HOSTILE_TEXT);
    const empty = await formatValid([], []);
    assert.equal(empty.vulnerabilities, undefined);
  });
});
