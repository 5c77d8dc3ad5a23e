import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runExtractor } from '../../testing.ts';
import { npmInstalledExtractor } from './index.ts';

const required = (path: string) => npmInstalledExtractor.fileRequired({ path, size: 100, mode: 0o644 });

test('fileRequired: manifests directly in a package directory, at any depth, and applications', () => {
  for (const path of [
    'node_modules/lodash/package.json',
    'usr/lib/node_modules/npm/package.json',
    'app/node_modules/@babel/core/package.json',
    'app/node_modules/a/node_modules/b/package.json',
    'app/node_modules/.pnpm/react@18.2.0/node_modules/react/package.json',
    'package.json',
    'srv/app/package.json',
    'usr/share/nodejs/debug/package.json',
    'usr/share/nodejs/@types/node/package.json',
    'usr/lib/nodejs/npm/package.json',
    'usr/lib/x86_64-linux-gnu/nodejs/ws/package.json',
  ]) {
    assert.ok(required(path), path);
  }
  for (const path of [
    'app/node_modules/lodash/fp/package.json',
    'app/node_modules/@babel/package.json',
    'app/node_modules/package.json',
    'app/node_modules/.bin/package.json',
    'app/node_modules/.pnpm/package.json',
    'app/node_modules/lodash/package.json.orig',
    'app/node_modules/lodash/xpackage.json',
    'app/package-lock.json',
    'usr/share/nodejs/debug/src/package.json',
    'usr/share/nodejs/@types/package.json',
  ]) {
    assert.ok(!required(path), path);
  }
});

test('an installed package with a scope, an SPDX license and the path as its location', async () => {
  const path = 'app/node_modules/@babel/core/package.json';
  const manifest = { name: '@babel/core', version: '7.23.2', license: 'MIT', main: 'lib/index.js' };
  const { result, warnings } = await runExtractor(npmInstalledExtractor, path, JSON.stringify(manifest));
  assert.deepEqual(warnings, []);
  assert.deepEqual(result.packages, [
    { type: 'npm', namespace: '@babel', name: 'core', version: '7.23.2', licenses: ['MIT'], locations: [path] },
  ]);
});

test('legacy license forms: an object, an array of objects, and the licenses array', async () => {
  const cases: Array<[unknown, string[]]> = [
    [{ license: { type: 'ISC', url: 'https://opensource.org/licenses/ISC' } }, ['ISC']],
    [{ license: [{ type: 'MIT' }, { type: 'Apache-2.0' }] }, ['MIT', 'Apache-2.0']],
    [{ licenses: [{ type: 'BSD-2-Clause' }, 'GPL-2.0'] }, ['BSD-2-Clause', 'GPL-2.0']],
    [{ license: 42 }, []],
  ];
  for (const [fields, licenses] of cases) {
    const manifest = { name: 'old', version: '0.1.0', ...(fields as object) };
    const { result } = await runExtractor(npmInstalledExtractor, 'node_modules/old/package.json', JSON.stringify(manifest));
    assert.deepEqual(result.packages[0]?.licenses ?? [], licenses, JSON.stringify(fields));
  }
});

test('a module directory of Debian\'s Node.js roots is an installed package, not an application', async () => {
  const path = 'usr/share/nodejs/@types/node/package.json';
  const { result } = await runExtractor(npmInstalledExtractor, path, '{"name":"@types/node","version":"18.13.0","license":"MIT"}');
  assert.deepEqual(result.packages, [{ type: 'npm', namespace: '@types', name: 'node', version: '18.13.0', licenses: ['MIT'], locations: [path] }]);
});

test('an application package.json is a root package only when it has a name and a version', async () => {
  const withVersion = await runExtractor(npmInstalledExtractor, 'srv/app/package.json', '{"name":"shop","version":"3.1.0"}');
  assert.deepEqual(withVersion.result.packages, [
    { type: 'npm', name: 'shop', version: '3.1.0', isRoot: true, locations: ['srv/app/package.json'] },
  ]);
  const withoutVersion = await runExtractor(npmInstalledExtractor, 'srv/app/package.json', '{"name":"shop","private":true}');
  assert.deepEqual(withoutVersion, { result: { packages: [] }, warnings: [] });
});

test('an installed manifest without a name or version is a warning', async () => {
  for (const manifest of ['{"version":"1.0.0"}', '{"name":"x"}', '{"name":7,"version":"1.0.0"}', '{"name":"x","version":" "}']) {
    const { result, warnings } = await runExtractor(npmInstalledExtractor, 'node_modules/x/package.json', manifest);
    assert.deepEqual(result.packages, [], manifest);
    assert.equal(warnings.length, 1, manifest);
  }
});

test('malformed manifests are warnings', async () => {
  for (const content of ['{"name": "x", ', '[]', '"text"', '{"name":"x","version":"1.0.0"']) {
    const { result, warnings } = await runExtractor(npmInstalledExtractor, 'node_modules/x/package.json', content);
    assert.deepEqual(result.packages, [], content);
    assert.equal(warnings.length, 1, content);
  }
});

test('__proto__ keys in a manifest pollute nothing', async () => {
  const content = '{"name":"__proto__","version":"1.0.0","__proto__":{"polluted":true},"license":{"__proto__":{"type":"x"}}}';
  const { result } = await runExtractor(npmInstalledExtractor, 'node_modules/__proto__/package.json', content);
  assert.deepEqual(result.packages, [{ type: 'npm', name: '__proto__', version: '1.0.0', locations: ['node_modules/__proto__/package.json'] }]);
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
});

test('hostile input: oversized, bad UTF-8 and binary manifests', async () => {
  const manifest = JSON.stringify({ name: 'big', version: '1.0.0', description: 'x'.repeat(1000) });
  const oversized = await runExtractor(npmInstalledExtractor, 'node_modules/big/package.json', manifest, 100);
  assert.deepEqual(oversized.result.packages, []);
  assert.match(oversized.warnings.join(), /limit/);
  const badUtf8 = Buffer.concat([Buffer.from('{"name":"caf'), Buffer.from([0xe9]), Buffer.from('","version":"1.0.0"}')]);
  const damaged = await runExtractor(npmInstalledExtractor, 'node_modules/cafe/package.json', badUtf8);
  assert.deepEqual(damaged.result.packages.map((pkg) => pkg.name), ['caf\uFFFD']);
  assert.match(damaged.warnings.join(), /UTF-8/);
});
