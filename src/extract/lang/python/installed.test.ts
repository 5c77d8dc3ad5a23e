import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { runExtractor } from '../../testing.ts';
import { pythonInstalledExtractor } from './index.ts';

const fixture = (name: string): string => readFileSync(new URL(`./testdata/installed/${name}`, import.meta.url), 'utf8');
const required = (path: string) => pythonInstalledExtractor.fileRequired({ path, size: 100, mode: 0o644 });

test('fileRequired: dist-info METADATA, egg-info PKG-INFO and single-file egg-info', () => {
  assert.ok(required('usr/lib/python3.11/site-packages/requests-2.31.0.dist-info/METADATA'));
  assert.ok(required('opt/venv/lib/python3.12/site-packages/six-1.16.0.egg-info/PKG-INFO'));
  assert.ok(required('usr/lib/python3/dist-packages/six-1.16.0.egg-info'));
  assert.ok(!required('usr/lib/python3/dist-packages/requests-2.31.0.dist-info/RECORD'));
  assert.ok(!required('usr/lib/python3/dist-packages/six-1.16.0.egg-info/top_level.txt'));
  assert.ok(!required('srv/METADATA'));
});

test('dist-info METADATA: name, version and the License field; the description is not read', async () => {
  const path = 'usr/lib/python3.11/site-packages/requests-2.31.0.dist-info/METADATA';
  const { result, warnings } = await runExtractor(pythonInstalledExtractor, path, fixture('METADATA'));
  assert.deepEqual(warnings, []);
  assert.deepEqual(result.packages, [{ type: 'pypi', name: 'requests', version: '2.31.0', licenses: ['Apache 2.0'], locations: [path] }]);
});

test('metadata 2.4: License-Expression wins; the name is kept as declared', async () => {
  const path = 'site-packages/flask_sqlalchemy-3.1.1.dist-info/METADATA';
  const { result } = await runExtractor(pythonInstalledExtractor, path, fixture('METADATA-2.4'));
  assert.deepEqual(result.packages, [{ type: 'pypi', name: 'Flask_SQLAlchemy', version: '3.1.1', licenses: ['BSD-3-Clause'], locations: [path] }]);
});

test('PKG-INFO: a License holding full text is passed over for the classifiers', async () => {
  for (const path of ['usr/lib/python3/dist-packages/six-1.16.0.egg-info', 'app/six-1.16.0.egg-info/PKG-INFO']) {
    const { result, warnings } = await runExtractor(pythonInstalledExtractor, path, fixture('PKG-INFO'));
    assert.deepEqual(warnings, []);
    assert.deepEqual(result.packages, [{ type: 'pypi', name: 'six', version: '1.16.0', licenses: ['MIT License'], locations: [path] }]);
  }
});

test('CRLF line ends and folded headers are read', async () => {
  const content = 'Metadata-Version: 2.1\r\nName: crlf-pkg\r\nVersion: 1.0\r\nLicense: MIT\r\n\r\nbody\r\n';
  const { result } = await runExtractor(pythonInstalledExtractor, 'x.dist-info/METADATA', content);
  assert.deepEqual(result.packages, [{ type: 'pypi', name: 'crlf-pkg', version: '1.0', licenses: ['MIT'], locations: ['x.dist-info/METADATA'] }]);
});

test('missing Name or Version is a warning; malformed header lines are reported', async () => {
  const noVersion = await runExtractor(pythonInstalledExtractor, 'x.dist-info/METADATA', 'Metadata-Version: 2.1\nName: x\n');
  assert.deepEqual(noVersion.result.packages, []);
  assert.match(noVersion.warnings.join(), /no Version/);

  const malformed = await runExtractor(pythonInstalledExtractor, 'x.dist-info/METADATA', '  orphan continuation\nName: y\nnot a header\nVersion: 2.0\n');
  assert.deepEqual(malformed.result.packages.map((pkg) => `${pkg.name}@${pkg.version}`), ['y@2.0']);
  assert.match(malformed.warnings.join(), /2 malformed/);
});

test('truncated metadata keeps what was read or warns', async () => {
  const { result, warnings } = await runExtractor(pythonInstalledExtractor, 'x.dist-info/METADATA', 'Metadata-Version: 2.1\nName: requ');
  assert.deepEqual(result.packages, []);
  assert.match(warnings.join(), /no Version/);
});

test('hostile input: oversized, bad UTF-8, binary', async () => {
  const oversized = await runExtractor(pythonInstalledExtractor, 'x.dist-info/METADATA', fixture('METADATA'), 64);
  assert.deepEqual(oversized.result.packages, []);
  assert.match(oversized.warnings.join(), /limit/);
  const badBytes = Buffer.concat([Buffer.from('Name: caf'), Buffer.from([0xff, 0xfe]), Buffer.from('\nVersion: 1.0\n')]);
  const damaged = await runExtractor(pythonInstalledExtractor, 'x.dist-info/METADATA', badBytes);
  assert.deepEqual(damaged.result.packages.map((pkg) => pkg.name), ['caf\uFFFD\uFFFD']);
  assert.match(damaged.warnings.join(), /UTF-8/);
  const binary = await runExtractor(pythonInstalledExtractor, 'x.egg-info', Buffer.from([0, 1, 2, 0x0a, 0x3a, 0x0a]));
  assert.deepEqual(binary.result.packages, []);
  assert.ok(binary.warnings.length > 0);
});

test('a huge header block is read in linear time', async () => {
  const content = `Name: many\nVersion: 1.0\n${'Classifier: Topic :: Utilities\n'.repeat(200_000)}`;
  const started = performance.now();
  const { result } = await runExtractor(pythonInstalledExtractor, 'x.dist-info/METADATA', content);
  assert.ok(performance.now() - started < 5000);
  assert.equal(result.packages.length, 1);
});
