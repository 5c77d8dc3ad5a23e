import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AffectedPackage, RangeEvent, VersionRange } from '../model.ts';
import { isAffected } from './ranges.ts';
import { semverComparator } from './semver.ts';

function record(ecosystem: string, ranges: VersionRange[], versions: string[] = []): AffectedPackage {
  return { advisoryId: 'TEST-1', ecosystem, name: 'pkg', ranges, versions };
}

function range(type: VersionRange['type'], ...events: RangeEvent[]): VersionRange {
  return { type, events };
}

type Case = [title: string, affected: AffectedPackage, inside: string[], outside: string[]];

const CASES: Case[] = [
  ['introduced "0" means from the beginning', record('npm', [range('SEMVER', { introduced: '0' })]), ['0.0.0', '0.0.1-alpha', '99.0.0'], []],
  ['introduced / fixed', record('npm', [range('ECOSYSTEM', { introduced: '1.0.0' }, { fixed: '1.2.0' })]), ['1.0.0', '1.1.9', '1.2.0-rc.1'], ['0.9.9', '1.2.0', '2.0.0']],
  ['last_affected is inclusive', record('PyPI', [range('ECOSYSTEM', { introduced: '0' }, { last_affected: '2.1.214' })]), ['1.0', '2.1.214'], ['2.1.215', '3.0']],
  [
    'several introduced/fixed pairs in one range',
    record('npm', [range('SEMVER', { introduced: '1.0.0' }, { fixed: '1.0.2' }, { introduced: '3.0.0' }, { fixed: '3.2.5' })]),
    ['1.0.0', '1.0.1', '3.0.0', '3.2.4'],
    ['0.1.0', '1.0.2', '2.9.9', '3.2.5', '4.0.0'],
  ],
  [
    'unsorted events are sorted by version first',
    record('npm', [range('SEMVER', { fixed: '3.2.5' }, { introduced: '3.0.0' }, { fixed: '1.0.2' }, { introduced: '1.0.0' })]),
    ['1.0.1', '3.1.0'],
    ['2.0.0', '3.2.5', '0.5.0'],
  ],
  [
    'several ranges: affected when inside any',
    record('Maven', [range('ECOSYSTEM', { introduced: '2.13.0' }, { fixed: '2.15.0' }), range('ECOSYSTEM', { introduced: '0' }, { fixed: '2.3.1' })]),
    ['2.14.1', '2.0', '2.3'],
    ['2.3.1', '2.12.0', '2.15.0'],
  ],
  ['limit caps the range', record('npm', [range('SEMVER', { introduced: '1.0.0' }, { limit: '1.5.0' })]), ['1.0.0', '1.4.9'], ['1.5.0', '2.0.0', '0.9.0']],
  ['limit "*" is infinity', record('npm', [range('SEMVER', { introduced: '1.0.0' }, { limit: '*' })]), ['1.0.0', '99.0.0'], ['0.1.0']],
  [
    'several limits: below any of them',
    record('npm', [range('SEMVER', { introduced: '1.0.0' }, { limit: '1.5.0' }, { limit: '3.0.0' })]),
    ['2.0.0'],
    ['3.0.0'],
  ],
  ['explicit versions list, exact strings', record('PyPI', [], ['1.0', '1.1']), ['1.0', '1.1'], ['1.2', '1.0.1']],
  ['versions list and ranges together', record('PyPI', [range('ECOSYSTEM', { introduced: '2.0' }, { fixed: '2.1' })], ['1.5']), ['1.5', '2.0.5'], ['1.6', '2.1']],
  ['GIT ranges are never matched', record('OSS-Fuzz', [range('GIT', { introduced: '0' }, { fixed: 'abc123' })]), [], ['1.0.0', 'abc000']],
  ['no ranges, no versions: nothing affected', record('npm', []), [], ['1.0.0']],
  [
    'ECOSYSTEM uses the ecosystem order (dpkg epochs and tildes)',
    record('Debian:12', [range('ECOSYSTEM', { introduced: '0' }, { fixed: '3.0.13-1~deb12u1' })]),
    ['3.0.11-1~deb12u2', '3.0.13-1~deb12u0'],
    ['3.0.13-1~deb12u1', '3.0.13-1', '1:1.0-1'],
  ],
  ['SEMVER tolerates a leading v', record('Go', [range('SEMVER', { introduced: 'v1.2.0' }, { fixed: '1.3.0' })]), ['1.2.0', 'v1.2.5'], ['v1.3.0', '1.1.9']],
  ['SEMVER orders pre-releases below the release', record('npm', [range('SEMVER', { introduced: '0' }, { fixed: '2.0.0' })]), ['2.0.0-rc.1', '2.0.0-alpha'], ['2.0.0', '2.0.1']],
  [
    'introduced and fixed at one version: the fix wins',
    record('npm', [range('SEMVER', { introduced: '1.0.0' }, { fixed: '1.0.0' })]),
    [],
    ['1.0.0', '0.9.0', '1.1.0'],
  ],
];

describe('isAffected (OSV range semantics)', () => {
  for (const [title, affected, inside, outside] of CASES) {
    it(title, () => {
      for (const version of inside) assert.equal(isAffected(affected, version), true, `${version} should be affected`);
      for (const version of outside) assert.equal(isAffected(affected, version), false, `${version} should not be affected`);
    });
  }

  it('answers the same on a second call (the prepared events are cached per record)', () => {
    const affected = record('npm', [range('SEMVER', { fixed: '2.0.0' }, { introduced: '1.0.0' })]);
    assert.equal(isAffected(affected, '1.5.0'), true);
    assert.equal(isAffected(affected, '1.5.0'), true);
    assert.equal(isAffected(affected, '2.5.0'), false);
  });

  it('survives hostile events and versions without throwing', () => {
    const hostile = record('npm', [
      { type: 'SEMVER', events: [{ introduced: 'not a version' }, {} as RangeEvent, { fixed: '\u0000\uffff' }, { introduced: 42 } as unknown as RangeEvent] },
      range('ECOSYSTEM', { introduced: '1.0.0' }, { fixed: '2.0.0' }),
    ]);
    assert.equal(isAffected(hostile, '1.5.0'), true);
    // Both garbage bounds sort below every valid version (and tie), so together they close again.
    assert.equal(isAffected(hostile, '2.5.0'), false);
    const garbageStart = record('npm', [range('SEMVER', { introduced: 'not a version' })]);
    assert.equal(isAffected(garbageStart, '2.5.0'), true, 'a garbage introduced bound sorts below valid versions: it cannot hide a match');
    assert.doesNotThrow(() => isAffected(hostile, 'x'.repeat(100_000)));
  });

  it('an invalid SEMVER installed version matches no SEMVER bound above "0"', () => {
    const affected = record('npm', [range('SEMVER', { introduced: '1.0.0' }, { fixed: '2.0.0' })]);
    assert.equal(isAffected(affected, 'garbage'), false);
  });
});

describe('semverComparator', () => {
  it('follows SemVer 2.0 precedence, ignoring build metadata', () => {
    const ordered = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0'];
    for (let i = 1; i < ordered.length; i++) assert.ok(semverComparator.compare(ordered[i - 1]!, ordered[i]!) < 0, `${ordered[i - 1]} < ${ordered[i]}`);
    assert.equal(semverComparator.compare('1.0.0+build.1', '1.0.0+build.2'), 0);
    assert.equal(semverComparator.isValid('v1.2.3'), true);
    assert.equal(semverComparator.isValid('1.2'), false);
  });
});
