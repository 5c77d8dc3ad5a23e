import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPortcullisError } from '../../core/index.ts';
import { ECOSYSTEMS, comparatorFor, compareVersions } from './index.ts';

describe('comparator registry', () => {
  it('has a comparator for every OSV ecosystem Portcullis supports', () => {
    assert.deepEqual(
      [...ECOSYSTEMS].sort(),
      ['Alpine', 'Debian', 'Go', 'Maven', 'NuGet', 'Packagist', 'PyPI', 'Red Hat', 'RubyGems', 'Ubuntu', 'crates.io', 'npm'],
    );
  });

  it('picks the ecosystem rules, so the same pair can order differently', () => {
    // '~' is a pre-release marker to dpkg and rpm, not to apk or npm.
    assert.equal(compareVersions('Debian', '1.0~rc1', '1.0'), -1);
    assert.equal(compareVersions('Red Hat', '1.0~rc1', '1.0'), -1);
    assert.equal(compareVersions('PyPI', '1.0rc1', '1.0'), -1);
    assert.equal(compareVersions('Maven', '1.0-SNAPSHOT', '1.0'), -1);
    assert.equal(compareVersions('Go', 'v1.0.0+incompatible', '1.0.0'), 0);
    assert.equal(compareVersions('RubyGems', '1.0.0', '1'), 0);
    assert.equal(compareVersions('npm', '1.0.0', '1'), 1, '"1" is not a version to npm and sorts first');
  });

  it('accepts OSV release suffixes after a colon', () => {
    for (const [name, same] of [
      ['Debian:12', 'Debian'],
      ['Ubuntu:22.04:LTS', 'Ubuntu'],
      ['Alpine:v3.20', 'Alpine'],
      ['Red Hat:enterprise_linux:9::appstream', 'Red Hat'],
    ] as const) {
      assert.equal(comparatorFor(name), comparatorFor(same), name);
    }
  });

  it('rejects unknown ecosystems with UNSUPPORTED', () => {
    for (const name of ['Hackage', 'debian', '', ':Debian', 'constructor', '__proto__', 'toString']) {
      assert.throws(
        () => comparatorFor(name),
        (error: unknown) => isPortcullisError(error) && error.code === 'UNSUPPORTED',
        JSON.stringify(name),
      );
    }
  });
});
