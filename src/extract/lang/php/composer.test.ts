import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { runExtractor } from '../../testing.ts';
import { describeHostileInputs } from '../support/hostile-inputs.ts';
import { composerInstalledExtractor, composerLockExtractor } from './index.ts';

const fixture = (path: string): string => readFileSync(new URL(`./testdata/${path}`, import.meta.url), 'utf8');
const lockPath = 'var/www/composer.lock';
const installedPath = 'var/www/vendor/composer/installed.json';

test('fileRequired: composer.lock anywhere, installed.json only in a composer directory', () => {
  const info = (path: string) => ({ path, size: 1, mode: 0o644 });
  assert.ok(composerLockExtractor.fileRequired(info(lockPath)));
  assert.ok(!composerLockExtractor.fileRequired(info('var/www/composer.json')));
  assert.ok(composerInstalledExtractor.fileRequired(info(installedPath)));
  assert.ok(!composerInstalledExtractor.fileRequired(info('var/www/vendor/installed.json')));
  assert.ok(!composerInstalledExtractor.fileRequired(info('var/www/vendor/composer/installed.php')));
});

test('composer.lock: vendor as namespace, licenses, packages-dev as dev; versions as written', async () => {
  const { result, warnings } = await runExtractor(composerLockExtractor, lockPath, fixture('lock/composer.lock'));
  assert.deepEqual(warnings, []);
  const locations = [lockPath];
  assert.deepEqual(result.packages, [
    { type: 'composer', namespace: 'monolog', name: 'monolog', version: '3.5.0', licenses: ['MIT'], locations },
    { type: 'composer', namespace: 'psr', name: 'log', version: '3.0.0', licenses: ['MIT'], locations },
    { type: 'composer', namespace: 'symfony', name: 'console', version: 'v6.4.1', licenses: ['MIT'], locations },
    { type: 'composer', namespace: 'phpunit', name: 'phpunit', version: '10.5.2', licenses: ['BSD-3-Clause'], dev: true, locations },
  ]);
});

test('installed.json of Composer 1: a bare array', async () => {
  const { result, warnings } = await runExtractor(composerInstalledExtractor, installedPath, fixture('installed-v1/installed.json'));
  assert.deepEqual(warnings, []);
  assert.deepEqual(result.packages, [
    { type: 'composer', namespace: 'guzzlehttp', name: 'guzzle', version: '6.5.5', licenses: ['MIT'], locations: [installedPath] },
    { type: 'composer', namespace: 'guzzlehttp', name: 'psr7', version: '1.7.0', licenses: ['MIT'], locations: [installedPath] },
  ]);
});

test('installed.json of Composer 2: dev-package-names marks development packages', async () => {
  const { result, warnings } = await runExtractor(composerInstalledExtractor, installedPath, fixture('installed-v2/installed.json'));
  assert.deepEqual(warnings, []);
  assert.deepEqual(
    result.packages.map((pkg) => [`${pkg.namespace}/${pkg.name}`, pkg.version, pkg.dev === true]),
    [['laravel/framework', 'v10.35.0', false], ['mockery/mockery', '1.6.6', true], ['nesbot/carbon', '2.72.0', false]],
  );
});

test('wrong types and missing fields are warnings; the rest is kept', async () => {
  const lock = { packages: [{ name: 'a/b' }, 'x', { name: 'c/d', version: '1.0.0', license: 'MIT' }, { name: 'novendor', version: '2.0' }], 'packages-dev': {} };
  const { result, warnings } = await runExtractor(composerLockExtractor, lockPath, JSON.stringify(lock));
  assert.deepEqual(result.packages, [
    { type: 'composer', namespace: 'c', name: 'd', version: '1.0.0', licenses: ['MIT'], locations: [lockPath] },
    { type: 'composer', name: 'novendor', version: '2.0', locations: [lockPath] },
  ]);
  assert.equal(warnings.length, 3);
  assert.match(warnings.join('\n'), /"packages-dev" is not an array/);

  for (const content of ['"text"', '3', '{"packages": [', 'null']) {
    const installed = await runExtractor(composerInstalledExtractor, installedPath, content);
    assert.deepEqual(installed.result.packages, [], content);
    assert.equal(installed.warnings.length, 1, content);
  }
});

test('__proto__ names and keys pollute nothing', async () => {
  const content = '{"__proto__":{"polluted":1},"packages":[{"name":"__proto__/constructor","version":"1.0.0","__proto__":{"x":1}}]}';
  const { result } = await runExtractor(composerLockExtractor, lockPath, content);
  assert.deepEqual(result.packages.map((pkg) => [pkg.namespace, pkg.name]), [['__proto__', 'constructor']]);
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
});

describeHostileInputs(composerLockExtractor, lockPath, fixture('lock/composer.lock'));
describeHostileInputs(composerInstalledExtractor, installedPath, fixture('installed-v2/installed.json'));
