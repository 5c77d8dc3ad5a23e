import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { runExtractor } from '../../testing.ts';
import { describeHostileInputs } from '../support/hostile-inputs.ts';
import { npmLockExtractor } from './index.ts';

const fixture = (name: string): string => readFileSync(new URL(`./testdata/${name}/package-lock.json`, import.meta.url), 'utf8');

test('fileRequired accepts npm lock files anywhere and nothing else', () => {
  const accepts = (path: string) => npmLockExtractor.fileRequired({ path, size: 10, mode: 0o644 });
  assert.ok(accepts('package-lock.json'));
  assert.ok(accepts('srv/app/package-lock.json'));
  assert.ok(accepts('usr/lib/node_modules/npm/npm-shrinkwrap.json'));
  assert.ok(!accepts('srv/app/node_modules/.package-lock.json'));
  assert.ok(!accepts('srv/app/package.json'));
  assert.ok(!accepts('srv/app/package-lock.json.bak'));
});

test('lock file v1: nested dependencies, dev flags, aliases; local folders skipped', async () => {
  const path = 'srv/legacy/package-lock.json';
  const { result, warnings } = await runExtractor(npmLockExtractor, path, fixture('lock-v1'));
  assert.deepEqual(warnings, []);
  const locations = [path];
  assert.deepEqual(result.packages, [
    { type: 'npm', name: 'legacy-app', version: '1.4.0', isRoot: true, locations },
    { type: 'npm', namespace: '@babel', name: 'code-frame', version: '7.12.13', dev: true, locations },
    { type: 'npm', name: 'debug', version: '4.3.1', locations },
    { type: 'npm', name: 'ms', version: '2.0.0', locations },
    { type: 'npm', name: 'string-width', version: '4.2.3', locations },
    { type: 'npm', name: 'ms', version: '2.1.2', locations },
  ]);
});

test('lock file v2: the packages map wins over the legacy dependencies tree', async () => {
  const path = 'app/package-lock.json';
  const { result, warnings } = await runExtractor(npmLockExtractor, path, fixture('lock-v2'));
  assert.deepEqual(warnings, []);
  const locations = [path];
  assert.deepEqual(result.packages, [
    { type: 'npm', name: 'shop-api', version: '2.0.1', licenses: ['MIT'], isRoot: true, locations },
    { type: 'npm', name: 'express', version: '4.18.2', licenses: ['MIT'], locations },
    { type: 'npm', name: 'cookie', version: '0.5.0', licenses: ['MIT'], locations },
    { type: 'npm', name: 'typescript', version: '5.0.4', licenses: ['Apache-2.0'], dev: true, locations },
  ]);
});

test('lock file v3: nested installs, aliases by name, links skipped, workspace members are roots', async () => {
  const path = 'package-lock.json';
  const { result, warnings } = await runExtractor(npmLockExtractor, path, fixture('lock-v3'));
  assert.deepEqual(warnings, []);
  const locations = [path];
  assert.deepEqual(result.packages, [
    { type: 'npm', name: 'monorepo', version: '0.3.0', isRoot: true, locations },
    { type: 'npm', namespace: '@babel', name: 'core', version: '7.23.2', licenses: ['MIT'], dev: true, locations },
    { type: 'npm', name: 'semver', version: '6.3.1', licenses: ['ISC'], dev: true, locations },
    { type: 'npm', name: 'semver', version: '7.5.4', licenses: ['ISC'], locations },
    { type: 'npm', name: 'string-width', version: '4.2.3', licenses: ['MIT'], locations },
    { type: 'npm', namespace: '@acme', name: 'widgets', version: '1.2.0', licenses: ['UNLICENSED'], isRoot: true, locations },
  ]);
});

test('a package listed as dev and as production is a production package', async () => {
  const lock = {
    lockfileVersion: 3,
    packages: {
      'node_modules/a/node_modules/ms': { version: '2.1.3', dev: true },
      'node_modules/ms': { version: '2.1.3' },
    },
  };
  const { result } = await runExtractor(npmLockExtractor, 'package-lock.json', JSON.stringify(lock));
  assert.deepEqual(result.packages, [{ type: 'npm', name: 'ms', version: '2.1.3', locations: ['package-lock.json'] }]);
});

test('wrong types and missing versions are warnings; the rest is kept', async () => {
  const lock = {
    lockfileVersion: 3,
    packages: {
      'node_modules/no-version': { resolved: 'https://example.invalid/x.tgz' },
      'node_modules/not-an-object': 'yes',
      'node_modules/numeric': { version: 12 },
      'node_modules/good': { version: '1.0.0', license: { type: 'BSD-3-Clause', url: 'x' } },
    },
  };
  const { result, warnings } = await runExtractor(npmLockExtractor, 'package-lock.json', JSON.stringify(lock));
  assert.deepEqual(result.packages, [
    { type: 'npm', name: 'good', version: '1.0.0', licenses: ['BSD-3-Clause'], locations: ['package-lock.json'] },
  ]);
  assert.equal(warnings.length, 3);
  assert.match(warnings.join('\n'), /"node_modules\/no-version" has no version/);
  assert.match(warnings.join('\n'), /"node_modules\/not-an-object" is not an object/);
});

test('a lock file that is not an object, or has no usable maps, is a warning', async () => {
  for (const content of ['[1,2]', '"x"', 'null', '{"packages": []}', '{"dependencies": 3}']) {
    const { result, warnings } = await runExtractor(npmLockExtractor, 'package-lock.json', content);
    assert.deepEqual(result.packages, [], content);
    assert.equal(warnings.length, 1, content);
  }
});

test('__proto__ as a package name is an ordinary package and pollutes nothing', async () => {
  const content = '{"lockfileVersion":1,"dependencies":{"__proto__":{"version":"1.0.0","polluted":"yes","dependencies":{"constructor":{"version":"2.0.0"}}}}}';
  const { result } = await runExtractor(npmLockExtractor, 'package-lock.json', content);
  assert.deepEqual(
    result.packages.map((pkg) => `${pkg.name}@${pkg.version}`),
    ['__proto__@1.0.0', 'constructor@2.0.0'],
  );
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  assert.equal(Object.getPrototypeOf(result.packages[0]), Object.prototype);
});

test('deeply nested v1 dependencies are walked without exhausting the stack', async () => {
  const depth = 20_000;
  const content = `{"lockfileVersion":1,"dependencies":${'{"d":{"version":"1.0.0","dependencies":'.repeat(depth)}{}${'}}'.repeat(depth)}}`;
  const { result, warnings } = await runExtractor(npmLockExtractor, 'package-lock.json', content);
  assert.deepEqual(warnings, []);
  assert.deepEqual(result.packages.map((pkg) => `${pkg.name}@${pkg.version}`), ['d@1.0.0']);
});

test('deeply nested arrays (a JSON bomb for recursive parsers) end in a warning or nothing', async () => {
  const content = `{"packages":${'['.repeat(200_000)}${']'.repeat(200_000)}}`;
  const { result, warnings } = await runExtractor(npmLockExtractor, 'package-lock.json', content);
  assert.deepEqual(result.packages, []);
  assert.equal(warnings.length, 1);
});

describeHostileInputs(npmLockExtractor, 'package-lock.json', fixture('lock-v3'));
describeHostileInputs(npmLockExtractor, 'npm-shrinkwrap.json', fixture('lock-v1'));
