import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { runExtractor } from '../../testing.ts';
import { describeHostileInputs } from '../support/hostile-inputs.ts';
import { pipfileLockExtractor } from './index.ts';

const lockFile = readFileSync(new URL('./testdata/pipfile/Pipfile.lock', import.meta.url), 'utf8');
const path = 'app/Pipfile.lock';
const locations = [path];

test('fileRequired accepts Pipfile.lock anywhere', () => {
  assert.ok(pipfileLockExtractor.fileRequired({ path, size: 1, mode: 0o644 }));
  assert.ok(!pipfileLockExtractor.fileRequired({ path: 'app/Pipfile', size: 1, mode: 0o644 }));
});

test('default and develop pins; a package in both is a production package; VCS entries skipped', async () => {
  const { result, warnings } = await runExtractor(pipfileLockExtractor, path, lockFile);
  assert.deepEqual(warnings, []);
  assert.deepEqual(result.packages, [
    { type: 'pypi', name: 'flask', version: '3.0.0', locations },
    { type: 'pypi', name: 'jinja2', version: '3.1.2', locations },
    { type: 'pypi', name: 'pytest', version: '7.4.3', dev: true, locations },
  ]);
});

test('unpinned, versionless and mistyped entries are warnings; the rest is kept', async () => {
  const lock = {
    default: { ranged: { version: '>=1.0' }, empty: {}, scalar: '==1.0', good: { version: '==2.0' } },
    develop: ['not', 'an', 'object'],
  };
  const { result, warnings } = await runExtractor(pipfileLockExtractor, path, JSON.stringify(lock));
  assert.deepEqual(result.packages, [{ type: 'pypi', name: 'good', version: '2.0', locations }]);
  assert.equal(warnings.length, 4);
  assert.match(warnings.join('\n'), /"ranged" is not pinned/);
  assert.match(warnings.join('\n'), /"develop" is not an object/);
});

test('invalid JSON, non-objects and __proto__ names', async () => {
  for (const content of ['{"default": {', '42', '[]']) {
    const { result, warnings } = await runExtractor(pipfileLockExtractor, path, content);
    assert.deepEqual(result.packages, []);
    assert.equal(warnings.length, 1, content);
  }
  const proto = await runExtractor(pipfileLockExtractor, path, '{"default":{"__proto__":{"version":"==1.0","polluted":1}}}');
  assert.deepEqual(proto.result.packages.map((pkg) => pkg.name), ['__proto__']);
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
});

describeHostileInputs(pipfileLockExtractor, path, lockFile);
