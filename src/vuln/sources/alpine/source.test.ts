import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { collect, vulndata } from '../testing.ts';
import { alpineSecdbSource } from './source.ts';

const testdata = (relative: string) => fileURLToPath(new URL(`testdata/${relative}`, import.meta.url));

describe('alpine secdb source', () => {
  it('reads vuln-list package JSON: fixed versions and "0" as never affected', async () => {
    const path = vulndata('vuln-list/alpine/3.20/main/musl.json');
    assert.equal(await alpineSecdbSource.detect(path), true);
    const { records, skipped } = await collect(alpineSecdbSource, path);
    assert.deepEqual(skipped, []);
    const fix = records.find((record) => record.advisory.id === 'CVE-2020-28928');
    assert.deepEqual(fix?.affected, [
      {
        advisoryId: 'CVE-2020-28928',
        ecosystem: 'Alpine:v3.20',
        name: 'musl',
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.2.2_pre2-r0' }] }],
        versions: [],
        distroStatus: 'fixed',
      },
    ]);
    const openssl = await collect(alpineSecdbSource, vulndata('vuln-list/alpine/3.20/main/openssl.json'));
    const never = openssl.records.find((record) => record.advisory.id === 'CVE-2022-1292');
    assert.equal(never?.affected[0]?.distroStatus, 'not-affected');
    assert.deepEqual(never?.affected[0]?.ranges, []);
  });

  it('reads secdb YAML releases and repositories, versions kept as strings', async () => {
    const path = vulndata('alpine-secdb');
    assert.equal(await alpineSecdbSource.detect(path), true);
    const { records, skipped, warnings } = await collect(alpineSecdbSource, path);
    assert.deepEqual(skipped, []);
    assert.deepEqual(warnings, []);
    const ecosystems = new Set(records.flatMap((record) => record.affected.map((affected) => affected.ecosystem)));
    assert.deepEqual([...ecosystems].sort(), ['Alpine:v3.10', 'Alpine:v3.11']);
    const busybox = records.find(
      (record) => record.advisory.id === 'CVE-2019-5747' && record.affected[0]?.ecosystem === 'Alpine:v3.10' && record.affected[0]?.name === 'busybox',
    );
    assert.deepEqual(busybox?.affected[0]?.ranges[0]?.events, [{ introduced: '0' }, { fixed: '1.30.1-r2' }]);
  });

  it('reads the secdb excerpt of a later release', async () => {
    const { records } = await collect(alpineSecdbSource, vulndata('samples/anchore-vunnel/tests/unit/providers/alpine/test-fixtures/input/secdb'));
    const zlib = records.find((record) => record.advisory.id === 'CVE-2022-37434' && record.affected[0]?.name === 'zlib');
    assert.equal(zlib?.affected[0]?.ecosystem, 'Alpine:v3.15');
    assert.deepEqual(zlib?.affected[0]?.ranges[0]?.events, [{ introduced: '0' }, { fixed: '1.2.12-r2' }]);
  });

  it('keeps the valid package of a damaged file and names the file for the rest', async () => {
    const { records, skipped } = await collect(alpineSecdbSource, testdata('malformed'));
    const ids = records.map((record) => `${record.advisory.id}@${record.affected[0]?.distroStatus}`).sort();
    assert.deepEqual(ids, ['CVE-2099-1000@fixed', 'CVE-2099-1001@fixed', 'CVE-2099-1002@fixed', 'CVE-2099-1003@not-affected']);
    const first = records.find((record) => record.advisory.id === 'CVE-2099-1000');
    assert.deepEqual(first?.affected[0]?.ranges[0]?.events, [{ introduced: '0' }, { fixed: '1.10-r0' }]);
    const files = skipped.map((entry) => entry.file.replace(/^.*\//, '')).sort();
    assert.deepEqual(files, ['broken.yaml', 'no-release.json', 'v3.99-main.yaml: packages[1]', 'v3.99-main.yaml: packages[2]']);
  });
});
