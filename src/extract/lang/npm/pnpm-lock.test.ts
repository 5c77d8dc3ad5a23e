import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { runExtractor } from '../../testing.ts';
import { describeHostileInputs } from '../support/hostile-inputs.ts';
import { pnpmLockExtractor } from './index.ts';

const fixture = (name: string): string => readFileSync(new URL(`./testdata/${name}/pnpm-lock.yaml`, import.meta.url), 'utf8');
const path = 'srv/app/pnpm-lock.yaml';
const locations = [path];

test('fileRequired accepts pnpm-lock.yaml anywhere', () => {
  assert.ok(pnpmLockExtractor.fileRequired({ path, size: 1, mode: 0o644 }));
  assert.ok(!pnpmLockExtractor.fileRequired({ path: 'srv/app/pnpm-workspace.yaml', size: 1, mode: 0o644 }));
});

test('lock file 5.x: slash keys, peer suffixes after "_", dev flags', async () => {
  const { result, warnings } = await runExtractor(pnpmLockExtractor, path, fixture('pnpm-5'));
  assert.deepEqual(warnings, []);
  assert.deepEqual(result.packages, [
    { type: 'npm', namespace: '@babel', name: 'core', version: '7.20.12', dev: true, locations },
    { type: 'npm', name: 'loose-envify', version: '1.4.0', locations },
    { type: 'npm', name: 'react-dom', version: '18.2.0', locations },
    { type: 'npm', name: 'react', version: '18.2.0', locations },
  ]);
});

test('lock file 6.x: "/name@version(peers)" keys; tarball entries named by their fields', async () => {
  const { result, warnings } = await runExtractor(pnpmLockExtractor, path, fixture('pnpm-6'));
  assert.deepEqual(warnings, []);
  assert.deepEqual(result.packages, [
    { type: 'npm', namespace: '@tanstack', name: 'query-core', version: '5.8.3', locations },
    { type: 'npm', namespace: '@tanstack', name: 'react-query', version: '5.8.4', locations },
    { type: 'npm', name: 'react', version: '18.2.0', locations },
    { type: 'npm', name: 'vitest', version: '0.34.6', dev: true, locations },
    { type: 'npm', name: 'left-pad', version: '1.3.0', locations },
  ]);
});

test('lock file 9.x: "name@version" keys; dev derived from the importers and snapshots graph', async () => {
  const { result, warnings } = await runExtractor(pnpmLockExtractor, path, fixture('pnpm-9'));
  assert.deepEqual(warnings, []);
  assert.deepEqual(result.packages, [
    // Reached from dependencies through a peer-suffixed snapshot.
    { type: 'npm', namespace: '@tanstack', name: 'query-core', version: '5.8.3', locations },
    { type: 'npm', namespace: '@tanstack', name: 'react-query', version: '5.8.4', locations },
    // Reached only through the aliased development dependency string-width.
    { type: 'npm', name: 'ansi-regex', version: '5.0.1', dev: true, locations },
    // A development dependency of one importer, a production one of another.
    { type: 'npm', name: 'react', version: '18.2.0', locations },
    { type: 'npm', name: 'string-width', version: '4.2.3', dev: true, locations },
    { type: 'npm', name: 'typescript', version: '5.3.3', dev: true, locations },
  ]);
});

test('lock file 9.x: cyclic snapshots and hostile dependency maps end', async () => {
  const content = [
    "lockfileVersion: '9.0'",
    'importers:',
    '  .:',
    '    devDependencies:',
    '      a: {specifier: ^1, version: 1.0.0}',
    '      __proto__: {specifier: ^1, version: 1.0.0}',
    '      weird: [1, 2]',
    'packages:',
    '  a@1.0.0: {}',
    '  b@1.0.0: {}',
    'snapshots:',
    '  a@1.0.0:',
    '    dependencies: {b: 1.0.0}',
    '  b@1.0.0:',
    '    dependencies: {a: 1.0.0, b: 1.0.0}',
    '',
  ].join('\n');
  const { result } = await runExtractor(pnpmLockExtractor, path, content);
  assert.deepEqual(result.packages.map((pkg) => [pkg.name, pkg.dev]), [['a', true], ['b', true]]);
});

test('a tooling document before the lock (pnpm 9.7+) is passed over', async () => {
  const tooling = "---\nlockfileVersion: '9.0'\n\nimporters:\n  .:\n    configDependencies: {}\n\npackages:\n  pnpm@9.12.0:\n    resolution: {integrity: sha512-x}\n\n";
  const { result } = await runExtractor(pnpmLockExtractor, path, `${tooling}---\n${fixture('pnpm-9')}`);
  assert.deepEqual(result.packages.map((pkg) => pkg.name), ['query-core', 'react-query', 'ansi-regex', 'react', 'string-width', 'typescript']);
});

test('unreadable keys, wrong types and a missing lockfileVersion are warnings; the rest is kept', async () => {
  const content = [
    'packages:',
    '  /no-version-here:',
    '    resolution: {integrity: sha512-x}',
    '  /scalar@1.0.0: yes',
    '  /ok@2.0.0:',
    '    resolution: {integrity: sha512-y}',
    '',
  ].join('\n');
  const { result, warnings } = await runExtractor(pnpmLockExtractor, path, content);
  assert.deepEqual(result.packages, [{ type: 'npm', name: 'ok', version: '2.0.0', locations }]);
  assert.equal(warnings.length, 3);
  assert.match(warnings.join('\n'), /no lockfileVersion/);
  const notMap = await runExtractor(pnpmLockExtractor, path, "lockfileVersion: '9.0'\npackages: [a, b]\n");
  assert.deepEqual(notMap.result.packages, []);
  assert.match(notMap.warnings.join(), /not a mapping/);
});

test('alias bombs, deep nesting and __proto__ keys are contained', async () => {
  const bomb = ["lockfileVersion: '9.0'", 'a: &a [x, x, x, x, x, x, x, x]'];
  for (let level = 1; level < 10; level += 1) bomb.push(`b${level}: &a${level} [${Array(8).fill(level === 1 ? '*a' : `*a${level - 1}`).join(', ')}]`);
  bomb.push('packages: {}');
  const bombed = await runExtractor(pnpmLockExtractor, path, `${bomb.join('\n')}\n`);
  assert.deepEqual(bombed.result.packages, []);
  assert.match(bombed.warnings.join(), /alias/i);

  const deep = await runExtractor(pnpmLockExtractor, path, `packages: ${'['.repeat(50_000)}${']'.repeat(50_000)}\n`);
  assert.deepEqual(deep.result.packages, []);
  assert.equal(deep.warnings.length, 1);

  const proto = await runExtractor(pnpmLockExtractor, path, "lockfileVersion: '9.0'\npackages:\n  __proto__@1.0.0:\n    polluted: yes\n  __proto__:\n    name: __proto__\n    version: 2.0.0\n");
  assert.deepEqual(proto.result.packages.map((pkg) => `${pkg.name}@${pkg.version}`), ['__proto__@1.0.0', '__proto__@2.0.0']);
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
});

describeHostileInputs(pnpmLockExtractor, path, fixture('pnpm-6'), 'pnpm 6');
describeHostileInputs(pnpmLockExtractor, path, fixture('pnpm-9'), 'pnpm 9');
