import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import semver from 'semver';
import type { RangeEvent } from '../../model.ts';
import { collect, vulndata } from '../testing.ts';
import { nodejsSecurityWgSource } from './source.ts';

const testdata = (relative: string) => fileURLToPath(new URL(`testdata/${relative}`, import.meta.url));

/** OSV's rule for one range of sorted, disjoint intervals: inside some introduced..fixed/last_affected pair. */
function inEvents(version: string, events: readonly RangeEvent[]): boolean {
  let affected = false;
  for (const event of events) {
    if ('introduced' in event) affected = event.introduced === '0' || semver.gte(version, event.introduced) ? true : affected;
    else if ('fixed' in event && semver.gte(version, event.fixed)) affected = false;
    else if ('last_affected' in event && semver.gt(version, event.last_affected)) affected = false;
  }
  return affected;
}

/** Versions around every bound a range names: the bound, its neighbours, and prereleases. */
function probes(range: string): string[] {
  const found = range.match(/\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?/g) ?? [];
  const versions = new Set(['0.0.0', '0.0.1-alpha', '999.0.0']);
  for (const text of found) {
    const version = semver.parse(text);
    if (!version) continue;
    versions.add(version.version);
    versions.add(semver.inc(version.version, 'patch')!);
    versions.add(semver.inc(version.version, 'prepatch', 'beta')!);
    versions.add(semver.inc(version.version, 'minor')!);
    versions.add(semver.inc(version.version, 'major')!);
    if (version.patch > 0) versions.add(`${version.major}.${version.minor}.${version.patch - 1}`);
  }
  return [...versions];
}

describe('nodejs security-wg source', () => {
  const root = vulndata('nodejs-security-wg/vuln');

  it('reads every npm advisory of the real data and none of core/deps', async () => {
    assert.equal(await nodejsSecurityWgSource.detect(root), true);
    const { records, skipped } = await collect(nodejsSecurityWgSource, root);
    assert.deepEqual(skipped, []);
    const files = readdirSync(join(root, 'npm')).filter((name) => /^\d+\.json$/.test(name));
    assert.equal(records.length, files.length);
    const bassmaster = records.find((record) => record.advisory.id === 'NSWG-ECO-1');
    assert.deepEqual(bassmaster?.advisory.aliases, ['CVE-2014-7205']);
    assert.deepEqual(bassmaster?.affected, [
      { advisoryId: 'NSWG-ECO-1', ecosystem: 'npm', name: 'bassmaster', ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { last_affected: '1.5.1' }] }], versions: [] },
    ]);
  });

  it('converts every real range exactly as semver (with prereleases) reads it', async () => {
    const { records } = await collect(nodejsSecurityWgSource, root);
    let checked = 0;
    for (const record of records) {
      const number = record.advisory.id.replace('NSWG-ECO-', '');
      const raw = JSON.parse(readFileSync(join(root, 'npm', `${number}.json`), 'utf8')) as { vulnerable_versions: string };
      const events = record.affected[0]!.ranges[0]!.events;
      for (const version of probes(raw.vulnerable_versions)) {
        const expected = semver.satisfies(version, raw.vulnerable_versions, { includePrerelease: true });
        assert.equal(inEvents(version, events), expected, `${record.advisory.id} ${raw.vulnerable_versions} at ${version}: ${JSON.stringify(events)}`);
        checked++;
      }
    }
    assert.ok(checked > 1000);
  });

  it('converts > bounds and exact versions, and skips unparsable ranges and bad fields naming the file', async () => {
    const { records, skipped } = await collect(nodejsSecurityWgSource, testdata('malformed'));
    assert.deepEqual(records.map((record) => record.affected[0]?.ranges[0]?.events), [
      [{ introduced: '1.2.4-0' }, { fixed: '2.0.0' }, { introduced: '3.0.0' }, { last_affected: '3.0.0' }],
    ]);
    assert.deepEqual(
      skipped.map((entry) => [entry.file.replace(/^.*\//, ''), entry.reason]),
      [
        ['2.json', 'cannot convert the npm range ">=1.0.0 <<< 2" to OSV events'],
        ['3.json', 'id: must be a whole number; module_name: must be a non-empty string'],
      ],
    );
  });
});
