import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { runExtractor } from '../../testing.ts';
import { describeHostileInputs } from '../support/hostile-inputs.ts';
import { yarnLockExtractor } from './index.ts';

const fixture = (name: string): string => readFileSync(new URL(`./testdata/${name}/yarn.lock`, import.meta.url), 'utf8');

test('fileRequired accepts yarn.lock anywhere', () => {
  assert.ok(yarnLockExtractor.fileRequired({ path: 'yarn.lock', size: 1, mode: 0o644 }));
  assert.ok(yarnLockExtractor.fileRequired({ path: 'srv/web/yarn.lock', size: 1, mode: 0o644 }));
  assert.ok(!yarnLockExtractor.fileRequired({ path: 'srv/web/yarn.lock.json', size: 1, mode: 0o644 }));
  assert.ok(!yarnLockExtractor.fileRequired({ path: 'srv/web/.yarnrc.yml', size: 1, mode: 0o644 }));
});

test('yarn v1: multi-range headers, scopes, aliases resolve to the real package, links skipped', async () => {
  const { result, warnings } = await runExtractor(yarnLockExtractor, 'web/yarn.lock', fixture('yarn-v1'));
  assert.deepEqual(warnings, []);
  const locations = ['web/yarn.lock'];
  assert.deepEqual(result.packages, [
    { type: 'npm', namespace: '@babel', name: 'code-frame', version: '7.12.13', locations },
    { type: 'npm', name: 'debug', version: '4.3.1', locations },
    { type: 'npm', name: 'ms', version: '2.1.2', locations },
    { type: 'npm', name: 'string-width', version: '4.2.3', locations },
  ]);
});

test('yarn v1 with CRLF line ends reads the same', async () => {
  const crlf = await runExtractor(yarnLockExtractor, 'yarn.lock', fixture('yarn-v1').replaceAll('\n', '\r\n'));
  const lf = await runExtractor(yarnLockExtractor, 'yarn.lock', fixture('yarn-v1'));
  assert.deepEqual(crlf, lf);
});

test('yarn v1: entries without a version and unreadable lines are warnings; the rest is kept', async () => {
  const content = [
    'left-pad@^1.0.0:',
    '  resolved "https://registry.yarnpkg.com/left-pad/-/left-pad-1.3.0.tgz"',
    '',
    'this line is not a header',
    '',
    'ms@^2.0.0:',
    '  version "2.1.3"',
    '  "broken',
    '',
  ].join('\n');
  const { result, warnings } = await runExtractor(yarnLockExtractor, 'yarn.lock', content);
  assert.deepEqual(result.packages, [{ type: 'npm', name: 'ms', version: '2.1.3', locations: ['yarn.lock'] }]);
  assert.equal(warnings.length, 3);
  assert.match(warnings.join('\n'), /"left-pad" has no version/);
});

test('yarn berry: YAML entries by resolution; patches deduplicated; workspace and link skipped', async () => {
  const { result, warnings } = await runExtractor(yarnLockExtractor, 'yarn.lock', fixture('yarn-berry'));
  assert.deepEqual(warnings, []);
  const locations = ['yarn.lock'];
  assert.deepEqual(result.packages, [
    { type: 'npm', namespace: '@types', name: 'node', version: '20.8.10', locations },
    { type: 'npm', name: 'minimist', version: '1.2.10', locations },
    { type: 'npm', name: 'resolve', version: '1.22.8', locations },
    { type: 'npm', name: 'undici-types', version: '5.26.5', locations },
    // An unquoted `1.10` stays the string it was written as.
    { type: 'npm', name: 'yaml', version: '1.10', locations },
  ]);
});

test('yarn berry: invalid YAML, wrong types and missing fields are warnings', async () => {
  const invalid = await runExtractor(yarnLockExtractor, 'yarn.lock', '__metadata:\n  version: 8\n"a@npm:1": [unclosed\n');
  assert.deepEqual(invalid.result.packages, []);
  assert.match(invalid.warnings.join(), /not valid YAML/);

  const content = [
    '__metadata:',
    '  version: 8',
    '"a@npm:1.0.0": just a string',
    '"b@npm:1.0.0":',
    '  resolution: "b@npm:1.0.0"',
    '"c@npm:2.0.0":',
    '  version: 2.0.0',
    '  resolution: "c@npm:2.0.0"',
    '',
  ].join('\n');
  const { result, warnings } = await runExtractor(yarnLockExtractor, 'yarn.lock', content);
  assert.deepEqual(result.packages, [{ type: 'npm', name: 'c', version: '2.0.0', locations: ['yarn.lock'] }]);
  assert.equal(warnings.length, 2);
});

test('yarn berry: an alias bomb is refused quickly with a warning', async () => {
  const lines = ['__metadata:', '  version: 8', 'a0: &a0 [x, x, x, x, x, x, x, x, x]'];
  for (let level = 1; level < 9; level += 1) {
    const previous = `*a${level - 1}`;
    lines.push(`a${level}: &a${level} [${Array(9).fill(previous).join(', ')}]`);
  }
  const started = performance.now();
  const { result, warnings } = await runExtractor(yarnLockExtractor, 'yarn.lock', `${lines.join('\n')}\n`);
  assert.ok(performance.now() - started < 2000);
  assert.deepEqual(result.packages, []);
  assert.match(warnings.join(), /alias/i);
});

test('yarn berry: __proto__ keys pollute nothing', async () => {
  const content = '__metadata:\n  version: 8\n__proto__:\n  polluted: yes\n  version: 1.0.0\n  resolution: "__proto__@npm:1.0.0"\n';
  const { result } = await runExtractor(yarnLockExtractor, 'yarn.lock', content);
  assert.deepEqual(result.packages.map((pkg) => `${pkg.name}@${pkg.version}`), ['__proto__@1.0.0']);
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
});

describeHostileInputs(yarnLockExtractor, 'yarn.lock', fixture('yarn-v1'), 'yarn v1');
describeHostileInputs(yarnLockExtractor, 'yarn.lock', fixture('yarn-berry'), 'yarn berry');
