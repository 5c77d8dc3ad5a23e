import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { collect, vulndata } from '../testing.ts';
import { debianCveListSource } from './cve-json.ts';
import { debianDsaSource } from './dsa-list.ts';
import { debianTrackerSource } from './tracker-json.ts';

const testdata = (relative: string) => fileURLToPath(new URL(`testdata/${relative}`, import.meta.url));
const vunnel = (name: string) => vulndata(`samples/anchore-vunnel/tests/unit/providers/debian/test-fixtures/input/${name}`);

describe('debian tracker JSON', () => {
  it('reads the vunnel sample: bookworm fixed version, not-affected, end-of-life', async () => {
    const path = vunnel('debian.json');
    assert.equal(await debianTrackerSource.detect(path), true);
    const { records, skipped } = await collect(debianTrackerSource, path);
    assert.deepEqual(skipped, []);
    const sope = records.find((record) => record.advisory.id === 'CVE-2025-53603');
    const bookworm = sope?.affected.find((affected) => affected.ecosystem === 'Debian:12');
    assert.deepEqual(bookworm, {
      advisoryId: 'CVE-2025-53603',
      ecosystem: 'Debian:12',
      name: 'sope',
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '5.8.0-1+deb12u1' }] }],
      versions: [],
      distroStatus: 'fixed',
      distroSeverity: 'not yet assigned',
    });
    const prototype = records.find((record) => record.advisory.id === 'CVE-2007-2383');
    assert.ok(prototype?.affected.every((affected) => affected.distroStatus === 'not-affected' && affected.ranges.length === 0));
    const chromium = records.find((record) => record.advisory.id === 'CVE-2022-0456');
    assert.equal(chromium?.affected.find((affected) => affected.ecosystem === 'Debian:10')?.distroStatus, 'will-not-fix');
    const txt2man = records.find((record) => record.advisory.id === 'CVE-2013-1444');
    assert.equal(txt2man?.affected[0]?.distroSeverity, 'low');
  });

  it('maps every status, and names the file and entry for what it cannot read', async () => {
    const { records, skipped, warnings } = await collect(debianTrackerSource, testdata('statuses/tracker.json'));
    assert.equal(records.length, 1);
    const byRelease = Object.fromEntries(records[0]!.affected.map((affected) => [affected.ecosystem, affected.distroStatus]));
    assert.deepEqual(byRelease, {
      'Debian:12': 'fixed',
      'Debian:11': 'will-not-fix',
      'Debian:10': 'will-not-fix',
      'Debian:13': 'not-affected',
      'Debian:sid': 'unfixed',
      'Debian:9': 'will-not-fix',
      'Debian:8': 'unfixed',
    });
    assert.deepEqual(
      skipped.map((entry) => entry.file.slice(entry.file.indexOf('tracker.json'))),
      ['tracker.json: examplepkg/not-an-id', 'tracker.json: brokenpkg'],
    );
    assert.ok(warnings.some((warning) => /examplepkg\/CVE-2099-2000\/wheezy: unknown status "exploded"/.test(warning)));
    assert.ok(warnings.some((warning) => /unknown codenames ignored: hurd/.test(warning)));
  });
});

describe('debian DSA list', () => {
  it('reads the whole DSA list: every advisory, aliased to its CVEs, with fixed versions per release', async () => {
    const path = vulndata('debian-security-tracker/data/DSA/list');
    assert.equal(await debianDsaSource.detect(path), true);
    const { records, skipped, warnings } = await collect(debianDsaSource, path);
    assert.equal(records.length, 5406);
    assert.deepEqual(skipped, []);
    assert.deepEqual(warnings, []);
    const libpng = records.find((record) => record.advisory.id === 'DSA-140');
    assert.deepEqual(libpng?.advisory.aliases, ['CVE-2002-0660', 'CVE-2002-0728']);
    assert.equal(libpng?.advisory.published, '2002-08-05T00:00:00Z');
    assert.deepEqual(
      libpng?.affected.map((affected) => [affected.ecosystem, affected.name, affected.ranges[0]?.events[1]]),
      [
        ['Debian:3.0', 'libpng', { fixed: '1.0.12-3.woody.2' }],
        ['Debian:3.0', 'libpng3', { fixed: '1.2.1-1.1.woody.2' }],
      ],
    );
    const curl = records.find((record) => record.advisory.id === 'DSA-2798-1');
    assert.deepEqual(curl?.affected.map((affected) => affected.ranges[0]?.events[1]), [{ fixed: '7.21.0-2.1+squeeze5' }, { fixed: '7.26.0-1+wheezy5' }]);
  });

  it('reads a bookworm line of the vunnel excerpt', async () => {
    const { records } = await collect(debianDsaSource, vunnel('DSA'));
    const sope = records.find((record) => record.advisory.id === 'DSA-5970-1');
    assert.deepEqual(sope?.advisory.aliases, ['CVE-2025-53603']);
    assert.equal(sope?.affected[0]?.ecosystem, 'Debian:12');
  });

  it('warns about damaged lines by file and line number and keeps the advisory', async () => {
    const { records, skipped, warnings } = await collect(debianDsaSource, testdata('dsa-damaged/list'));
    assert.deepEqual(records.map((record) => record.advisory.id), ['DSA-9999-1', 'DSA-9998-1']);
    assert.deepEqual(records[0]!.affected.map((affected) => [affected.ecosystem, affected.name, affected.distroStatus]), [
      ['Debian:12', 'examplepkg', 'fixed'],
      ['Debian:11', 'examplepkg', 'not-affected'],
    ]);
    assert.match(skipped[0]!.file, /dsa-damaged\/list:1$/);
    assert.equal(warnings.length, 2);
    assert.match(warnings[0]!, /list:7: cannot read release line/);
    assert.match(warnings[1]!, /list:9: unrecognised line "this line means nothing"/);
  });
});

describe('debian CVE list (vuln-list-debian JSON)', () => {
  it('reads per-release lines, unstable as Debian:sid, and DSA/DLA cross-references as aliases', async () => {
    const path = vulndata('vuln-list-debian');
    assert.equal(await debianCveListSource.detect(path), true);
    const { records, skipped, warnings } = await collect(debianCveListSource, path);
    assert.equal(records.length, 9);
    assert.deepEqual(skipped, []);
    assert.deepEqual(warnings, []);
    const openssl = records.find((record) => record.advisory.id === 'CVE-2024-0727');
    assert.deepEqual(
      openssl?.affected.map((affected) => [affected.ecosystem, affected.distroStatus, affected.ranges[0]?.events.at(-1)]),
      [
        ['Debian:sid', 'fixed', { fixed: '3.1.5-1' }],
        ['Debian:12', 'fixed', { fixed: '3.0.13-1~deb12u1' }],
        ['Debian:10', 'will-not-fix', { introduced: '0' }],
      ],
    );
    assert.deepEqual(records.find((record) => record.advisory.id === 'CVE-2024-2961')?.advisory.aliases, ['DSA-5673-1', 'DLA-3807-1']);
    const xz = records.find((record) => record.advisory.id === 'CVE-2024-3094');
    assert.equal(xz?.affected.find((affected) => affected.ecosystem === 'Debian:12')?.distroStatus, 'not-affected');
  });

  it('warns about lines it cannot read and skips records without a CVE id', async () => {
    const { records, skipped, warnings } = await collect(debianCveListSource, testdata('cve-json'));
    assert.deepEqual(records.map((record) => [record.advisory.id, record.advisory.aliases, record.affected.length]), [['CVE-2099-5000', ['DSA-9997-1'], 1]]);
    assert.deepEqual(skipped.map((entry) => [entry.file.replace(/^.*\//, ''), entry.reason]), [['CVE-2099-5001.json', 'Header.ID: must be a CVE id']]);
    assert.equal(warnings.length, 2);
    assert.match(warnings[0]!, /CVE-2099-5000\.json: Annotations\[2\]: cannot read "\[bookworm\] - examplepkg <frobnicated>"/);
    assert.match(warnings[1]!, /Annotations\[3\]: fixed without a version/);
  });
});
