import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { runExtractor } from '../../testing.ts';
import { describeHostileInputs } from '../support/hostile-inputs.ts';
import { poetryLockExtractor } from './index.ts';

const lockFile = readFileSync(new URL('./testdata/poetry/poetry.lock', import.meta.url), 'utf8');
const path = 'srv/api/poetry.lock';
const locations = [path];

test('fileRequired accepts poetry.lock anywhere', () => {
  assert.ok(poetryLockExtractor.fileRequired({ path, size: 1, mode: 0o644 }));
  assert.ok(!poetryLockExtractor.fileRequired({ path: 'srv/api/pyproject.toml', size: 1, mode: 0o644 }));
});

test('every [[package]] with its name as declared; category "dev" marks development packages', async () => {
  const { result, warnings } = await runExtractor(poetryLockExtractor, path, lockFile);
  assert.deepEqual(warnings, []);
  assert.deepEqual(result.packages, [
    { type: 'pypi', name: 'certifi', version: '2023.7.22', locations },
    { type: 'pypi', name: 'Django', version: '4.2.7', locations },
    { type: 'pypi', name: 'pytest', version: '7.4.3', dev: true, locations },
    { type: 'pypi', name: 'mylib', version: '0.1.0', locations },
  ]);
});

test('invalid TOML is a warning', async () => {
  const { result, warnings } = await runExtractor(poetryLockExtractor, path, '[[package]\nname = "x"\n');
  assert.deepEqual(result.packages, []);
  assert.match(warnings.join(), /not valid TOML/);
});

test('wrong types and missing fields are warnings; the rest is kept', async () => {
  const content = [
    '[[package]]',
    'name = "no-version"',
    '[[package]]',
    'name = "numeric"',
    'version = 3',
    '[[package]]',
    'name = "ok"',
    'version = "1.0"',
  ].join('\n');
  const { result, warnings } = await runExtractor(poetryLockExtractor, path, content);
  assert.deepEqual(result.packages, [{ type: 'pypi', name: 'ok', version: '1.0', locations }]);
  assert.equal(warnings.length, 2);
  const notArray = await runExtractor(poetryLockExtractor, path, 'package = "x"\n');
  assert.deepEqual(notArray.result.packages, []);
  assert.match(notArray.warnings.join(), /not an array/);
});

test('deep inline nesting and __proto__ tables are contained', async () => {
  const deep = await runExtractor(poetryLockExtractor, path, `x = ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`);
  assert.deepEqual(deep.result.packages, []);
  assert.equal(deep.warnings.length, 1);
  const proto = await runExtractor(poetryLockExtractor, path, '[__proto__]\npolluted = true\n[[package]]\nname = "__proto__"\nversion = "1.0"\n');
  assert.deepEqual(proto.result.packages.map((pkg) => pkg.name), ['__proto__']);
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
});

describeHostileInputs(poetryLockExtractor, path, lockFile);
