import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { runExtractor } from '../../testing.ts';
import { describeHostileInputs } from '../support/hostile-inputs.ts';
import { cargoLockExtractor } from './index.ts';

const fixture = (version: string): string => readFileSync(new URL(`./testdata/${version}/Cargo.lock`, import.meta.url), 'utf8');
const path = 'build/app/Cargo.lock';
const locations = [path];
const CRATES_IO = 'registry+https://github.com/rust-lang/crates.io-index';

test('fileRequired accepts Cargo.lock anywhere', () => {
  assert.ok(cargoLockExtractor.fileRequired({ path, size: 1, mode: 0o644 }));
  assert.ok(!cargoLockExtractor.fileRequired({ path: 'build/app/Cargo.toml', size: 1, mode: 0o644 }));
});

test('version 1: crates without a source are the workspace roots', async () => {
  const { result, warnings } = await runExtractor(cargoLockExtractor, path, fixture('v1'));
  assert.deepEqual(warnings, []);
  assert.deepEqual(result.packages, [
    { type: 'cargo', name: 'cfg-if', version: '0.1.10', metadata: { source: CRATES_IO }, locations },
    { type: 'cargo', name: 'legacy-tool', version: '0.2.0', isRoot: true, locations },
    { type: 'cargo', name: 'log', version: '0.4.8', metadata: { source: CRATES_IO }, locations },
  ]);
});

test('version 3: registry and git crates keep their source; workspace members are roots', async () => {
  const { result, warnings } = await runExtractor(cargoLockExtractor, path, fixture('v3'));
  assert.deepEqual(warnings, []);
  assert.deepEqual(result.packages, [
    { type: 'cargo', name: 'api-server', version: '0.5.0', isRoot: true, locations },
    { type: 'cargo', name: 'serde', version: '1.0.193', metadata: { source: CRATES_IO }, locations },
    { type: 'cargo', name: 'shared-types', version: '0.1.0', isRoot: true, locations },
    { type: 'cargo', name: 'tokio', version: '1.35.0', metadata: { source: CRATES_IO }, locations },
    {
      type: 'cargo',
      name: 'tokio-util',
      version: '0.7.10',
      metadata: { source: 'git+https://github.com/tokio-rs/tokio?branch=master#0bb2b2a3c5bd07f5cd5cde2a6b64f9adf2e6c0b1' },
      locations,
    },
  ]);
});

test('version 4: sparse registry sources', async () => {
  const { result } = await runExtractor(cargoLockExtractor, path, fixture('v4'));
  assert.deepEqual(
    result.packages.map((pkg) => [pkg.name, pkg.version, pkg.isRoot === true]),
    [['anyhow', '1.0.86', false], ['cli', '2.0.0', true], ['rustls', '0.23.12', false]],
  );
});

test('invalid TOML, wrong types and missing fields are warnings; the rest is kept', async () => {
  const invalid = await runExtractor(cargoLockExtractor, path, 'version = 3\n[[package]\n');
  assert.deepEqual(invalid.result.packages, []);
  assert.match(invalid.warnings.join(), /not valid TOML/);

  const content = 'version = 3\n[[package]]\nname = "a"\n[[package]]\nname = ["b"]\nversion = "1.0.0"\n[[package]]\nname = "c"\nversion = "1.0.0"\nsource = 7\n';
  const { result, warnings } = await runExtractor(cargoLockExtractor, path, content);
  assert.deepEqual(result.packages, [{ type: 'cargo', name: 'c', version: '1.0.0', isRoot: true, locations }]);
  assert.equal(warnings.length, 2);

  const notArray = await runExtractor(cargoLockExtractor, path, '[package]\nname = "x"\n');
  assert.deepEqual(notArray.result.packages, []);
  assert.match(notArray.warnings.join(), /not an array/);
});

test('__proto__ tables and deep inline nesting are contained', async () => {
  const proto = await runExtractor(cargoLockExtractor, path, '[__proto__]\npolluted = 1\n[[package]]\nname = "__proto__"\nversion = "0.1.0"\n');
  assert.deepEqual(proto.result.packages.map((pkg) => pkg.name), ['__proto__']);
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  const deep = await runExtractor(cargoLockExtractor, path, `x = ${'{a = '.repeat(50_000)}1${'}'.repeat(50_000)}\n`);
  assert.deepEqual(deep.result.packages, []);
  assert.equal(deep.warnings.length, 1);
});

describeHostileInputs(cargoLockExtractor, path, fixture('v3'));
